import jStat from 'jstat';
import type { Interval } from './proportion.js';
import type { DifferenceTest } from './two-proportion.js';

/** Mean and sample variance of numeric answers given as value counts (e.g. donations 0..10). */
export type MeanSummary = { n: number; mean: number; variance: number };

export function summariseCounts(values: readonly number[], counts: readonly number[]): MeanSummary {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return { n: 0, mean: Number.NaN, variance: Number.NaN };
  const mean = values.reduce((a, v, i) => a + v * counts[i]!, 0) / n;
  const squares = values.reduce((a, v, i) => a + counts[i]! * (v - mean) ** 2, 0);
  return { n, mean, variance: n > 1 ? squares / (n - 1) : 0 };
}

/** Student-t interval for a mean; a single answer or no spread gives the point itself. */
export function meanInterval(s: MeanSummary, level = 0.95): Interval {
  if (s.n === 0) return { low: Number.NaN, high: Number.NaN, level, method: 'student-t' };
  if (s.n === 1 || s.variance === 0) return { low: s.mean, high: s.mean, level, method: 'student-t' };
  const half = jStat.studentt.inv(1 - (1 - level) / 2, s.n - 1) * Math.sqrt(s.variance / s.n);
  return { low: s.mean - half, high: s.mean + half, level, method: 'student-t' };
}

/** Welch's two-sided t-test for a difference of means with unequal variances. */
export function welchTest(a: MeanSummary, b: MeanSummary): DifferenceTest {
  if (a.n < 2 || b.n < 2) throw new RangeError(`welchTest needs at least 2 answers per side (got ${a.n} and ${b.n})`);
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const method = "Welch's t-test";
  if (va + vb === 0) return { difference: a.mean - b.mean, statistic: null, pValue: a.mean === b.mean ? 1 : 0, method };
  const t = (a.mean - b.mean) / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  return { difference: a.mean - b.mean, statistic: t, pValue: 2 * (1 - jStat.studentt.cdf(Math.abs(t), df)), method };
}
