import jStat from 'jstat';
import { describe, expect, it } from 'vitest';
import {
  absoluteDifferenceInterval,
  acceptsAbsoluteDifference,
  restrictedShares,
  scoreStatistic,
  shareDifferenceInterval,
  type ShareSide,
} from '../src/stats/share-difference.js';

const N = 300;

/** Counts with non-negligible probability (beyond 5 sd the mass is below 1e-6) and their binomial probabilities. */
function support(n: number, p: number): { k: number; mass: number }[] {
  const sd = Math.sqrt(n * p * (1 - p));
  const out: { k: number; mass: number }[] = [];
  for (let k = Math.max(0, Math.floor(n * p - 5 * sd - 1)); k <= Math.min(n, Math.ceil(n * p + 5 * sd + 1)); k++)
    out.push({ k, mass: jStat.binomial.pdf(k, n, p) });
  return out;
}

/** Exact probability (enumeration over both samples) that a predicate on (student count, teacher count) holds. */
function exactProbability(
  p: number,
  q: number,
  holds: (ks: number, kt: number) => boolean,
  teacherExact = false,
): number {
  let total = 0;
  for (const s of support(N, p)) {
    if (teacherExact) {
      if (holds(s.k, -1)) total += s.mass;
      continue;
    }
    for (const t of support(N, q)) if (holds(s.k, t.k)) total += s.mass * t.mass;
  }
  return total;
}

const side = (k: number): ShareSide => ({ k, n: N });

describe('Miettinen-Nurminen interval for a difference of shares', () => {
  it('matches the published interval for 56/70 against 48/80 (Newcombe 1998, Stat. Med. 17:873, Table II)', () => {
    const iv = shareDifferenceInterval({ k: 56, n: 70 }, { k: 48, n: 80 });
    expect(iv.low).toBeCloseTo(0.0528, 4);
    expect(iv.high).toBeCloseTo(0.3382, 4);
  });

  it('uses the restricted maximum-likelihood shares (checked against a brute-force search)', () => {
    const ll = (k: number, n: number, p: number) => k * Math.log(p) + (n - k) * Math.log(1 - p);
    for (const delta of [-0.3, 0, 0.1, 0.35]) {
      let best = Number.NEGATIVE_INFINITY;
      let arg = 0;
      for (let i = 1; i < 20000; i++) {
        const p1 = i / 20000;
        const p2 = p1 - delta;
        if (p2 <= 0 || p2 >= 1) continue;
        const v = ll(56, 70, p1) + ll(48, 80, p2);
        if (v > best) [best, arg] = [v, p1];
      }
      expect(restrictedShares({ k: 56, n: 70 }, { k: 48, n: 80 }, delta)[0]).toBeCloseTo(arg, 3);
    }
  });

  it('covers within a point of 95 % with 300 answers a side (exact enumeration)', () => {
    for (const [p, q] of [
      [0.5, 0.4],
      [0.8, 0.75],
      [0.12, 0.02],
    ] as const) {
      // The interval is the set of differences the score test accepts, so it covers the truth exactly when the test
      // accepts it.
      const coverage = exactProbability(
        p,
        q,
        (ks, kt) => Math.abs(scoreStatistic(side(ks), side(kt), p - q)) <= 1.959964,
      );
      expect(coverage).toBeGreaterThan(0.94);
      expect(coverage).toBeLessThan(0.96);
    }
  });

  it('always contains its estimate, also at 0 and n', () => {
    for (const [a, b] of [
      [0, 0],
      [300, 300],
      [300, 0],
      [1, 299],
    ]) {
      const iv = shareDifferenceInterval(side(a!), side(b!));
      expect(iv.low).toBeLessThanOrEqual((a! - b!) / N);
      expect(iv.high).toBeGreaterThanOrEqual((a! - b!) / N);
    }
  });
});

describe('interval for |p_student − p_teacher| (two-option TV distance)', () => {
  const coverageAt = (tau: number, q: number, teacherExact: boolean) =>
    exactProbability(
      q + tau,
      q,
      (ks, kt) => acceptsAbsoluteDifference(side(ks), teacherExact ? { exact: q } : side(kt), tau, 0.95),
      teacherExact,
    );

  it('covers within 2 points of 95 % at true distances 0.02 to 0.3, teacher estimated from 300 answers (exact)', () => {
    for (const tau of [0.02, 0.1, 0.3]) {
      const coverage = coverageAt(tau, 0.4, false);
      expect(coverage, `tau ${tau}`).toBeGreaterThan(0.93);
      expect(coverage, `tau ${tau}`).toBeLessThan(0.97);
    }
  });

  it('covers within 2 points of 95 % with the teacher exact, near the edge too (exact)', () => {
    for (const [tau, q] of [
      [0.02, 0.5],
      [0.1, 0.05],
      [0.05, 0.8],
    ] as const) {
      const coverage = coverageAt(tau, q, true);
      expect(coverage, `tau ${tau} q ${q}`).toBeGreaterThan(0.93);
      expect(coverage, `tau ${tau} q ${q}`).toBeLessThan(0.97);
    }
  });

  it('is needed: folding the interval for d covers 97 % at 0.02, outside the 2-point band', () => {
    // The folded interval holds 0.02 when d = 0.02 or d = -0.02 is accepted.
    const accepted = (ks: number, kt: number, d: number) => Math.abs(scoreStatistic(side(ks), side(kt), d)) <= 1.959964;
    const folded = exactProbability(0.42, 0.4, (ks, kt) => accepted(ks, kt, 0.02) || accepted(ks, kt, -0.02));
    expect(folded).toBeGreaterThan(0.97);
  });

  it(
    'claims "within 0.1" for a student exactly 0.1 away at most 4 % of the time, teacher from 300 ' + 'answers (exact)',
    () => {
      for (const q of [0.1, 0.4, 0.75]) {
        // The interval holds the observed |d| and is connected: its upper end is below 0.1 exactly when |d| < 0.1 and
        // 0.1
        // is rejected.
        const within = exactProbability(
          q + 0.1,
          q,
          (ks, kt) => Math.abs(ks - kt) / N < 0.1 && !acceptsAbsoluteDifference(side(ks), side(kt), 0.1, 0.95),
        );
        expect(within, `q ${q}`).toBeLessThanOrEqual(0.04);
        expect(within, `q ${q}`).toBeGreaterThan(0.01);
      }
    },
  );

  it('contains its estimate, starts at 0 when no difference is shown, and handles all-or-nothing answers', () => {
    const same = absoluteDifferenceInterval(side(150), side(150));
    expect(same.low).toBe(0);
    expect(same.high).toBeGreaterThan(0.05);
    expect(same.high).toBeLessThan(0.08);
    for (const [a, b] of [
      [300, 300],
      [300, 0],
      [0, 300],
      [221, 77],
    ]) {
      const iv = absoluteDifferenceInterval(side(a!), side(b!));
      const estimate = Math.abs(a! - b!) / N;
      expect(iv.low).toBeLessThanOrEqual(estimate);
      expect(iv.high).toBeGreaterThanOrEqual(estimate);
    }
    expect(absoluteDifferenceInterval(side(0), { exact: 0 }).low).toBe(0);
  });

  it('is the set of accepted distances: one interval, accepted inside and rejected outside', () => {
    const a = side(221);
    const b = side(77);
    const iv = absoluteDifferenceInterval(a, b);
    for (let tau = 0; tau <= 1; tau += 0.005) {
      const inside = tau >= iv.low + 1e-6 && tau <= iv.high - 1e-6;
      const outside = tau < iv.low - 1e-6 || tau > iv.high + 1e-6;
      if (inside) expect(acceptsAbsoluteDifference(a, b, tau, 0.95)).toBe(true);
      if (outside) expect(acceptsAbsoluteDifference(a, b, tau, 0.95)).toBe(false);
    }
    expect(scoreStatistic(a, b, (221 - 77) / N)).toBeCloseTo(0, 12);
  });
});
