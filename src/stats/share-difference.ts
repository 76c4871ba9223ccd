import jStat from 'jstat';
import type { Interval } from './proportion.js';

/**
 * One side of a comparison of two shares: k of n sampled answers (k an expected count when the
 * answers are log-probability readings, src/recordings/logprob-reading.ts), or a share known exactly (a
 * reference read from log-probabilities, or one the user declares exact). A teacher estimated
 * from 300 answers is a sample like the student, and its noise belongs in every interval.
 */
export type ShareSide = { k: number; n: number } | { exact: number };

const isExact = (s: ShareSide): s is { exact: number } => 'exact' in s;
const shareOf = (s: ShareSide) => (isExact(s) ? s.exact : s.k / s.n);

export function checkShareSide(s: ShareSide, name: string): void {
  const ok = isExact(s) ? s.exact >= 0 && s.exact <= 1 : Number.isInteger(s.n) && s.n > 0 && s.k >= 0 && s.k <= s.n;
  if (!ok)
    throw new RangeError(
      `${name}: need 0 <= k <= n with n > 0, or an exact share in [0, 1] (got ${JSON.stringify(s)})`,
    );
}

/**
 * Restricted maximum-likelihood shares under p_a − p_b = delta, the nuisance estimate of the
 * score test (Miettinen & Nurminen 1985, "Comparative analysis of two rates", Stat. Med. 4:213;
 * the closed-form root of Farrington & Manning 1990, Stat. Med. 9:1447). With one side exact the
 * other side is fixed by the constraint.
 */
export function restrictedShares(a: ShareSide, b: ShareSide, delta: number): [number, number] {
  if (isExact(b)) return [clamp01(b.exact + delta), b.exact];
  if (isExact(a)) return [a.exact, clamp01(a.exact - delta)];
  const p1 = a.k / a.n;
  const p2 = b.k / b.n;
  const theta = b.n / a.n;
  const A = 1 + theta;
  const B = -(1 + theta + p1 + theta * p2 + delta * (theta + 2));
  const C = delta * delta + delta * (2 * p1 + theta + 1) + p1 + theta * p2;
  const D = -p1 * delta * (1 + delta);
  const v = B ** 3 / (27 * A ** 3) - (B * C) / (6 * A * A) + D / (2 * A);
  const u = (v >= 0 ? 1 : -1) * Math.sqrt(Math.max(0, (B * B) / (9 * A * A) - C / (3 * A)));
  const root =
    u === 0
      ? -B / (3 * A)
      : 2 * u * Math.cos((Math.PI + Math.acos(Math.max(-1, Math.min(1, v / u ** 3)))) / 3) - B / (3 * A);
  const r1 = clamp01(root);
  return [r1, clamp01(r1 - delta)];
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Standard error of the estimated difference at the restricted shares (with MN's N/(N−1) factor for two samples). */
export function restrictedStandardError(a: ShareSide, b: ShareSide, delta: number): number {
  const [r1, r2] = restrictedShares(a, b, delta);
  let variance = 0;
  if (!isExact(a)) variance += (r1 * (1 - r1)) / a.n;
  if (!isExact(b)) variance += (r2 * (1 - r2)) / b.n;
  if (!isExact(a) && !isExact(b)) variance *= (a.n + b.n) / (a.n + b.n - 1);
  return Math.sqrt(variance);
}

/** Score statistic for H: p_a − p_b = delta; ±Infinity where the data rule delta out with no noise left. */
export function scoreStatistic(a: ShareSide, b: ShareSide, delta: number): number {
  const diff = shareOf(a) - shareOf(b) - delta;
  const se = restrictedStandardError(a, b, delta);
  if (se === 0) return Math.abs(diff) < 1e-12 ? 0 : diff > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return diff / se;
}

/** The differences the model allows: both shares must stay in [0, 1]. */
function feasibleRange(a: ShareSide, b: ShareSide): [number, number] {
  if (isExact(a) && isExact(b)) return [a.exact - b.exact, a.exact - b.exact];
  if (isExact(b)) return [-b.exact, 1 - b.exact];
  if (isExact(a)) return [a.exact - 1, a.exact];
  return [-1, 1];
}

const feasible = (range: [number, number], delta: number) => delta >= range[0] - 1e-12 && delta <= range[1] + 1e-12;

export function zQuantile(level: number): number {
  return jStat.normal.inv(1 - (1 - level) / 2, 0, 1);
}

/**
 * Bisection between a point inside (accepted) and one outside, to 1e-7; returns the inside end so the estimate stays
 * covered.
 */
function edge(inside: number, outside: number, accepted: (x: number) => boolean): number {
  let ins = inside;
  let out = outside;
  // Most ends lie within a few standard errors of the estimate: start from the nearest rejected point on a doubling
  // ladder.
  for (let step = 0.01; Math.abs(step) < Math.abs(outside - inside); step *= 2) {
    const probe = inside + Math.sign(outside - inside) * step;
    if (!accepted(probe)) {
      out = probe;
      break;
    }
    ins = probe;
  }
  for (let i = 0; i < 60 && Math.abs(out - ins) > 1e-7; i++) {
    const mid = (ins + out) / 2;
    if (accepted(mid)) ins = mid;
    else out = mid;
  }
  return ins;
}

export const DIFFERENCE_METHOD = {
  twoSample: 'Miettinen-Nurminen score (both shares estimated)',
  oneSample: 'score (one share exact)',
} as const;

/**
 * Interval for p_a − p_b: the differences a two-sided score test does not reject. Two samples:
 * Miettinen-Nurminen; one side exact: the Wilson-type score interval of the other, shifted.
 * Coverage is within a few tenths of a point of nominal for 300 answers a side at any share
 * (test/stats-distance-intervals.test.ts). Always contains the estimate.
 */
export function shareDifferenceInterval(a: ShareSide, b: ShareSide, level = 0.95): Interval {
  checkShareSide(a, 'shareDifferenceInterval: first side');
  checkShareSide(b, 'shareDifferenceInterval: second side');
  const estimate = shareOf(a) - shareOf(b);
  const method = isExact(a) || isExact(b) ? DIFFERENCE_METHOD.oneSample : DIFFERENCE_METHOD.twoSample;
  const range = feasibleRange(a, b);
  if (range[0] === range[1]) return { low: estimate, high: estimate, level, method: 'none (both shares exact)' };
  const z = zQuantile(level);
  const accepted = (delta: number) => Math.abs(scoreStatistic(a, b, delta)) <= z;
  const low = accepted(range[0]) ? range[0] : edge(estimate, range[0], accepted);
  const high = accepted(range[1]) ? range[1] : edge(estimate, range[1], accepted);
  return { low: Math.min(low, estimate), high: Math.max(high, estimate), level, method };
}

/**
 * Probability that a standard normal Z lands in [−c, c] or in [lo, hi]: the acceptance region of
 * the |d| test, in units of the score at one of the two null points.
 */
function unionProbability(c: number, lo: number, hi: number): number {
  const phi = (x: number) => jStat.normal.cdf(x, 0, 1);
  const first = phi(c) - phi(-c);
  const second = hi > lo ? phi(hi) - phi(lo) : 0;
  const overlap = Math.min(c, hi) > Math.max(-c, lo) ? phi(Math.min(c, hi)) - phi(Math.max(-c, lo)) : 0;
  return first + second - overlap;
}

/** Smallest c in [0, zMax] whose acceptance probability reaches the level (it grows with c). */
function criticalValue(level: number, zMax: number, probability: (c: number) => number): number {
  let lo = 0;
  let hi = zMax;
  for (let i = 0; i < 24; i++) {
    const mid = (lo + hi) / 2;
    if (probability(mid) >= level) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Does the test of H: |p_a − p_b| = tau accept? H holds at two points, d = +tau and d = −tau;
 * tau is accepted when the score statistic at either point is within a critical value c.
 * Using the plain normal quantile for c makes the interval for |d| the folded interval for d,
 * which covers 97.3 % instead of 95 % when the truth is 0.02 with 300 answers a side, because
 * near 0 a miss on one side lands inside the other. c is instead calibrated at each tau (normal
 * approximation at the restricted standard errors) so that the acceptance probability is
 * exactly the level at both null points: a Neyman construction on the folded statistic, in the
 * spirit of the intervals for the absolute value of a normal mean.
 */
export function acceptsAbsoluteDifference(a: ShareSide, b: ShareSide, tau: number, level: number): boolean {
  const range = feasibleRange(a, b);
  const z = zQuantile(level);
  const plus = feasible(range, tau);
  const minus = tau > 0 && feasible(range, -tau);
  if (!plus && !minus) return false;
  const zPlus = plus ? scoreStatistic(a, b, tau) : Number.POSITIVE_INFINITY;
  const zMinus = minus ? scoreStatistic(a, b, -tau) : Number.POSITIVE_INFINITY;
  let c = z;
  if (plus && minus) {
    const sp = restrictedStandardError(a, b, tau);
    const sm = restrictedStandardError(a, b, -tau);
    // Far from 0 the two null points' regions cannot meet: the critical value is the plain one.
    const apart = (2 * tau - z * (sp + sm)) / Math.max(sp, sm) > 8;
    if (sp > 0 && sm > 0 && !apart) {
      // Under d = +tau, Z(−tau) ≈ (sp Z + 2 tau) / sm; under d = −tau, Z(+tau) ≈ (sm Z − 2 tau) / sp.
      const cPlus = criticalValue(level, z, (c) =>
        unionProbability(c, (-c * sm - 2 * tau) / sp, (c * sm - 2 * tau) / sp),
      );
      const cMinus = criticalValue(level, z, (c) =>
        unionProbability(c, (2 * tau - c * sp) / sm, (2 * tau + c * sp) / sm),
      );
      c = Math.max(cPlus, cMinus);
    }
  }
  return Math.min(Math.abs(zPlus), Math.abs(zMinus)) <= c;
}

export const ABSOLUTE_DIFFERENCE_METHOD = {
  twoSample: 'calibrated score test inversion for |d| (both shares estimated)',
  oneSample: 'calibrated score test inversion for |d| (one share exact)',
} as const;

/**
 * Interval for |p_a − p_b|, the total-variation distance of two two-option distributions: the
 * set of tau the calibrated test accepts (see acceptsAbsoluteDifference). It always contains the
 * observed |d|, starts at 0 when no difference is shown, and covers the truth with the stated
 * probability at every distance, 0.02 included (exact computation in the tests). At distances
 * well above the noise it is the score interval for d, folded: so its upper end falls below a
 * tolerance with probability (1 − level) / 2 when the truth sits exactly at that tolerance.
 */
export function absoluteDifferenceInterval(a: ShareSide, b: ShareSide, level = 0.95): Interval {
  checkShareSide(a, 'absoluteDifferenceInterval: first side');
  checkShareSide(b, 'absoluteDifferenceInterval: second side');
  const estimate = Math.abs(shareOf(a) - shareOf(b));
  const method = isExact(a) || isExact(b) ? ABSOLUTE_DIFFERENCE_METHOD.oneSample : ABSOLUTE_DIFFERENCE_METHOD.twoSample;
  const range = feasibleRange(a, b);
  if (range[0] === range[1]) return { low: estimate, high: estimate, level, method: 'none (both shares exact)' };
  const top = Math.max(Math.abs(range[0]), Math.abs(range[1]));
  const accepted = (tau: number) => acceptsAbsoluteDifference(a, b, tau, level);
  // The observed |d| is always accepted (its score is 0); the set is one interval around it.
  const low = accepted(0) ? 0 : edge(estimate, 0, accepted);
  const high = accepted(top) ? top : edge(estimate, top, accepted);
  return { low: Math.min(low, estimate), high: Math.max(high, estimate), level, method };
}
