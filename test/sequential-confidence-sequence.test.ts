import { describe, expect, it } from 'vitest';
import { StratalignError } from '../src/shared/errors.js';
import {
  confidenceSequence,
  gatePrior,
  JEFFREYS_PRIOR,
  logMixtureMartingale,
} from '../src/eval/sequential/confidence-sequence.js';
import { wilsonSampleSize, worstCaseSampleSize } from '../src/eval/sequential/fixed-design.js';
import { wilsonInterval } from '../src/stats/proportion.js';

const UNIFORM = [{ weight: 1, a: 1, b: 1 }];

describe('beta-binomial mixture confidence sequence', () => {
  it('matches the closed form for a uniform prior after n failures', () => {
    // Uniform prior, k = 0: M_n(p) = 1 / ((n+1)(1-p)^n), so the upper end is 1 - (α/(n+1))^(1/n).
    for (const n of [5, 40, 300]) {
      const interval = confidenceSequence(0, n, 0.95, UNIFORM);
      expect(interval.low).toBe(0);
      expect(interval.high).toBeCloseTo(1 - (0.05 / (n + 1)) ** (1 / n), 8);
    }
  });

  it('puts its ends where the mixture martingale reaches 1/α, with k/n inside', () => {
    for (const [k, n] of [
      [3, 10],
      [120, 300],
      [290, 300],
    ] as const) {
      const { low, high } = confidenceSequence(k, n, 0.95, JEFFREYS_PRIOR);
      expect(low).toBeLessThan(k / n);
      expect(high).toBeGreaterThan(k / n);
      expect(logMixtureMartingale(k, n, low)).toBeGreaterThanOrEqual(Math.log(20) - 1e-6);
      expect(logMixtureMartingale(k, n, high)).toBeGreaterThanOrEqual(Math.log(20) - 1e-6);
      expect(logMixtureMartingale(k, n, low + 1e-6)).toBeLessThan(Math.log(20));
      expect(logMixtureMartingale(k, n, high - 1e-6)).toBeLessThan(Math.log(20));
    }
  });

  it('is wider than a one-look Wilson interval (the price of looking any time) and shrinks with n', () => {
    const anytime300 = confidenceSequence(120, 300, 0.95);
    const wilson300 = wilsonInterval(120, 300, 0.95);
    expect(anytime300.high - anytime300.low).toBeGreaterThan(wilson300.high - wilson300.low);
    const anytime100 = confidenceSequence(40, 100, 0.95);
    expect(anytime300.high - anytime300.low).toBeLessThan(anytime100.high - anytime100.low);
  });

  it('is tighter near the reference under the gate prior than under Jeffreys alone', () => {
    const gate = confidenceSequence(120, 300, 0.95, gatePrior(0.4, 0.1));
    const jeffreys = confidenceSequence(120, 300, 0.95, JEFFREYS_PRIOR);
    expect(gate.high - gate.low).toBeLessThan(jeffreys.high - jeffreys.low);
  });

  it('covers everything before any data and rejects impossible counts as user errors', () => {
    expect(confidenceSequence(0, 0, 0.95)).toMatchObject({ low: 0, high: 1 });
    expect(() => confidenceSequence(5, 3, 0.95)).toThrow(StratalignError);
    expect(() => confidenceSequence(1, 3, 1.2)).toThrow(/level/);
    expect(() => confidenceSequence(1, 3, 0.95, [{ weight: 0.5, a: 1, b: 1 }])).toThrow(/weights summing to 1/);
  });
});

describe('fixed designs', () => {
  it('needs 385 answers for ±0.05 at 95 % in the worst case p = 1/2', () => {
    expect(worstCaseSampleSize(0.05, 0.95)).toBe(385);
  });

  it('sizes a Wilson interval per share: the first n that fits, and fewer near 0', () => {
    for (const p of [0, 0.1, 0.26, 0.5]) {
      const n = wilsonSampleSize(p, 0.05, 0.95);
      const at = (m: number) => {
        const w = wilsonInterval(p * m, m, 0.95);
        return (w.high - w.low) / 2;
      };
      expect(at(n)).toBeLessThanOrEqual(0.05);
      expect(at(n - 1)).toBeGreaterThan(0.05);
    }
    expect(wilsonSampleSize(0, 0.05, 0.95)).toBeLessThan(wilsonSampleSize(0.26, 0.05, 0.95));
  });
});
