import jStat from 'jstat';
import { clopperPearsonInterval } from './exact-interval.js';
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

/** Smallest and largest answer the game allows, e.g. 0 and 10 dollars. */
export type AnswerRange = { min: number; max: number };

/** Marks "no interval" while keeping the Interval shape older callers spread into their records. */
const NO_INTERVAL = (level: number, why: string): Interval => ({
  low: Number.NaN,
  high: Number.NaN,
  level,
  method: `none (${why})`,
});

/**
 * Interval for a mean. Student-t when the answers vary. Fewer than 2 answers give no interval
 * (low/high NaN): one answer says nothing about the spread. When every answer is the same value
 * v, a t interval would have zero width, so with the game's answer range it is an exact bound
 * instead: the share of answers other than v is at most u (Clopper-Pearson upper end for 0 of n),
 * and each such answer moves the mean by at most its distance to the range's end; without a range
 * there is no interval.
 */
export function meanInterval(s: MeanSummary, level = 0.95, range?: AnswerRange): Interval {
  if (s.n < 2) return NO_INTERVAL(level, s.n === 0 ? 'no answers' : 'one answer');
  if (s.variance === 0) {
    if (!range) return NO_INTERVAL(level, 'no spread');
    const u = clopperPearsonInterval(0, s.n, level).high;
    return {
      low: s.mean - u * (s.mean - range.min),
      high: s.mean + u * (range.max - s.mean),
      level,
      method: 'exact bound (no spread)',
    };
  }
  const half = jStat.studentt.inv(1 - (1 - level) / 2, s.n - 1) * Math.sqrt(s.variance / s.n);
  return { low: s.mean - half, high: s.mean + half, level, method: 'student-t' };
}

/**
 * Welch's two-sided t-test for a difference of means with unequal variances. When neither side
 * varies the t statistic is undefined (null): equal means give p = 1; different means are a
 * complete separation, whose exact permutation p-value is 2 / C(n1 + n2, n1) (both orderings of
 * the two groups are as extreme), e.g. 1/3 for two answers a side, below 1e-170 for 300.
 */
export function welchTest(a: MeanSummary, b: MeanSummary): DifferenceTest {
  if (a.n < 2 || b.n < 2) throw new RangeError(`welchTest needs at least 2 answers per side (got ${a.n} and ${b.n})`);
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const difference = a.mean - b.mean;
  if (va + vb === 0) {
    if (a.mean === b.mean)
      return { difference, statistic: null, pValue: 1, method: "Welch's t-test (no spread on either side)" };
    return {
      difference,
      statistic: null,
      pValue: Math.min(1, 2 * Math.exp(-logBinomial(a.n + b.n, a.n))),
      method: 'exact permutation test (no spread on either side)',
    };
  }
  const t = difference / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  return { difference, statistic: t, pValue: 2 * (1 - jStat.studentt.cdf(Math.abs(t), df)), method: "Welch's t-test" };
}

/** log C(n, k) = −log(n + 1) − log B(k + 1, n − k + 1). */
function logBinomial(n: number, k: number): number {
  return -Math.log(n + 1) - jStat.betaln(k + 1, n - k + 1);
}

/**
 * Interval for a mean pooled over strata (e.g. cooperation over the scenarios of a group, each
 * with its own answers): the pooled mean Σ n_i m_i / N has variance Σ n_i s_i² / N², with
 * Welch-Satterthwaite degrees of freedom. For one stratum it is exactly `meanInterval`, so a
 * group of one scenario shows that scenario's interval. Without spread anywhere, the exact bound
 * of `meanInterval` over all N answers.
 */
export function stratifiedMeanInterval(strata: readonly MeanSummary[], level = 0.95, range?: AnswerRange): Interval {
  const used = strata.filter((s) => s.n > 0);
  if (used.length === 1) return meanInterval(used[0]!, level, range);
  const N = used.reduce((a, s) => a + s.n, 0);
  if (N < 2) return NO_INTERVAL(level, N === 0 ? 'no answers' : 'one answer');
  const mean = used.reduce((a, s) => a + s.n * s.mean, 0) / N;
  // A stratum with one answer has no variance estimate; it only adds its weight to the mean.
  const terms = used.map((s) => ({ w: s.n > 1 ? (s.n * s.variance) / (N * N) : 0, df: s.n - 1 }));
  const variance = terms.reduce((a, t) => a + t.w, 0);
  if (variance === 0) return meanInterval({ n: N, mean, variance: 0 }, level, range);
  const df = variance ** 2 / terms.reduce((a, t) => a + (t.df > 0 ? t.w ** 2 / t.df : 0), 0);
  const half = jStat.studentt.inv(1 - (1 - level) / 2, df) * Math.sqrt(variance);
  return {
    low: mean - half,
    high: mean + half,
    level,
    method: 'student-t, stratified by scenario (Welch-Satterthwaite)',
  };
}
