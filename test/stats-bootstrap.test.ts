import { describe, expect, it } from 'vitest';
import { createRng } from '../src/random.js';
import { percentileInterval, resampleCounts, sampleBinomial, sampleMultinomial } from '../src/stats/bootstrap.js';

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

describe('percentile interval', () => {
  it('uses type-7 quantiles: 1..100 at 90 % gives 5.95 and 95.05', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    const i = percentileInterval(values, 0.9)!;
    expect(i.low).toBeCloseTo(5.95, 10);
    expect(i.high).toBeCloseTo(95.05, 10);
    expect(i.undefinedResamples).toBe(0);
  });

  it('counts and leaves out undefined replicates, and is null when none is defined', () => {
    const i = percentileInterval([1, null, 2, Number.NaN, 3], 0.5)!;
    expect(i.undefinedResamples).toBe(2);
    expect(i.low).toBeCloseTo(1.5, 12);
    expect(percentileInterval([null, null], 0.95)).toBeNull();
  });
});
