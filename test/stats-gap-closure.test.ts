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
  return [...by].map(([scenario, r]) => ({ scenario, base: value(r.base!), fineTuned: value(r['fine-tuned']!), teacher: value(r.teacher!) }));
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
    const r = meanPaperImprovement([{ scenario: 'a', base: 10, fineTuned: 12, teacher: 10 }, { scenario: 'b', base: 0, fineTuned: 5, teacher: 10 }]);
    expect(r).toEqual({ mean: 50, used: 1, undefinedScenarios: ['a'] });
  });
});

describe('companions on the same data', () => {
  it('pooled gap closure is 35.00 % in-sample on counts (35.01 % on shares of valid answers)', () => {
    expect(pooledGapClosure(rows('in-sample', 'counts'))!.toFixed(2)).toBe('35.00');
    expect(pooledGapClosure(rows('in-sample', 'shares'))!.toFixed(2)).toBe('35.01');
  });

  it("absolute-gap closure: the pooled form gives 33.09 % on counts; DESIGN.md's 33.6 % is the mean of per-scenario closures on shares", () => {
    expect(absoluteGapClosure(rows('in-sample', 'counts'))!.toFixed(2)).toBe('33.09');
    expect(absoluteGapClosure(rows('in-sample', 'shares'))!.toFixed(2)).toBe('33.02');
    expect(meanAbsoluteGapClosure(rows('in-sample', 'shares'))!.toFixed(1)).toBe('33.6');
  });

  it('does not reward overshooting the teacher, unlike the signed metric', () => {
    const overshoot = { scenario: 's', base: 100, fineTuned: 40, teacher: 70 };
    expect(paperImprovement(overshoot)).toBe(200);
    expect(absoluteClosure(overshoot)).toBe(0);
  });
});
