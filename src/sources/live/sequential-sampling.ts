import {
  formatEnvelope,
  readEnvelopeSample,
  type EnvelopeSample,
  type SampleEnvelope,
  type SequentialRecord,
} from '../../answers/samples/envelope.js';
import type { Scenario } from '../../catalogue/scenarios/scenario.js';
import { drawInBatches, type BatchOutcome } from '../../eval/sequential/batch-draw.js';
import { describeSequentialOutcome } from '../../eval/sequential/describe-outcome.js';
import { gateEdges } from '../../eval/sequential/gate-edges.js';
import { runSequential, type SequentialResult } from '../../eval/sequential/run-sequential.js';
import type { FaultContext } from './faults.js';
import type { LiveConfig } from './provider-config.js';
import { answerCounts } from './missing-answers.js';
import { liveEnvelope, mergeTallies, tallyOutcomes, type SampleTally } from './sample-tally.js';
import { runMulti, type SamplingContext } from './sampling.js';
import type { SequentialSettings } from './sequential-config.js';
import type { SequentialGate } from './sequential-gate.js';

export type SequentialSampling = {
  run: SequentialResult;
  /** Every answer asked for, batch after batch: `samples + missing = run.calls`. */
  tally: SampleTally;
  usedN: boolean;
};

const SHORT_REASON = (got: number, asked: number) =>
  `server returned ${got} of ${asked} choices for n=${asked}: it may ignore n; set useN: auto or false`;

/**
 * Samples one scenario in batches (each a multi-mode batch: `n` or single calls, through the
 * provider's limiter) until runSequential stops. What counts: an answer that names an action is
 * data; an unparseable answer or one the API withheld (filter, refusal) is a call but not data,
 * and sampling goes on; a failed call (after the SDK's retries) is a missing sample with its
 * reason, and sampling stops after that batch. Nothing drawn is dropped.
 */
export async function sampleSequentially(
  ctx: SamplingContext,
  scenario: Scenario,
  gate: SequentialGate,
  settings: SequentialSettings,
  faults: FaultContext,
  /**
   * The configured extractor, run on each batch before its answers are counted, so the decision uses what the eval
   * reports.
   */
  extract?: (samples: EnvelopeSample[]) => Promise<void>,
): Promise<SequentialSampling> {
  const tallies: SampleTally[] = [];
  let usedN = false;
  const drawBatch = async (size: number, first: number): Promise<BatchOutcome[]> => {
    // Seeds continue across repeats as in multi mode: each repeat owns `cap` sample indices.
    const batch = await runMulti(ctx, { size, first: ctx.repeatIndex * settings.cap + first });
    usedN ||= batch.usedN;
    const tally = tallyOutcomes(batch.outcomes, faults, SHORT_REASON);
    tallies.push(tally);
    if (extract) await extract(tally.samples);
    // A structured prompt carries its schema; its answers are read by the strict reader only.
    const structured = ctx.prompt.answerSchema !== undefined;
    const answers = tally.samples.map((s) => {
      // The one sample reader the gate reads this row's envelope with: rules, then the extractor's recorded reply.
      const parse = readEnvelopeSample(s, scenario.game.actionSpace, scenario.labels, structured);
      return parse.ok ? parse.action : null;
    });
    const withheld = tally.missingCount - tally.failedCount;
    return [
      ...answers,
      ...Array<null>(withheld).fill(null),
      ...Array.from({ length: tally.failedCount }, () => ({ failed: tally.firstFailure ?? 'call failed' })),
    ];
  };
  const run = await runSequential(drawInBatches(drawBatch, settings), {
    reference: gate.share,
    tolerance: settings.tolerance,
    level: settings.level,
    ...(settings.targetHalfWidth === undefined ? {} : { targetHalfWidth: settings.targetHalfWidth }),
    batch: settings.batch,
    cap: settings.cap,
    actions: gate.actions,
    design: settings.design,
    ...(settings.referenceExact ? {} : { referenceAnswers: gate.n }),
  });
  return { run, tally: mergeTallies(tallies), usedN };
}

/** The envelope's sequential record: why sampling stopped where it did. */
export function sequentialRecord(
  run: SequentialResult,
  gate: SequentialGate,
  settings: SequentialSettings,
): SequentialRecord {
  return {
    decision: run.decision,
    looks: run.looks.length,
    batch: settings.batch,
    cap: settings.cap,
    action: run.interval.action,
    valid: run.samples,
    ...(run.decidedOn < run.samples ? { decidedOn: run.decidedOn } : {}),
    interval: { low: run.interval.low, high: run.interval.high, level: run.interval.level },
    reference: {
      share: gate.share,
      n: gate.n,
      tolerance: settings.tolerance,
      model: gate.model,
      origin: settings.reference,
    },
    ...(settings.targetHalfWidth === undefined ? {} : { targetHalfWidth: settings.targetHalfWidth }),
    ...(run.error === undefined ? {} : { error: run.error }),
    design: settings.design,
    teacher: settings.referenceExact ? 'exact' : 'estimated',
    errorRate: 1 - settings.level,
    // The always-valid design moves the gate's edges by the teacher's interval; the group-sequential one widens its own
    // interval instead.
    ...(settings.referenceExact || settings.design !== 'always-valid'
      ? {}
      : { edges: gateEdges(gate.share, settings.tolerance, { n: gate.n, errorRate: (1 - settings.level) / 2 }) }),
  };
}

export function describeRecord(record: SequentialRecord, calls: number): string {
  return describeSequentialOutcome({ ...record, calls });
}

/**
 * The row's output: the sample envelope of a sequential run (every answer, every missing one, and the record) as text.
 */
export function sequentialOutput(
  config: LiveConfig,
  scenarioId: string,
  sampling: SequentialSampling,
  gate: SequentialGate,
): string {
  const { run, tally } = sampling;
  const settings = config.sequential!;
  const base = liveEnvelope(config, scenarioId, 'sequential', run.calls, tally);
  const record = sequentialRecord(run, gate, settings);
  const who = `${config.model}${config.role ? ` (${config.role})` : ''}`;
  const lost = tally.missingCount ? `, ${tally.missingCount} missing` : '';
  const envelope: SampleEnvelope = {
    ...base,
    note:
      `LIVE sequential: ${tally.samples.length} answers from ${who} at ${config.baseUrl} in ${run.calls} of ` +
      `cap ${settings.cap} calls${lost}; ${run.decision}`,
    sequential: record,
  };
  return formatEnvelope(envelope);
}

/** The metadata a sequential row carries next to the shared provenance. */
export function sequentialMeta(
  sampling: SequentialSampling,
  gate: SequentialGate,
  settings: SequentialSettings,
): Record<string, unknown> {
  const { run, tally } = sampling;
  return {
    ...answerCounts(run.calls, tally.samples.length, tally.missingReasons),
    ...(tally.usage.unreported ? { usageUnreportedRequests: tally.usage.unreported } : {}),
    usedN: sampling.usedN,
    decision: run.decision,
    calls: run.calls,
    cap: settings.cap,
    looks: run.looks.length,
    sequentialSummary: describeRecord(sequentialRecord(run, gate, settings), run.calls),
  };
}
