import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import { buildReport } from '../src/report/build-report.js';
import { stratifiedDifferenceInterval } from '../src/stats/stratified-difference.js';

const catalogue = defaultCatalogue();
const PAPER = 'datasets/recordings/lfb-counts.csv';
const reportOf = (file: string) =>
  buildReport(
    { tallies: readCountsTable(file, catalogue), inputs: [{ file, kind: 'counts-table' }] },
    { models: {}, proportionInterval: 'hybrid', resamples: 200, seed: 'test' },
    catalogue,
  );
const report = reportOf(PAPER);

describe('the group difference P(C)model − P(C)teacher in the report', () => {
  it('is the stratified score interval over the group, the teacher estimated', () => {
    const g = report.groups.find((x) => x.label === 'split=in-sample')!;
    const student = g.models.find((m) => m.model.includes('lora'))!;
    const rows = report.scenarios.filter((s) => s.split === 'in-sample');
    const mean =
      rows.reduce((a, s) => a + s.models.find((m) => m.model === student.model)!.difference!.value!, 0) / rows.length;
    expect(student.difference!.value).toBeCloseTo(mean, 12);
    expect(student.difference!.method).toMatch(/stratified score/);
    expect(student.difference!.low!).toBeLessThan(mean);
    expect(student.difference!.high!).toBeGreaterThan(mean);
    // The teacher is not compared with itself.
    expect(g.models.find((m) => m.model.includes('70b'))!.difference).toBeNull();
    expect(stratifiedDifferenceInterval([{ model: { k: 1, n: 2 }, teacher: { k: 1, n: 2 } }]).estimate).toBe(0);
  });

  it('shows a group of one scenario with exactly its scenario row: one interval per quantity', () => {
    // Three scenarios, each alone in its game's group.
    const three = reportOf('test/fixtures/report/three-scenarios.csv');
    const singles = three.groups.filter((g) => g.scenarios === 1);
    expect(singles.length).toBe(6);
    for (const g of singles) {
      const compared = g.models.filter((x) => x.difference);
      expect(compared.length).toBe(2);
      for (const m of compared) {
        const row = three.scenarios.find(
          (s) =>
            (g.key.game === undefined || s.game === g.key.game) &&
            (g.key.context === undefined || s.context === g.key.context),
        )!;
        expect(m.difference, `${g.label} / ${m.model}`).toEqual(
          row.models.find((x) => x.model === m.model)!.difference,
        );
      }
    }
    // Over the three scenarios: the stratified interval.
    const overall = three.groups.find((g) => g.label === 'overall')!.models.find((m) => m.model === 'student')!
      .difference!;
    expect(overall.method).toMatch(/stratified score/);
  });
});
