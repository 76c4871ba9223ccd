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

  it('has no statistic when neither side varies: p is 1 for equal means', () => {
    const t = welchTest({ n: 300, mean: 5, variance: 0 }, { n: 200, mean: 5, variance: 0 });
    expect(t.statistic).toBeNull();
    expect(t.pValue).toBe(1);
  });

  it(
    'gives the exact permutation p-value for two separated samples without spread, never 0 with a ' + 'null statistic',
    () => {
      // {5, 5} against {6, 6}: of the C(4, 2) = 6 equally likely splits of the pooled answers, 2 are this extreme.
      const small = welchTest({ n: 2, mean: 5, variance: 0 }, { n: 2, mean: 6, variance: 0 });
      expect(small.statistic).toBeNull();
      expect(small.pValue).toBeCloseTo(2 / 6, 12);
      expect(small.method).toMatch(/exact permutation/);
      // 3 against 4 answers: 2 / C(7, 3) = 2 / 35.
      expect(welchTest({ n: 3, mean: 1, variance: 0 }, { n: 4, mean: 0, variance: 0 }).pValue).toBeCloseTo(2 / 35, 12);
      const large = welchTest({ n: 300, mean: 5, variance: 0 }, { n: 300, mean: 6, variance: 0 });
      expect(large.pValue).toBeGreaterThan(0);
      expect(large.pValue).toBeLessThan(1e-100);
    },
  );
});
