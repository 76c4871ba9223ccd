import jStat from 'jstat';
import { StratalignError } from '../../shared/errors.js';
import type { Interval } from '../../stats/proportion.js';

/**
 * Always-valid (anytime) confidence sequence for a Bernoulli proportion p: the mixture
 * likelihood-ratio sequence of Robbins (1970, "Statistical methods related to the law of the
 * iterated logarithm", Ann. Math. Statist. 41:1397) and Lai (1976, "On confidence sequences",
 * Ann. Statist. 4:265), with a beta (beta-binomial) mixture; see Howard, Ramdas, McAuliffe &
 * Sekhon (2021, "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann. Statist.
 * 49:1055) for the general theory.
 *
 * Why it holds over every look: for a candidate p, after k successes in n draws,
 *
 *     M_n(p) = ∫ θ^k (1-θ)^(n-k) dπ(θ)  /  p^k (1-p)^(n-k)
 *
 * is a nonnegative martingale with M_0 = 1 when p is the truth (a mixture of likelihood
 * ratios; with π a Beta(a, b) the integral is B(a+k, b+n-k)/B(a, b)). Ville's inequality gives
 * P(sup_n M_n(p) ≥ 1/α) ≤ α, so {p : M_n(p) < 1/α} covers the truth at every n at once with
 * probability ≥ 1 − α. Looking after every batch, stopping when the data look decisive, or going
 * on keep the guarantee; re-testing a fixed-n interval at each look does not.
 *
 * The numerator does not depend on p and −log of the denominator is convex in p, so the set is
 * one interval around k/n; its ends are found by bisection. π may be any mixture of Betas fixed
 * before the data: it only decides where the sequence is tight, never whether it is valid.
 */
export type BetaComponent = { weight: number; a: number; b: number };
export type MixturePrior = readonly BetaComponent[];

/** Jeffreys' Beta(1/2, 1/2): keeps mass near 0 and 1, where teachers often sit (0 of 300 C answers). */
export const JEFFREYS_PRIOR: MixturePrior = [{ weight: 1, a: 0.5, b: 0.5 }];

/**
 * For a tolerance gate around a reference q: half Jeffreys (power against far-away truths, the
 * "outside" verdicts) and half a Beta centred on q with standard deviation tolerance/2 (power
 * against truths near q, which must be told apart from q ± tolerance for an "inside" verdict).
 * Chosen from the gate's own geometry before any data, so validity is untouched.
 */
export function gatePrior(reference: number, tolerance: number): MixturePrior {
  const centre = Math.min(Math.max(reference, tolerance / 2), 1 - tolerance / 2);
  const sd = tolerance / 2;
  const concentration = Math.max(2, (centre * (1 - centre)) / (sd * sd) - 1);
  return [
    { weight: 0.5, a: 0.5, b: 0.5 },
    { weight: 0.5, a: centre * concentration, b: (1 - centre) * concentration },
  ];
}

/** The same type as `Interval` (src/stats/proportion.ts); the name stays for existing imports. */
export type ProportionInterval = Interval;

/** log M_n(p); +Infinity where the data rule p out (p = 0 after a success, p = 1 after a failure). */
export function logMixtureMartingale(k: number, n: number, p: number, prior: MixturePrior = JEFFREYS_PRIOR): number {
  return logMarginal(k, n, prior) - logLikelihood(k, n, p);
}

/** The interval of the confidence sequence after k successes in n draws, valid uniformly over n. */
export function confidenceSequence(
  k: number,
  n: number,
  level: number,
  prior: MixturePrior = JEFFREYS_PRIOR,
): Interval {
  checkCounts(k, n);
  checkLevel(level);
  checkPrior(prior);
  const method = 'beta-binomial mixture confidence sequence (anytime-valid)';
  if (n === 0) return { low: 0, high: 1, level, method };
  // p is inside while its likelihood exceeds the mixture's by more than a factor α; the mixture
  // never beats the maximum likelihood, so k/n is always inside and the set is never empty.
  const floor = logMarginal(k, n, prior) + Math.log(1 - level);
  const inside = (p: number) => logLikelihood(k, n, p) > floor;
  const centre = k / n;
  const low = k === 0 ? 0 : boundary(0, centre, inside);
  const high = k === n ? 1 : boundary(1, centre, inside);
  return { low, high, level, method };
}

/** log ∫ θ^k (1-θ)^(n-k) dπ(θ), summed over the mixture components with log-sum-exp. */
function logMarginal(k: number, n: number, prior: MixturePrior): number {
  const terms = prior.map(({ weight, a, b }) => Math.log(weight) + jStat.betaln(a + k, b + n - k) - jStat.betaln(a, b));
  const top = Math.max(...terms);
  return top + Math.log(terms.reduce((sum, t) => sum + Math.exp(t - top), 0));
}

function logLikelihood(k: number, n: number, p: number): number {
  const success = k === 0 ? 0 : k * Math.log(p);
  const failure = n - k === 0 ? 0 : (n - k) * Math.log(1 - p);
  return success + failure;
}

/** Bisects between a point outside and one inside to 1e-10; returns the outer end so the interval errs wide. */
function boundary(outside: number, inside: number, isInside: (p: number) => boolean): number {
  let out = outside;
  let ins = inside;
  while (Math.abs(ins - out) > 1e-10) {
    const mid = (out + ins) / 2;
    if (isInside(mid)) ins = mid;
    else out = mid;
  }
  return out;
}

function checkCounts(k: number, n: number): void {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k) || k < 0 || k > n) {
    throw new StratalignError(
      { field: 'k, n', value: { k, n } },
      'counts must be whole numbers with 0 ≤ k ≤ n',
      'pass the number of counted answers k out of n valid answers',
    );
  }
}

export function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) {
    throw new StratalignError(
      { field: 'level', value: level },
      'confidence level must lie strictly between 0 and 1',
      'use e.g. 0.95',
    );
  }
}

function checkPrior(prior: MixturePrior): void {
  const total = prior.reduce((sum, c) => sum + c.weight, 0);
  const bad =
    prior.length === 0 || prior.some((c) => !(c.weight > 0 && c.a > 0 && c.b > 0)) || Math.abs(total - 1) > 1e-9;
  if (bad) {
    throw new StratalignError(
      { field: 'prior', value: prior },
      'mixture prior needs Beta components with positive a, b and weights summing to 1',
      'use JEFFREYS_PRIOR or gatePrior(reference, tolerance)',
    );
  }
}
