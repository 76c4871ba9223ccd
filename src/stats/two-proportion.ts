import jStat from 'jstat';

export type DifferenceTest = {
  /** First minus second: share difference, or mean difference for numeric answers. */
  difference: number;
  /** Test statistic (z or t); null when it is undefined because neither side has any spread (e.g. both all C). */
  statistic: number | null;
  /**
   * Two-sided p-value. When the statistic is null it comes from the data directly: 1 when both
   * sides are the same (always so here: a null z means both sides are all C or all D), or
   * welchTest's exact permutation p-value when two numeric samples without spread differ.
   */
  pValue: number;
  method: string;
};

/**
 * Two-sided two-proportion z-test with the pooled standard error, for k1 of n1 against k2 of n2.
 * Used for "is the base-teacher gap real" and "did doubling the payoffs change the answers".
 */
export function twoProportionTest(k1: number, n1: number, k2: number, n2: number): DifferenceTest {
  if (n1 <= 0 || n2 <= 0)
    throw new RangeError(`twoProportionTest needs answers on both sides (got n1=${n1}, n2=${n2})`);
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const pooled = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const method = 'two-proportion z-test (pooled)';
  if (se === 0) return { difference: p1 - p2, statistic: null, pValue: 1, method };
  const z = (p1 - p2) / se;
  return { difference: p1 - p2, statistic: z, pValue: jStat.ztest(z, 2), method };
}
