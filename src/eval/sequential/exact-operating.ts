import jStat from 'jstat';
import type { LookVerdict, SequentialDesign, StoppingRule } from './look.js';

export type OperatingCharacteristics = {
  /** Expected number of calls until the rule stops or the cap is reached. */
  expectedCalls: number;
  /** Probability of each final outcome; they sum to 1. */
  outcomes: Record<Exclude<LookVerdict, 'continue'> | 'unsettled-at-cap', number>;
  /** Expected calls of the runs that ended settled (within or outside), over all runs. */
  settledCalls: number;
  /** Probability that the interval reported when the run ends contains the truth. */
  coverage: number;
};

/**
 * Exact behaviour of a stopping rule when every answer is valid and the counted action has
 * probability `truth`: dynamic programming over the number of counted answers, look by look,
 * removing the paths that stop. No simulation error, so tests can hold the error rate to α
 * itself and simulations can be checked against it.
 */
export function exactOperatingCharacteristics(
  truth: number,
  rule: StoppingRule,
  design: SequentialDesign,
): OperatingCharacteristics {
  const outcomes = { 'settled-within': 0, 'settled-outside': 0, pinned: 0, futile: 0, 'unsettled-at-cap': 0 };
  let expectedCalls = 0;
  let settledCalls = 0;
  let coverage = 0;
  // alive[k]: probability of having counted k answers so far without stopping.
  let alive = [1];
  let n = 0;
  const first = rule(0, 0);
  if (first.verdict !== 'continue')
    return {
      expectedCalls: 0,
      settledCalls: 0,
      outcomes: { ...outcomes, [first.verdict]: 1 },
      coverage: contains(first.interval, truth) ? 1 : 0,
    };
  while (n < design.cap) {
    const size = Math.min(design.batch, design.cap - n);
    const step = binomialPmf(size, truth);
    const next = new Array<number>(alive.length + size).fill(0);
    alive.forEach((mass, k) => {
      if (mass > 0)
        step.forEach((p, j) => {
          next[k + j]! += mass * p;
        });
    });
    n += size;
    alive = next;
    for (let k = 0; k < alive.length; k++) {
      if (alive[k] === 0) continue;
      const look = rule(k, n);
      if (look.verdict === 'continue' && n < design.cap) continue;
      outcomes[look.verdict === 'continue' ? 'unsettled-at-cap' : look.verdict] += alive[k]!;
      expectedCalls += alive[k]! * n;
      if (look.verdict === 'settled-within' || look.verdict === 'settled-outside') settledCalls += alive[k]! * n;
      if (contains(look.interval, truth)) coverage += alive[k]!;
      alive[k] = 0;
    }
  }
  return { expectedCalls, settledCalls, outcomes, coverage };
}

const pmfCache = new Map<string, Float64Array>();

/** Binomial(size, p) probabilities, cached: a dynamic programme asks the same few sizes at every look. */
export function binomialPmf(size: number, p: number): Float64Array {
  const key = `${size}/${p}`;
  let pmf = pmfCache.get(key);
  if (!pmf) {
    pmf = Float64Array.from({ length: size + 1 }, (_, j) => jStat.binomial.pdf(j, size, p));
    if (pmfCache.size > 10_000) pmfCache.clear();
    pmfCache.set(key, pmf);
  }
  return pmf;
}

function contains(interval: { low: number; high: number }, truth: number): boolean {
  return interval.low <= truth && truth <= interval.high;
}
