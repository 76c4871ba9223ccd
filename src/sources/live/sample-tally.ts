import {
  ENVELOPE_TAG,
  formatEnvelope,
  type EnvelopeSample,
  type SampleEnvelope,
} from '../../answers/samples/envelope.js';
import { classifyChoice } from './choice-outcome.js';
import { addUsage, emptyUsage, type UsageTotals } from './cost.js';
import { describeFault, type FaultContext, type LiveFault } from './faults.js';
import type { LogprobDistribution } from './logprob-distribution.js';
import { addMissing, formatMissing, missingKindOf, missingTotal, type MissingAnswers } from './missing-answers.js';
import type { LiveConfig } from './provider-config.js';
import type { CompletionResult } from './transport.js';

/** One request of a multi-sample call: how many answers it was asked for, and what came of it. */
export type CallOutcome = { asked: number; result: CompletionResult } | { asked: number; fault: LiveFault };

export type SampleTally = {
  samples: EnvelopeSample[];
  missingCount: number;
  /** Distinct reasons in first-seen order, with how many answers each cost. */
  missingReasons: MissingAnswers[];
  /**
   * Of the missing answers, those lost to a failed call or a server that returned fewer choices
   * than asked; the rest were withheld by the API (content filter, refusal). Sequential mode
   * stops after a failed call but keeps sampling past a refusal.
   */
  failedCount: number;
  /** The first failed call's reason, null when no call failed. */
  firstFailure: string | null;
  usage: UsageTotals;
};

/**
 * Counts every asked-for answer exactly once: as a sample, or as missing with its reason.
 * `shortReason` explains a request that returned fewer choices than asked.
 */
export function tallyOutcomes(
  outcomes: readonly CallOutcome[],
  ctx: FaultContext,
  shortReason: (got: number, asked: number) => string,
): SampleTally {
  const samples: EnvelopeSample[] = [];
  const missing: MissingAnswers[] = [];
  let failedCount = 0;
  let firstFailure: string | null = null;
  const fail = (kind: MissingAnswers['kind'], reason: string, count: number) => {
    addMissing(missing, kind, count, reason);
    failedCount += count;
    firstFailure ??= reason;
  };
  const usage = emptyUsage();
  for (const outcome of outcomes) {
    usage.requests++;
    if ('fault' in outcome) {
      fail(missingKindOf(outcome.fault), describeFault(outcome.fault, ctx), outcome.asked);
      continue;
    }
    addUsage(usage, outcome.result.usage);
    const choices = outcome.result.choices.slice(0, outcome.asked);
    if (choices.length === 0) {
      fail('no-choices', describeFault({ kind: 'no-choices' }, ctx), outcome.asked);
      continue;
    }
    for (const choice of choices) {
      const classified = classifyChoice(choice);
      if (classified.kind === 'sample') samples.push(classified.sample);
      else addMissing(missing, classified.missingKind, 1, classified.reason);
    }
    const short = outcome.asked - choices.length;
    if (short > 0) fail('short-n', shortReason(choices.length, outcome.asked), short);
  }
  return { samples, missingCount: missingTotal(missing), missingReasons: missing, failedCount, firstFailure, usage };
}

/** A live row as its envelope names it: who answered, in which mode, how many answers it asked for. */
export type LiveRow = {
  config: LiveConfig;
  scenarioId: string;
  mode: 'single' | 'multi' | 'logprobs';
  requested: number;
};

/** What a live row's call outcomes come to: their tally, and the row's output text once its samples are final. */
export type LiveAnswers = {
  tally: SampleTally;
  /**
   * The tally's stratalign.samples/v1 envelope as the row's output text (a logprobs row adds its distribution).
   * Written when asked, so the records an extractor adds to the samples in between travel with them.
   */
  output: (distribution?: LogprobDistribution) => string;
};

/**
 * The one step from a live row's outcomes to its output: every asked-for answer counted once
 * (tallyOutcomes), then the envelope (liveEnvelope) written as text.
 */
export function liveAnswers(
  outcomes: readonly CallOutcome[],
  ctx: FaultContext,
  shortReason: (got: number, asked: number) => string,
  row: LiveRow,
): LiveAnswers {
  const tally = tallyOutcomes(outcomes, ctx, shortReason);
  const output = (distribution?: LogprobDistribution) =>
    formatEnvelope(liveEnvelope(row.config, row.scenarioId, row.mode, row.requested, tally, distribution));
  return { tally, output };
}

/** One tally of several, in order: a sequential run tallies batch by batch. */
export function mergeTallies(tallies: readonly SampleTally[]): SampleTally {
  const missing: MissingAnswers[] = [];
  const usage = emptyUsage();
  for (const t of tallies) {
    for (const m of t.missingReasons) addMissing(missing, m.kind, m.count, m.message);
    usage.prompt += t.usage.prompt;
    usage.completion += t.usage.completion;
    usage.requests += t.usage.requests;
    usage.unreported += t.usage.unreported;
  }
  return {
    samples: tallies.flatMap((t) => t.samples),
    missingCount: tallies.reduce((sum, t) => sum + t.missingCount, 0),
    missingReasons: missing,
    failedCount: tallies.reduce((sum, t) => sum + t.failedCount, 0),
    firstFailure: tallies.find((t) => t.firstFailure !== null)?.firstFailure ?? null,
    usage,
  };
}

/** Reasons as the envelope and error messages show them: `3× 503 server error at …`. */
export function formatReasons(reasons: readonly MissingAnswers[]): string[] {
  return formatMissing(reasons);
}

/** The envelope a multi or logprobs call returns; the counts must add up or this is a bug. */
export function liveEnvelope(
  config: LiveConfig,
  scenarioId: string,
  mode: 'single' | 'multi' | 'logprobs' | 'sequential',
  requested: number,
  tally: SampleTally,
  distribution?: LogprobDistribution,
): SampleEnvelope {
  if (tally.samples.length + tally.missingCount !== requested) {
    throw new Error(`bug: ${tally.samples.length} samples + ${tally.missingCount} missing != ${requested} requested`);
  }
  const who = `${config.model}${config.role ? ` (${config.role})` : ''}`;
  const lost = tally.missingCount ? `, ${tally.missingCount} missing` : '';
  return {
    stratalign: ENVELOPE_TAG,
    note: `LIVE ${mode}: ${tally.samples.length} of ${requested} answers from ${who} at ${config.baseUrl}${lost}`,
    source: 'live',
    mode,
    scenario: scenarioId,
    model: config.model,
    role: config.role,
    requested,
    samples: tally.samples,
    missing: {
      count: tally.missingCount,
      reasons: formatReasons(tally.missingReasons),
      ...(tally.missingReasons.length > 0 ? { byKind: tally.missingReasons.map((m) => ({ ...m })) } : {}),
    },
    ...(distribution ? { distribution } : {}),
  };
}
