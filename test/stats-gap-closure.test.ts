import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import type { Tally } from '../src/recordings/types.js';
import {
  absoluteClosure,
  absoluteGapClosure,
  meanAbsoluteGapClosure,
  meanPaperImprovement,
  paperImprovement,
  pooledGapClosure,
  type ScenarioCounts,
} from '../src/stats/gap-closure.js';

const tallies = readCountsTable('datasets/recordings/lfb-counts.csv', defaultCatalogue());

/** Per-scenario rows of one split, on C counts or on C shares of valid answers. */
function rows(split: string, on: 'counts' | 'shares'): ScenarioCounts[] {
  const by = new Map<string, Partial<Record<string, Tally>>>();
  for (const t of tallies.filter((x) => x.split === split)) by.set(t.scenario, { ...by.get(t.scenario), [t.role!]: t });
  const value = (t: Tally) => (on === 'counts' ? t.counts.C! : t.counts.C! / (t.counts.C! + t.counts.D!));
  return [...by].map(([scenario, r]) => ({
    scenario,
    base: value(r.base!),
    fineTuned: value(r['fine-tuned']!),
    teacher: value(r.teacher!),
  }));
}

describe("the paper's improvement metric on its recorded counts", () => {
  it('is 46.26 % in-sample (20 scenarios) and 17.90 % on the new contexts (12)', () => {
    const inSample = meanPaperImprovement(rows('in-sample', 'counts'));
    expect(inSample.used).toBe(20);
    expect(inSample.mean!.toFixed(2)).toBe('46.26');
    const oos = meanPaperImprovement(rows('oos-context', 'counts'));
    expect(oos.used).toBe(12);
    expect(oos.mean!.toFixed(2)).toBe('17.90');
  });

  it('reads 200 % for team / prisoners-delight from a 7-answer gap (237, 223, 230)', () => {
    const row = rows('in-sample', 'counts').find((r) => r.scenario === 'team/prisoners-delight')!;
    expect(row).toMatchObject({ base: 237, fineTuned: 223, teacher: 230 });
    expect(paperImprovement(row)).toBe(200);
  });

  it('is undefined, not infinite, for a zero gap, and the mean says which scenario it left out', () => {
    const r = meanPaperImprovement([
      { scenario: 'a', base: 10, fineTuned: 12, teacher: 10 },
      { scenario: 'b', base: 0, fineTuned: 5, teacher: 10 },
    ]);
    expect(r).toEqual({ mean: 50, used: 1, undefinedScenarios: ['a'] });
  });
});

/**
 * Three scenarios, hand-computed. C counts (valid answers):
 *   s1  base 80/100  student 60/100  teacher 40/100
 *   s2  base 50/100  student 55/100  teacher 60/100
 *   s3  base 70/100  student 30/50   teacher 20/100   (the student has 50 answers: counts and shares part ways)
 */
const COUNTS: ScenarioCounts[] = [
  { scenario: 's1', base: 80, fineTuned: 60, teacher: 40 },
  { scenario: 's2', base: 50, fineTuned: 55, teacher: 60 },
  { scenario: 's3', base: 70, fineTuned: 30, teacher: 20 },
];
const SHARES: ScenarioCounts[] = [
  { scenario: 's1', base: 0.8, fineTuned: 0.6, teacher: 0.4 },
  { scenario: 's2', base: 0.5, fineTuned: 0.55, teacher: 0.6 },
  { scenario: 's3', base: 0.7, fineTuned: 0.6, teacher: 0.2 },
];

describe('companions, by hand on three scenarios', () => {
  it("paper's metric on counts: 100 * (-20/-40 + 5/10 + -40/-50) / 3 = (50 + 50 + 80) / 3 = 60 %", () => {
    expect(meanPaperImprovement(COUNTS)).toEqual({ mean: 60, used: 3, undefinedScenarios: [] });
  });

  it(
    'pooled gap closure: on counts 100 * (-20 + 5 - 40) / (-40 + 10 - 50) = 68.75 %; on shares 100 * -0.25 / ' +
      '-0.8 = 31.25 %',
    () => {
      expect(pooledGapClosure(COUNTS)).toBeCloseTo(68.75, 10);
      expect(pooledGapClosure(SHARES)).toBeCloseTo(31.25, 10);
    },
  );

  it(
    'absolute-gap closure: on counts 100 * (1 - (20 + 5 + 10) / (40 + 10 + 50)) = 65 %; on shares 100 * (1 - ' +
      '0.65 / 1.0) = 35 %',
    () => {
      expect(absoluteGapClosure(COUNTS)).toBeCloseTo(65, 10);
      expect(absoluteGapClosure(SHARES)).toBeCloseTo(35, 10);
    },
  );

  it(
    'mean per-scenario absolute closure on shares: (1 - 0.2/0.4, 1 - 0.05/0.1, 1 - 0.4/0.5) = (50, 50, ' +
      '20) %, mean 40 %',
    () => {
      expect(SHARES.map((r) => absoluteClosure(r)!)).toEqual([
        expect.closeTo(50, 10),
        expect.closeTo(50, 10),
        expect.closeTo(20, 10),
      ]);
      expect(meanAbsoluteGapClosure(SHARES)).toBeCloseTo(40, 10);
    },
  );

  it('a zero gap leaves the pooled closures undefined, not infinite', () => {
    const flat = [{ scenario: 'f', base: 10, fineTuned: 12, teacher: 10 }];
    expect(pooledGapClosure(flat)).toBeNull();
    expect(absoluteGapClosure(flat)).toBeNull();
    expect(meanAbsoluteGapClosure(flat)).toBeNull();
  });

  it('does not reward overshooting the teacher, unlike the signed metric', () => {
    const overshoot = { scenario: 's', base: 100, fineTuned: 40, teacher: 70 };
    expect(paperImprovement(overshoot)).toBe(200);
    expect(absoluteClosure(overshoot)).toBe(0);
  });
});

describe('companions on the paper counts (published and design figures)', () => {
  it('pooled gap closure is 35.0 % in-sample, as published', () => {
    expect(pooledGapClosure(rows('in-sample', 'counts'))!.toFixed(1)).toBe('35.0');
  });

  it("DESIGN.md's 33.6 % is the mean of per-scenario absolute closures on shares", () => {
    expect(meanAbsoluteGapClosure(rows('in-sample', 'shares'))!.toFixed(1)).toBe('33.6');
  });
});
