import { describe, expect, it } from 'vitest';
import { createRng } from '../src/shared/random.js';
import { sampleBinomial } from '../src/stats/bootstrap.js';
import {
  fitLogistic,
  identifiableColumns,
  looksSeparated,
  profileInterval,
  waldIntervals,
  type BinomialCell,
} from '../src/stats/logistic-regression.js';

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('logistic regression on grouped answers', () => {
  it('gives the saturated two-group answer exactly: logits of the shares, Wald SEs from the counts', () => {
    const cells: BinomialCell[] = [
      { x: [1, 0], k: 30, n: 100 },
      { x: [1, 1], k: 140, n: 200 },
    ];
    const fit = fitLogistic(cells);
    expect(fit.converged).toBe(true);
    expect(fit.beta[0]).toBeCloseTo(logit(0.3), 9);
    expect(fit.beta[1]).toBeCloseTo(logit(0.7) - logit(0.3), 9);
    const wald = waldIntervals(fit, 0.95)!;
    // Var(logit p_hat) = 1 / (n p (1 - p)) per group.
    expect(wald.se[0]).toBeCloseTo(Math.sqrt(1 / (100 * 0.3 * 0.7)), 9);
    expect(wald.se[1]).toBeCloseTo(Math.sqrt(1 / (100 * 0.3 * 0.7) + 1 / (200 * 0.7 * 0.3)), 9);
    const profile = profileInterval(cells, fit, 1, 0.95);
    expect(profile.low).toBeLessThan(fit.beta[1]!);
    expect(profile.high).toBeGreaterThan(fit.beta[1]!);
    // Close to Wald at these sizes, but not the same interval.
    expect(Math.abs(profile.low - wald.intervals[1]!.low)).toBeLessThan(0.05);
    expect(profile.low).not.toBeCloseTo(wald.intervals[1]!.low, 6);
  });

  it('finds columns the data cannot tell apart', () => {
    const cells: BinomialCell[] = [1, 2, 3].map((v) => ({ x: [1, v, 2 * v, v === 2 ? 1 : 0, 5], k: 1, n: 2 }));
    expect(identifiableColumns(cells)).toEqual([true, true, false, true, false]);
  });

  it('says when answers are separated and then gives finite Firth estimates', () => {
    const cells: BinomialCell[] = [-2, -1, 1, 2].map((v) => ({ x: [1, v], k: v > 0 ? 20 : 0, n: 20 }));
    const ml = fitLogistic(cells);
    expect(looksSeparated(cells, ml)).toBe(true);
    const firth = fitLogistic(cells, { firth: true });
    expect(firth.converged).toBe(true);
    expect(Number.isFinite(firth.beta[1]!)).toBe(true);
    expect(firth.beta[1]).toBeGreaterThan(1);
    const interval = profileInterval(cells, firth, 1, 0.95);
    expect(interval.method).toBe('profile-firth');
    expect(interval.low).toBeGreaterThan(0);
  });

  it('covers the true coefficients about 95 % of the time, Wald and profile alike (400 seeded datasets)', () => {
    const truth = [-0.4, 0.8];
    const xs = [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2];
    const covered = { wald: [0, 0], profile: [0, 0] };
    const runs = 400;
    for (let seed = 0; seed < runs; seed++) {
      const rng = createRng(`coverage/${seed}`);
      const cells = xs.map((x) => ({
        x: [1, x],
        k: sampleBinomial(15, sigmoid(truth[0]! + truth[1]! * x), rng),
        n: 15,
      }));
      const fit = fitLogistic(cells);
      const wald = waldIntervals(fit, 0.95)!;
      truth.forEach((b, j) => {
        if (wald.intervals[j]!.low <= b && b <= wald.intervals[j]!.high) covered.wald[j]!++;
        const p = profileInterval(cells, fit, j, 0.95);
        if (p.low <= b && b <= p.high) covered.profile[j]!++;
      });
    }
    for (const method of ['wald', 'profile'] as const) {
      for (const c of covered[method]) {
        expect(c / runs).toBeGreaterThan(0.925);
        expect(c / runs).toBeLessThan(0.975);
      }
    }
  });
});
