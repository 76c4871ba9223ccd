import jStat from 'jstat';
import { StratalignError } from '../errors.js';

/**
 * Always-valid (anytime) confidence sequence for a Bernoulli proportion p: the beta-binomial
 * mixture of Robbins (1970, "Statistical methods related to the law of the iterated logarithm",
 * Ann. Math. Statist. 41) as presented in Howard, Ramdas, McAuliffe & Sekhon (2021,
 * "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann. Statist. 49, §3 and
 * Prop. 6 / the beta-binomial boundary).
 *
 * Why it holds over every look: for a fixed candidate p, the ratio
 *
 *     M_n(p) = ∫ θ^k (1-θ)^(n-k) dBeta(θ; a, b)  /  p^k (1-p)^(n-k)
 *            = B(a + k, b + n - k) / B(a, b)  /  (p^k (1-p)^(n-k))
 *
 * (k successes in n draws) is a nonnegative martingale with M_0 = 1 when p is the truth: a
 * mixture of likelihood ratios. Ville's inequality gives P(sup_n M_n(p) ≥ 1/α) ≤ α, so the
 * set {p : M_n(p) < 1/α} covers the truth at every n simultaneously with probability ≥ 1 − α.
 * Looking after every batch, stopping whenever we like, or never stopping all keep that
 * guarantee; a fixed-n interval re-tested at each look does not.
 *
 * −log M_n(p) is concave in p, so the set is one interval around k/n; its ends are found by
 * bisection. The mixture prior only shapes where the sequence is tight, never its validity.
 */
export type BetaPrior = { a: number; b: number };

/** Jeffreys' Beta(1/2, 1/2): puts mass near 0 and 1, where teachers often sit (0 of 300 C answers). */
export const DEFAULT_PRIOR: BetaPrior = { a: 0.5, b: 0.5 };

export type ProportionInterval = { low: number; high: number; level: number; method: string };

/** log M_n(p) of the beta-binomial mixture martingale; +Infinity where p is impossible given the data. */
export function logMixtureMartingale(k: number, n: number, p: number, prior: BetaPrior = DEFAULT_PRIOR): number {
  return logMixture(k, n, prior) - logLikelihood(k, n, p);
}

/** The confidence sequence's interval after k successes in n draws, valid uniformly over n. */
export function confidenceSequence(k: number, n: number, level: number, prior: BetaPrior = DEFAULT_PRIOR): ProportionInterval {
  checkCounts(k, n);
  checkLevel(level);
  const method = `beta-binomial mixture CS, Beta(${prior.a}, ${prior.b})`;
  if (n === 0) return { low: 0, high: 1, level, method };
  // p is inside while logLikelihood(p) > logMixture − log(1/α); the mixture never beats the
  // maximum likelihood, so k/n is always inside and the set is never empty.
  const floor = logMixture(k, n, prior) - Math.log(1 / (1 - level));
  const inside = (p: number) => logLikelihood(k, n, p) > floor;
  const centre = k / n;
  const low = k === 0 ? 0 : bisect(0, centre, inside, 'rising');
  const high = k === n ? 1 : bisect(centre, 1, inside, 'falling');
  return { low, high, level, method };
}

function logMixture(k: number, n: number, prior: BetaPrior): number {
  return jStat.betaln(prior.a + k, prior.b + n - k) - jStat.betaln(prior.a, prior.b);
}

function logLikelihood(k: number, n: number, p: number): number {
  const success = k === 0 ? 0 : k * Math.log(p);
  const failure = n - k === 0 ? 0 : (n - k) * Math.log(1 - p);
  return success + failure;
}

/** Finds where `inside` flips between lo and hi to 1e-9; 'rising' means outside at lo, inside at hi. */
function bisect(lo: number, hi: number, inside: (p: number) => boolean, direction: 'rising' | 'falling'): number {
  let outsideEnd = direction === 'rising' ? lo : hi;
  let insideEnd = direction === 'rising' ? hi : lo;
  while (Math.abs(insideEnd - outsideEnd) > 1e-9) {
    const mid = (outsideEnd + insideEnd) / 2;
    if (inside(mid)) insideEnd = mid;
    else outsideEnd = mid;
  }
  // Report the outer end so the interval errs on the wide (safe) side.
  return outsideEnd;
}

function checkCounts(k: number, n: number): void {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k) || k < 0 || k > n) {
    throw new StratalignError({ field: 'k, n', value: { k, n } }, 'counts must be whole numbers with 0 ≤ k ≤ n', 'pass the number of counted answers k out of n valid answers');
  }
}

export function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) {
    throw new StratalignError({ field: 'level', value: level }, 'confidence level must lie strictly between 0 and 1', 'use e.g. 0.95');
  }
}
