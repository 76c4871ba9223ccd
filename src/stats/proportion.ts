import jStat from 'jstat';
import { clopperPearsonInterval } from './exact-interval.js';
import type { Interval } from './interval.js';

export type { Interval } from './interval.js';

/** Two-sided normal quantile for a confidence level, e.g. 1.959964 for 0.95. */
export function normalQuantile(level: number): number {
  return jStat.normal.inv(1 - (1 - level) / 2, 0, 1);
}

/**
 * Wilson score interval for k successes in n trials: good coverage even near 0 and 1, where the
 * teacher often sits (e.g. 0 of 300 C answers in sports/prisoners-dilemma).
 */
export function wilsonInterval(k: number, n: number, level = 0.95): Interval {
  if (n === 0) return { low: 0, high: 1, level, method: 'wilson' };
  return { ...wilsonAt(k, n, normalQuantile(level)), level, method: 'wilson' };
}

/** The Wilson interval's ends at critical value z, for callers that evaluate many counts at one z. */
export function wilsonAt(k: number, n: number, z: number): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Rounding put the upper end at 0.9999999999999998 for k = n, excluding the estimate itself:
  // the ends are exact there, and never on the wrong side of k/n.
  const low = k === 0 ? 0 : Math.min(p, Math.max(0, centre - half));
  const high = k === n ? 1 : Math.max(p, Math.min(1, centre + half));
  return { low, high };
}

/** Within this many answers of 0 or n, an end of the hybrid interval is Clopper-Pearson's. */
export const EXACT_EDGE = 10;

/**
 * Wilson score interval whose end on a side with at most 10 counts (k ≤ 10 for the lower end,
 * n − k ≤ 10 for the upper) is the Clopper-Pearson end instead. Wilson's coverage collapses near
 * 0 and 1 (84.8 % at p = 0.0006 with 300 answers: the skewed binomial puts k = 0 just outside
 * the interval) while the exact end never undercovers; in the middle Wilson is kept, because
 * Clopper-Pearson is wider than it needs to be there (95.9 % on average). Exact coverage with
 * 300 answers: at least 93.6 % at every share (Wilson alone: 84.8 %), 95.2 % on average; at
 * least 93 % for every n from 50 (test/stats-intervals.test.ts computes it). The edge rule is
 * that of Brown, Cai & DasGupta (2001, "Interval estimation for a binomial proportion",
 * Statist. Sci. 16:101), with the exact end in place of their Poisson one.
 */
export function hybridInterval(k: number, n: number, level = 0.95): Interval {
  const wilson = wilsonInterval(k, n, level);
  if (n === 0) return { ...wilson, method: 'wilson-exact-edges' };
  const exact = k <= EXACT_EDGE || n - k <= EXACT_EDGE ? clopperPearsonInterval(k, n, level) : null;
  return {
    low: exact && k <= EXACT_EDGE ? exact.low : wilson.low,
    high: exact && n - k <= EXACT_EDGE ? exact.high : wilson.high,
    level,
    method: 'wilson-exact-edges',
  };
}

/** 'hybrid' (the default): Wilson with exact ends near 0 and n; 'wilson': plain Wilson; 'exact': Clopper-Pearson. */
export type ProportionMethod = 'hybrid' | 'wilson' | 'exact';
export const PROPORTION_METHODS: readonly ProportionMethod[] = ['hybrid', 'wilson', 'exact'];

/** Interval for a share by the chosen method. */
export function proportionInterval(k: number, n: number, method: ProportionMethod, level = 0.95): Interval {
  if (method === 'exact') return clopperPearsonInterval(k, n, level);
  return method === 'hybrid' ? hybridInterval(k, n, level) : wilsonInterval(k, n, level);
}

/** Human name of a share interval method, for report preambles. */
export function proportionMethodName(method: ProportionMethod): string {
  if (method === 'exact') return 'Clopper-Pearson (exact)';
  return method === 'hybrid' ? 'Wilson score with Clopper-Pearson ends within 10 answers of 0 or n' : 'Wilson score';
}
