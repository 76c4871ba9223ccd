import type { Rng } from '../../shared/random.js';
import type { SequentialDesign } from './run-sequential.js';
import { decisionPoints } from './scheduled-look.js';
import type { LookVerdict, SequentialDesignKind, StoppingRule } from './stopping-rule.js';

/** A simulated truth: the counted action's probability among valid answers, and how often an answer fails to parse. */
export type SimulatedTruth = { probability: number; failureRate: number };

export type SimulatedRun = {
  verdict: Exclude<LookVerdict, 'continue'> | 'unsettled-at-cap';
  calls: number;
  samples: number;
  counted: number;
};

/**
 * One run of the same loop as runSequential, with draws from a seeded Rng instead of a model.
 * Each call consumes one Rng value for the parse failure (only when failureRate > 0) and one
 * for the action, so a runSequential draw written the same way reproduces it exactly.
 */
export function simulateSequential(
  truth: SimulatedTruth,
  rule: StoppingRule,
  design: SequentialDesign & { design?: SequentialDesignKind },
  rng: Rng,
): SimulatedRun {
  const decideOn = decisionPoints(design.design, design.batch, design.cap);
  const countedBefore: number[] = [0];
  let calls = 0;
  let samples = 0;
  let counted = 0;
  let verdict: LookVerdict = rule(0, 0).verdict;
  while (calls < design.cap && verdict === 'continue') {
    const size = Math.min(design.batch, design.cap - calls);
    for (let i = 0; i < size; i++) {
      calls++;
      if (truth.failureRate > 0 && rng() < truth.failureRate) continue;
      samples++;
      if (rng() < truth.probability) counted++;
      countedBefore.push(counted);
    }
    const s = decideOn(samples);
    verdict = rule(countedBefore[s]!, s).verdict;
  }
  return { verdict: verdict === 'continue' ? 'unsettled-at-cap' : verdict, calls, samples, counted };
}
