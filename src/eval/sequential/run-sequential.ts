import { StratalignError } from '../../shared/errors.js';
import type { Action } from '../../catalogue/games/action-space.js';
import type { ProportionInterval } from './confidence-sequence.js';
import { decisionPoints } from './scheduled-look.js';
import { checkStoppingOptions, createStoppingRule, type LookVerdict, type StoppingOptions } from './stopping-rule.js';
import type { SequentialDesign } from './look.js';

export type { SequentialDesign } from './look.js';

export type SequentialRunOptions = StoppingOptions &
  SequentialDesign & {
    /** The game's two actions; the first is the counted one whose teacher probability is `reference`. */
    actions: readonly [Action, Action];
  };

export type SequentialOutcome = Exclude<LookVerdict, 'continue'> | 'unsettled-at-cap' | 'stopped-by-error';

/** `decidedOn`: the valid answers the look's verdict and interval use (the first ones; see scheduled-look.ts). */
export type LookRecord = {
  calls: number;
  samples: number;
  counted: number;
  decidedOn: number;
  verdict: LookVerdict;
  interval: ProportionInterval;
};

export type SequentialResult = {
  decision: SequentialOutcome;
  /** Draws made, parse failures and failed draws included: what the run cost. */
  calls: number;
  /** Valid answers, the only data the interval uses. */
  samples: number;
  /** Draws that returned no action (parse failures): counted as calls, never used as data. */
  failures: number;
  /**
   * Valid answers the decision and interval rest on: all of them for the always-valid design;
   * for the group-sequential one the first ones up to the last scheduled look they reached,
   * which is fewer than `samples` when unread answers moved the count off the schedule.
   */
  decidedOn: number;
  counts: Record<string, number>;
  /** Share of the counted action among valid answers; null before the first valid answer. */
  estimate: number | null;
  /** Confidence-sequence interval for the counted action's probability at the last look. */
  interval: ProportionInterval & { action: string };
  looks: LookRecord[];
  /** Set when a draw threw: the run stopped after that batch, everything collected is kept. */
  error?: string;
};

export type Draw = () => Promise<Action | null> | Action | null;

/**
 * Samples one scenario in batches until the stopping rule settles or pins it, or the cap is
 * reached. A draw returns the parsed action, or null when the answer could not be parsed.
 */
export async function runSequential(draw: Draw, options: SequentialRunOptions): Promise<SequentialResult> {
  checkRunOptions(options);
  const rule = createStoppingRule(options);
  const [counted, other] = options.actions.map(String) as [string, string];
  const counts: Record<string, number> = { [counted]: 0, [other]: 0 };
  const looks: LookRecord[] = [];
  let calls = 0;
  let failures = 0;
  let error: string | undefined;
  let look = rule(0, 0);
  const decideOn = decisionPoints(options.design, options.batch, options.cap);
  // countedBefore[i]: counted answers among the first i valid ones, so a look can decide on a prefix.
  const countedBefore: number[] = [0];
  let decidedOn = 0;

  while (calls < options.cap && look.verdict === 'continue' && error === undefined) {
    const size = Math.min(options.batch, options.cap - calls);
    const settled = await Promise.allSettled(Array.from({ length: size }, async () => draw()));
    for (const outcome of settled) {
      calls++;
      if (outcome.status === 'rejected') {
        error ??= outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
        continue;
      }
      const action = outcome.value;
      if (action === null) failures++;
      else if (Object.hasOwn(counts, String(action))) {
        counts[String(action)]!++;
        countedBefore.push(counts[counted]!);
      } else error ??= `draw returned ${JSON.stringify(action)}, which is neither ${counted} nor ${other}`;
    }
    const samples = counts[counted]! + counts[other]!;
    decidedOn = decideOn(samples);
    look = rule(countedBefore[decidedOn]!, decidedOn);
    looks.push({
      calls,
      samples,
      counted: counts[counted]!,
      decidedOn,
      verdict: look.verdict,
      interval: look.interval,
    });
  }

  const samples = counts[counted]! + counts[other]!;
  // The sequence is valid at any stopping time, an error's included, so a verdict reached by
  // the last look stands even when the run then stopped on an error (which is still reported).
  const decision: SequentialOutcome =
    look.verdict !== 'continue' ? look.verdict : error !== undefined ? 'stopped-by-error' : 'unsettled-at-cap';
  return {
    decision,
    calls,
    samples,
    failures,
    decidedOn,
    counts,
    estimate: samples === 0 ? null : counts[counted]! / samples,
    interval: { ...look.interval, action: counted },
    looks,
    ...(error === undefined ? {} : { error }),
  };
}

export function checkDesign(design: SequentialDesign): void {
  if (!Number.isInteger(design.batch) || design.batch < 1) {
    throw new StratalignError(
      { field: 'batch', value: design.batch },
      'batch must be a whole number of draws, 1 or more',
      'use e.g. 10',
    );
  }
  if (!Number.isInteger(design.cap) || design.cap < 1) {
    throw new StratalignError(
      { field: 'cap', value: design.cap },
      'cap must be a whole number of calls, 1 or more',
      'use e.g. 300',
    );
  }
}

function checkRunOptions(options: SequentialRunOptions): void {
  checkStoppingOptions(options);
  checkDesign(options);
  const [a, b] = options.actions.map(String);
  if (options.actions.length !== 2 || a === b) {
    throw new StratalignError(
      { field: 'actions', value: options.actions },
      'sequential sampling needs exactly two distinct actions',
      'pass the game\'s two options, the counted one first, e.g. ["C", "D"]; games with more actions use ' +
        'fixed sampling',
    );
  }
}
