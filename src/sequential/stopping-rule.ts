import { StratalignError } from '../errors.js';
import type { Interval } from '../stats/proportion.js';
import { checkLevel, confidenceSequence, gatePrior, JEFFREYS_PRIOR, type MixturePrior } from './confidence-sequence.js';

/**
 * When to stop sampling one scenario. The gate asks whether the model's probability p of the
 * counted action lies within `tolerance` of the teacher's probability `reference` (for a
 * two-action game |p − q| is the total-variation distance). A look settles the gate when the
 * anytime confidence sequence lies entirely inside [q − tol, q + tol] or entirely outside it,
 * and pins the estimate when its half-width is at most `targetHalfWidth`. Because the sequence
 * covers p at every look at once, a settled verdict is wrong with probability ≤ 1 − level no
 * matter how often we look or when we stop.
 */
export type StoppingOptions = {
  /** Teacher's probability of the counted action (a fixed reference, not re-estimated). */
  reference?: number;
  /** Largest |p − reference| that still counts as aligned, e.g. 0.1. */
  tolerance?: number;
  /** Confidence level of the sequence, e.g. 0.95. */
  level: number;
  /** Stop once the interval's half-width is at most this, e.g. 0.05. */
  targetHalfWidth?: number;
  /** Mixture prior of the sequence; defaults to gatePrior(reference, tolerance), or Jeffreys without a gate. */
  prior?: MixturePrior;
};

export type LookVerdict = 'settled-within' | 'settled-outside' | 'pinned' | 'continue';
export type Look = { verdict: LookVerdict; interval: Interval };
export type StoppingRule = (k: number, n: number) => Look;

/** The verdict after k counted answers among n valid ones: pure, no memory of earlier looks needed. */
export function sequentialDecision(k: number, n: number, options: StoppingOptions): Look {
  checkStoppingOptions(options);
  return decide(k, n, options, options.prior ?? defaultPrior(options));
}

/** A memoised rule for one set of options: simulations ask the same (k, n) many times. */
export function createStoppingRule(options: StoppingOptions): StoppingRule {
  checkStoppingOptions(options);
  const prior = options.prior ?? defaultPrior(options);
  // Keyed by n, then k: an arithmetic packing such as n * M + k collides once k can reach M.
  const memo = new Map<number, Map<number, Look>>();
  return (k, n) => {
    let byK = memo.get(n);
    if (!byK) memo.set(n, (byK = new Map()));
    let look = byK.get(k);
    if (!look) byK.set(k, (look = decide(k, n, options, prior)));
    return look;
  };
}

function decide(k: number, n: number, options: StoppingOptions, prior: MixturePrior): Look {
  const interval = confidenceSequence(k, n, options.level, prior);
  if (options.reference !== undefined && options.tolerance !== undefined) {
    const low = options.reference - options.tolerance;
    const high = options.reference + options.tolerance;
    if (interval.low >= low && interval.high <= high) return { verdict: 'settled-within', interval };
    if (interval.high < low || interval.low > high) return { verdict: 'settled-outside', interval };
  }
  if (options.targetHalfWidth !== undefined && (interval.high - interval.low) / 2 <= options.targetHalfWidth) {
    return { verdict: 'pinned', interval };
  }
  return { verdict: 'continue', interval };
}

function defaultPrior(options: StoppingOptions): MixturePrior {
  return options.reference !== undefined && options.tolerance !== undefined ? gatePrior(options.reference, options.tolerance) : JEFFREYS_PRIOR;
}

export function checkStoppingOptions(options: StoppingOptions): void {
  checkLevel(options.level);
  const { reference, tolerance, targetHalfWidth } = options;
  if ((reference === undefined) !== (tolerance === undefined)) {
    throw new StratalignError({ field: reference === undefined ? 'reference' : 'tolerance', value: undefined }, 'a gate needs both the reference probability and the tolerance', 'give both, or neither and a targetHalfWidth');
  }
  if (reference === undefined && targetHalfWidth === undefined) {
    throw new StratalignError({ field: 'reference, tolerance, targetHalfWidth' }, 'nothing to stop for', 'give a gate (reference and tolerance), a targetHalfWidth, or both');
  }
  if (reference !== undefined && !(reference >= 0 && reference <= 1)) {
    throw new StratalignError({ field: 'reference', value: reference }, 'the reference is a probability and must lie in [0, 1]', "pass the teacher's share of the counted action");
  }
  if (tolerance !== undefined && !(tolerance > 0 && tolerance < 1)) {
    throw new StratalignError({ field: 'tolerance', value: tolerance }, 'tolerance must lie strictly between 0 and 1', 'use e.g. 0.1');
  }
  if (targetHalfWidth !== undefined && !(targetHalfWidth > 0 && targetHalfWidth < 0.5)) {
    throw new StratalignError({ field: 'targetHalfWidth', value: targetHalfWidth }, 'target half-width must lie strictly between 0 and 0.5', 'use e.g. 0.05');
  }
}
