import { describe, expect, it } from 'vitest';
import { createRng } from '../src/shared/random.js';
import {
  basicInterval,
  hullInterval,
  percentileInterval,
  quantileType7,
  resampleCounts,
  sampleBinomial,
  sampleMultinomial,
} from '../src/stats/bootstrap.js';

describe('binomial draws', () => {
  it('are reproducible from the seed', () => {
    const a = createRng('seed-1');
    const b = createRng('seed-1');
    const draws = (rng: () => number) => Array.from({ length: 20 }, () => sampleBinomial(300, 0.3, rng));
    expect(draws(a)).toEqual(draws(b));
  });

  it('have the binomial mean and variance (20000 seeded draws of Binomial(300, 0.3))', () => {
    const rng = createRng('moments');
    const draws = Array.from({ length: 20000 }, () => sampleBinomial(300, 0.3, rng));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1);
    // E = 90, Var = 63; standard error of the mean is 0.056, of the variance about 0.63.
    expect(mean).toBeGreaterThan(89.8);
    expect(mean).toBeLessThan(90.2);
    expect(variance).toBeGreaterThan(61);
    expect(variance).toBeLessThan(65);
  });

  it('handle the edges and p > 0.5 by symmetry', () => {
    const rng = createRng('edges');
    expect(sampleBinomial(50, 0, rng)).toBe(0);
    expect(sampleBinomial(50, 1, rng)).toBe(50);
    const high = Array.from({ length: 4000 }, () => sampleBinomial(100, 0.9, rng));
    expect(high.reduce((a, b) => a + b, 0) / high.length).toBeCloseTo(90, 0);
  });

  it('stay correct where (1-p)^n underflows (n = 5000, p = 0.5)', () => {
    const rng = createRng('large');
    const draws = Array.from({ length: 200 }, () => sampleBinomial(5000, 0.5, rng));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(Math.abs(mean - 2500)).toBeLessThan(15);
    expect(draws.every((d) => d >= 0 && d <= 5000)).toBe(true);
  });
});

describe('multinomial resampling', () => {
  it('keeps the total and never draws an action with zero share', () => {
    const rng = createRng('multi');
    for (let i = 0; i < 200; i++) {
      const d = sampleMultinomial(300, [0.2, 0, 0.5, 0.3], rng);
      expect(d.reduce((a, b) => a + b, 0)).toBe(300);
      expect(d[1]).toBe(0);
    }
  });

  it('redraws counts around the observed shares', () => {
    const reps = resampleCounts([60, 240], 4000, createRng('redraw'));
    expect(reps).toHaveLength(4000);
    expect(reps.every((r) => r[0]! + r[1]! === 300)).toBe(true);
    const meanC = reps.reduce((a, r) => a + r[0]!, 0) / reps.length;
    expect(meanC).toBeGreaterThan(59.5);
    expect(meanC).toBeLessThan(60.5);
  });

  it('gives the observed counts back when a share is 0 or 1', () => {
    expect(resampleCounts([0, 300], 5, createRng('x'))).toEqual(Array.from({ length: 5 }, () => [0, 300]));
  });
});

describe('type-7 quantiles', () => {
  it('interpolate at (n - 1) p: on 1..10, p = 0.975 gives 9.775 and p = 0.025 gives 1.225', () => {
    const values = Array.from({ length: 10 }, (_, i) => i + 1);
    // h = 9 * 0.975 = 8.775: x[8] + 0.775 * (x[9] - x[8]) = 9 + 0.775; h = 9 * 0.025 = 0.225: 1 + 0.225.
    expect(quantileType7(values, 0.975)).toBeCloseTo(9.775, 12);
    expect(quantileType7(values, 0.025)).toBeCloseTo(1.225, 12);
    expect(quantileType7(values, 0)).toBe(1);
    expect(quantileType7(values, 1)).toBe(10);
    expect(quantileType7([4], 0.3)).toBe(4);
  });
});

describe('percentile interval', () => {
  it(
    'uses type-7 quantiles at both ends: 1..100 at 90 % gives 5.95 and 95.05, 1..10 at 95 % gives ' + '1.225 and 9.775',
    () => {
      const values = Array.from({ length: 100 }, (_, i) => 100 - i);
      const i = percentileInterval(values, 0.9)!;
      expect(i.low).toBeCloseTo(5.95, 10);
      expect(i.high).toBeCloseTo(95.05, 10);
      expect(i.undefinedResamples).toBe(0);
      const ten = percentileInterval([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 0.95)!;
      expect(ten.low).toBeCloseTo(1.225, 12);
      expect(ten.high).toBeCloseTo(9.775, 12);
    },
  );

  it('counts and leaves out undefined replicates, and is null when none is defined', () => {
    const i = percentileInterval([1, null, 2, Number.NaN, 3], 0.5)!;
    expect(i.undefinedResamples).toBe(2);
    // Defined 1, 2, 3: h = 2 * 0.25 = 0.5 gives 1.5; h = 2 * 0.75 = 1.5 gives 2.5.
    expect(i.low).toBeCloseTo(1.5, 12);
    expect(i.high).toBeCloseTo(2.5, 12);
    expect(percentileInterval([null, null], 0.95)).toBeNull();
  });
});

describe('basic (reverse-percentile) interval', () => {
  it('reflects the replicates around the estimate: 2θ − q(0.975), 2θ − q(0.025)', () => {
    // Replicates 1..10 (quantiles 1.225 and 9.775) around an estimate of 5: [10 - 9.775, 10 - 1.225].
    const i = basicInterval(5, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)!;
    expect(i.low).toBeCloseTo(0.225, 12);
    expect(i.high).toBeCloseTo(8.775, 12);
  });

  it('moves a biased statistic down: replicates above the estimate give an interval below the percentile one', () => {
    // Estimate 0.2, replicates 0.21..0.30 (bias +0.055): percentile [0.21225, 0.29775]; basic [0.10225, 0.18775]
    // widened to the estimate.
    const reps = Array.from({ length: 10 }, (_, i) => 0.21 + i / 100);
    const i = basicInterval(0.2, reps, 0.95)!;
    expect(i.low).toBeCloseTo(0.4 - 0.29775, 12);
    expect(i.high).toBe(0.2);
  });

  it('contains the estimate and stays in the range when every replicate lies above a distance of 0', () => {
    const i = basicInterval(0, [0.017, 0.03, 0.04, 0.051], 0.95, { min: 0, max: 1 })!;
    expect(i).toEqual({ low: 0, high: 0, undefinedResamples: 0 });
    const r = basicInterval(1, [0.97, 0.98, 0.99], 0.95, { min: -1, max: 1 })!;
    expect(r.low).toBe(1);
    expect(r.high).toBe(1);
  });

  it('counts undefined replicates and is null without a defined one', () => {
    expect(basicInterval(2, [1, null, 3, Number.NaN], 0.5)!.undefinedResamples).toBe(2);
    expect(basicInterval(2, [null], 0.95)).toBeNull();
  });
});

describe('hull of basic and percentile intervals', () => {
  it('keeps the long tail a correlation near 1 shows in its resamples, which the basic interval reflects away', () => {
    // Estimate 0.99; replicates -0.08, 0.02, ..., 0.82: q(0.025) = -0.08 + 0.225 * 0.1 = -0.0575, q(0.975) = -0.08 +
    // 8.775 * 0.1 = 0.7975.
    const reps = Array.from({ length: 10 }, (_, i) => -0.08 + i * 0.1);
    const lowQ = -0.0575;
    const highQ = 0.7975;
    const basic = basicInterval(0.99, reps, 0.95, { min: -1, max: 1 })!;
    // Basic: [1.98 - 0.7975, 1.98 + 0.0575] = [1.1825, 2.0375], widened to 0.99 and cut to 1: [0.99, 1].
    expect(basic.low).toBe(0.99);
    expect(basic.high).toBe(1);
    const hull = hullInterval(0.99, reps, 0.95, { min: -1, max: 1 })!;
    expect(hull.low).toBeCloseTo(lowQ, 12);
    expect(hull.high).toBe(1);
    expect(percentileInterval(reps, 0.95)!.high).toBeCloseTo(highQ, 12);
  });
});
