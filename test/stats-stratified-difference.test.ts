import { describe, expect, it } from 'vitest';
import { createRng } from '../src/shared/random.js';
import { sampleBinomial } from '../src/stats/bootstrap.js';
import { shareDifferenceInterval } from '../src/stats/share-difference.js';
import { stratifiedDifferenceInterval, type DifferenceStratum } from '../src/stats/stratified-difference.js';

// The paper's in-sample teacher and fine-tuned student shares of C (20 scenarios, 300 answers each).
const TEACHER = [77, 106, 120, 109, 94, 137, 105, 104, 246, 208, 196, 231, 125, 157, 139, 114, 200, 230, 220, 202].map(
  (k) => k / 300,
);
const STUDENT = [
  221, 225, 216, 214, 223, 221, 214, 223, 225, 236, 214, 228, 190, 208, 196, 186, 225, 223, 221, 209,
].map((k) => k / 300);

function coverage(model: readonly number[], teacher: readonly number[], exact: boolean, runs: number, seed: string) {
  const rng = createRng(seed);
  const truth = model.reduce((a, p, i) => a + p - teacher[i]!, 0) / model.length;
  let below = 0;
  let above = 0;
  for (let r = 0; r < runs; r++) {
    const strata: DifferenceStratum[] = model.map((p, i) => ({
      model: { k: sampleBinomial(300, p, rng), n: 300 },
      teacher: exact ? { exact: teacher[i]! } : { k: sampleBinomial(300, teacher[i]!, rng), n: 300 },
    }));
    const iv = stratifiedDifferenceInterval(strata, 0.95);
    if (iv.high < truth) below++;
    if (iv.low > truth) above++;
  }
  return { coverage: 1 - (below + above) / runs, below: below / runs, above: above / runs };
}

describe('interval for the mean difference P(C)model − P(C)teacher over a group of scenarios', () => {
  it(
    "covers 95 % on the paper's student, on students at 0.1 and at 0, and near a share of 0, teacher estimated " +
      'or exact (seeded simulation)',
    () => {
      const cases = [
        { model: STUDENT, teacher: TEACHER },
        { model: TEACHER.map((q) => Math.min(0.99, q + 0.1)), teacher: TEACHER },
        { model: TEACHER, teacher: TEACHER },
        { model: TEACHER.map(() => 0.02), teacher: TEACHER.map(() => 0.05) },
      ];
      for (const exact of [false, true]) {
        for (const [i, c] of cases.entries()) {
          const { coverage: cover, below, above } = coverage(c.model, c.teacher, exact, 600, `strat/${exact}/${i}`);
          // 600 runs: a standard error of 0.9 points at 95 %, 0.6 at 2.5 %.
          expect(cover).toBeGreaterThan(0.93);
          expect(cover).toBeLessThan(0.975);
          expect(Math.max(below, above)).toBeLessThan(0.045);
        }
      }
    },
  );

  it("gives a group of one scenario exactly that scenario's Miettinen-Nurminen interval", () => {
    const stratum: DifferenceStratum = { model: { k: 221, n: 300 }, teacher: { k: 77, n: 300 } };
    const one = stratifiedDifferenceInterval([stratum]);
    const mn = shareDifferenceInterval(stratum.model, stratum.teacher);
    expect([one.low, one.high]).toEqual([mn.low, mn.high]);
    expect(one.estimate).toBeCloseTo(144 / 300, 12);
  });

  it('contains its estimate, stays within the possible range, and narrows with more scenarios', () => {
    const strata: DifferenceStratum[] = STUDENT.map((p, i) => ({
      model: { k: Math.round(300 * p), n: 300 },
      teacher: { k: Math.round(300 * TEACHER[i]!), n: 300 },
    }));
    const all = stratifiedDifferenceInterval(strata);
    const four = stratifiedDifferenceInterval(strata.slice(0, 4));
    expect(all.low).toBeLessThanOrEqual(all.estimate);
    expect(all.high).toBeGreaterThanOrEqual(all.estimate);
    expect(all.high - all.low).toBeLessThan(four.high - four.low);
    const edge = stratifiedDifferenceInterval([
      { model: { k: 300, n: 300 }, teacher: { k: 0, n: 300 } },
      { model: { k: 300, n: 300 }, teacher: { k: 0, n: 300 } },
    ]);
    expect(edge.estimate).toBe(1);
    expect(edge.high).toBe(1);
    expect(edge.low).toBeLessThan(1);
  });
});
