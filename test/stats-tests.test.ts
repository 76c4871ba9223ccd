import { describe, expect, it } from 'vitest';
import { welchTest } from '../src/stats/means.js';
import { twoProportionTest } from '../src/stats/two-proportion.js';

describe('two-proportion z-test', () => {
  it("finds the paper's team / prisoners-delight gap (base 237 C, teacher 230 C of 300) not significant", () => {
    // pooled p = 467/600; se = sqrt(p(1-p)(2/300)) = 0.033915; z = (7/300)/se = 0.688002.
    const t = twoProportionTest(237, 300, 230, 300);
    expect(t.statistic).toBeCloseTo(0.688002, 5);
    expect(t.pValue).toBeCloseTo(0.491452, 5);
    expect(t.difference).toBeCloseTo(7 / 300, 12);
  });

  it('matches the textbook case 45/100 against 30/100 (z = 2.19089, p = 0.02846)', () => {
    const t = twoProportionTest(45, 100, 30, 100);
    expect(t.statistic).toBeCloseTo(2.19089, 4);
    expect(t.pValue).toBeCloseTo(0.02846, 4);
  });

  it('has no statistic when neither side varies', () => {
    const t = twoProportionTest(0, 300, 0, 300);
    expect(t.statistic).toBeNull();
    expect(t.pValue).toBe(1);
  });

  it('needs answers on both sides', () => {
    expect(() => twoProportionTest(0, 0, 3, 10)).toThrow(RangeError);
  });
});

describe("Welch's t-test", () => {
  it('matches scipy.stats.ttest_ind_from_stats(equal_var=False)', () => {
    // t = -1 / sqrt(4/10 + 9/12) = -0.932505; df = 19.1905; p = 0.362660.
    const t = welchTest({ n: 10, mean: 5, variance: 4 }, { n: 12, mean: 6, variance: 9 });
    expect(t.statistic).toBeCloseTo(-0.932505, 5);
    expect(t.pValue).toBeCloseTo(0.36266, 4);
  });
});
