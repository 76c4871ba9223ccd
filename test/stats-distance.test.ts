import { describe, expect, it } from 'vitest';
import { pearsonCorrelation } from '../src/stats/correlation.js';
import {
  jensenShannonDistance,
  jensenShannonDivergence,
  toDistribution,
  totalVariation,
} from '../src/stats/distance.js';

describe('total variation distance', () => {
  it('is half the L1 distance', () => {
    expect(totalVariation([0.5, 0.5], [0.8, 0.2])).toBeCloseTo(0.3, 12);
    // |0.2-0.1| + |0.3-0.6| + |0.5-0.3| = 0.6, halved.
    expect(totalVariation([0.2, 0.3, 0.5], [0.1, 0.6, 0.3])).toBeCloseTo(0.3, 12);
    expect(totalVariation([1, 0], [0, 1])).toBe(1);
  });

  it('refuses distributions over different actions', () => {
    expect(() => totalVariation([1], [0.5, 0.5])).toThrow(RangeError);
  });
});

describe('Jensen-Shannon', () => {
  it('is 0 for identical and 1 bit for disjoint distributions', () => {
    expect(jensenShannonDivergence([0.3, 0.7], [0.3, 0.7])).toBe(0);
    expect(jensenShannonDivergence([1, 0], [0, 1])).toBeCloseTo(1, 12);
    expect(jensenShannonDistance([1, 0], [0, 1])).toBeCloseTo(1, 12);
  });

  it('matches the hand computation for [0.5, 0.5] against [1, 0]', () => {
    // m = [0.75, 0.25]; KL(p||m) = 0.5*log2(0.5/0.75) + 0.5*log2(0.5/0.25) = 0.207519;
    // KL(q||m) = log2(1/0.75) = 0.415037; JS = 0.311278 bits; distance = sqrt = 0.557923.
    expect(jensenShannonDivergence([0.5, 0.5], [1, 0])).toBeCloseTo(0.311278, 6);
    expect(jensenShannonDistance([0.5, 0.5], [1, 0])).toBeCloseTo(0.557923, 6);
  });

  it('agrees with scipy.spatial.distance.jensenshannon(base=2) on three actions, and is symmetric', () => {
    expect(jensenShannonDistance([0.2, 0.3, 0.5], [0.1, 0.6, 0.3])).toBeCloseTo(0.259324, 6);
    expect(jensenShannonDistance([0.1, 0.6, 0.3], [0.2, 0.3, 0.5])).toBeCloseTo(0.259324, 6);
  });

  it('turns counts into distributions, and no answers into none', () => {
    expect(toDistribution([1, 3])).toEqual([0.25, 0.75]);
    expect(toDistribution([0, 0])).toBeNull();
  });
});

describe('profile correlation', () => {
  it('is Pearson r: [1,2,3] against [1,2,4] is 0.981981', () => {
    expect(pearsonCorrelation([1, 2, 3], [1, 2, 4])).toBeCloseTo(0.981981, 6);
    expect(pearsonCorrelation([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('is undefined for fewer than 3 points or a flat profile, not 0', () => {
    expect(pearsonCorrelation([1, 2], [2, 1])).toBeNull();
    expect(pearsonCorrelation([0.5, 0.5, 0.5], [0.1, 0.2, 0.3])).toBeNull();
  });

  it('ignores a uniform shift of one profile', () => {
    const teacher = [0.2, 0.5, 0.9, 0.4];
    expect(
      pearsonCorrelation(
        teacher.map((v) => v - 0.1),
        teacher,
      ),
    ).toBeCloseTo(1, 12);
  });
});
