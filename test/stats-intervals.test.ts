import jStat from 'jstat';
import { describe, expect, it } from 'vitest';
import { clopperPearsonInterval } from '../src/stats/exact-interval.js';
import { meanInterval, summariseCounts } from '../src/stats/means.js';
import { proportionInterval, wilsonInterval } from '../src/stats/proportion.js';

// Reference values: Newcombe (1998), "Two-sided confidence intervals for the single proportion",
// Stat. Med. 17:857-872, Table I (methods 3 = Wilson score, 5 = Clopper-Pearson), to 4 decimals.
const NEWCOMBE: [k: number, n: number, wilson: [number, number], exact: [number, number]][] = [
  [81, 263, [0.2553, 0.3662], [0.2527, 0.3676]],
  [15, 148, [0.0624, 0.1605], [0.0578, 0.1617]],
  [0, 20, [0, 0.1611], [0, 0.1684]],
  [1, 29, [0.0061, 0.1718], [0.0009, 0.1776]],
];

describe('Wilson score interval', () => {
  it('matches the hand computation for 5 of 10', () => {
    // z = 1.959964, z^2 = 3.841459; centre = 0.5; half = z/(1 + z^2/10) * sqrt(0.025 + z^2/400)
    // = 1.416008 * 0.186022 = 0.263408.
    const { low, high } = wilsonInterval(5, 10);
    expect(low).toBeCloseTo(0.236592, 5);
    expect(high).toBeCloseTo(0.763408, 5);
  });

  it.each(NEWCOMBE)('matches Newcombe (1998) for %i of %i', (k, n, wilson) => {
    const { low, high } = wilsonInterval(k, n);
    expect(low).toBeCloseTo(wilson[0], 4);
    expect(high).toBeCloseTo(wilson[1], 4);
  });
});

describe('Clopper-Pearson interval', () => {
  it.each(NEWCOMBE)('matches Newcombe (1998) for %i of %i', (k, n, _wilson, exact) => {
    const { low, high } = clopperPearsonInterval(k, n);
    expect(low).toBeCloseTo(exact[0], 4);
    expect(high).toBeCloseTo(exact[1], 4);
  });

  it('has the closed form at the edges: 0 of n up to 1 - 0.025^(1/n), n of n from 0.025^(1/n)', () => {
    expect(clopperPearsonInterval(0, 10).high).toBeCloseTo(1 - 0.025 ** 0.1, 9);
    expect(clopperPearsonInterval(10, 10).low).toBeCloseTo(0.025 ** 0.1, 9);
    expect(clopperPearsonInterval(0, 10).low).toBe(0);
    expect(clopperPearsonInterval(10, 10).high).toBe(1);
  });

  it('is wider than Wilson (it never undercovers)', () => {
    const w = wilsonInterval(30, 300);
    const e = clopperPearsonInterval(30, 300);
    expect(e.low).toBeLessThan(w.low);
    expect(e.high).toBeGreaterThan(w.high);
  });

  it('rejects impossible counts', () => {
    expect(() => clopperPearsonInterval(11, 10)).toThrow(RangeError);
  });

  it('is chosen by proportionInterval("exact")', () => {
    expect(proportionInterval(5, 10, 'exact').low).toBeCloseTo(0.187086, 5);
    expect(proportionInterval(5, 10, 'wilson').low).toBeCloseTo(0.236593, 5);
  });
});

describe('mean interval', () => {
  it('is the Student-t interval: answers 1, 2, 3, 4 give 2.5 +- t(0.975, 3) * sqrt(5/3 / 4)', () => {
    const s = summariseCounts([1, 2, 3, 4], [1, 1, 1, 1]);
    expect(s.mean).toBe(2.5);
    expect(s.variance).toBeCloseTo(5 / 3, 12);
    const { low, high } = meanInterval(s);
    // t(0.975, 3) = 3.182446; se = 0.645497; half width 2.054260.
    expect(low).toBeCloseTo(2.5 - 2.05426, 4);
    expect(high).toBeCloseTo(2.5 + 2.05426, 4);
  });

  it('gives no interval for a single answer: one answer says nothing about the spread', () => {
    const i = meanInterval(summariseCounts([0, 5, 10], [0, 1, 0]), 0.95, { min: 0, max: 10 });
    expect(i.low).toBeNaN();
    expect(i.high).toBeNaN();
    expect(i.method).toBe('none (one answer)');
  });

  it('never collapses to the point when all answers agree: an exact bound over the answer range, or none', () => {
    // 300 donations of $5 out of $0..$10. Clopper-Pearson upper end for 0 of 300 "answers other than 5"
    // at 95 % is u = 1 - 0.025^(1/300) = 0.012221; such answers move the mean by at most $5 either way.
    const s = summariseCounts([0, 5, 10], [0, 300, 0]);
    const u = 1 - 0.025 ** (1 / 300);
    const i = meanInterval(s, 0.95, { min: 0, max: 10 });
    expect(u).toBeCloseTo(0.012221, 6);
    expect(i.low).toBeCloseTo(5 - 5 * u, 10);
    expect(i.high).toBeCloseTo(5 + 5 * u, 10);
    expect(i.method).toBe('exact bound (no spread)');
    // At the top of the range the bound is one-sided: all $10 answers give [10 - 10u, 10].
    const top = meanInterval(summariseCounts([0, 10], [0, 300]), 0.95, { min: 0, max: 10 });
    expect(top.low).toBeCloseTo(10 - 10 * u, 10);
    expect(top.high).toBe(10);
    const noRange = meanInterval(s);
    expect(noRange.low).toBeNaN();
    expect(noRange.method).toBe('none (no spread)');
  });
});

describe('the default share interval: Wilson with exact ends near 0 and n', () => {
  /** Lowest exact coverage over a grid of shares, finer near 0 and 1 where Wilson fails. */
  function lowestCoverage(method: 'hybrid' | 'wilson', n: number): number {
    const intervals = Array.from({ length: n + 1 }, (_, k) => proportionInterval(k, n, method));
    const pmf = (k: number, p: number) =>
      Math.exp(-Math.log(n + 1) - jStat.betaln(k + 1, n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p));
    const shares = [
      ...Array.from({ length: 499 }, (_, i) => (i + 1) / 500),
      ...Array.from({ length: 300 }, (_, i) => (i + 1) / 30000),
      ...Array.from({ length: 300 }, (_, i) => 1 - (i + 1) / 30000),
    ];
    let lowest = 1;
    for (const p of shares) {
      let covered = 0;
      intervals.forEach((iv, k) => {
        if (iv.low <= p && p <= iv.high) covered += pmf(k, p);
      });
      lowest = Math.min(lowest, covered);
    }
    return lowest;
  }

  it('covers at least 93 % at every share with 300 answers, where plain Wilson drops to 85 % (exact)', () => {
    expect(lowestCoverage('hybrid', 300)).toBeGreaterThanOrEqual(0.93);
    expect(lowestCoverage('wilson', 300)).toBeLessThan(0.86);
  });

  it('takes the Clopper-Pearson end within 10 answers of 0 or n and Wilson elsewhere', () => {
    expect(proportionInterval(3, 300, 'hybrid').low).toBeCloseTo(clopperPearsonInterval(3, 300).low, 12);
    expect(proportionInterval(3, 300, 'hybrid').high).toBeCloseTo(wilsonInterval(3, 300).high, 12);
    expect(proportionInterval(295, 300, 'hybrid').high).toBeCloseTo(clopperPearsonInterval(295, 300).high, 12);
    expect(proportionInterval(150, 300, 'hybrid')).toMatchObject({
      low: wilsonInterval(150, 300).low,
      high: wilsonInterval(150, 300).high,
    });
  });

  it('never excludes its own estimate: the Wilson end at k = n is 1, not 0.9999999999999998', () => {
    expect(wilsonInterval(300, 300).high).toBe(1);
    expect(wilsonInterval(0, 300).low).toBe(0);
    for (const method of ['hybrid', 'wilson', 'exact'] as const) {
      for (let k = 0; k <= 300; k++) {
        const iv = proportionInterval(k, 300, method);
        expect(iv.low).toBeLessThanOrEqual(k / 300);
        expect(iv.high).toBeGreaterThanOrEqual(k / 300);
      }
    }
  });
});
