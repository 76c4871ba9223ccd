import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { createRng } from '../src/shared/random.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import type { Tally } from '../src/recordings/types.js';
import { buildReport, type ReportOptions } from '../src/report/build-report.js';
import { summariseForEval } from '../src/report/eval-summary.js';
import { renderTerminal } from '../src/report/render-terminal.js';
import { publishedDiffers, summaryTable } from '../src/report/tables.js';
import type { Report } from '../src/report/types.js';
import { sampleBinomial } from '../src/stats/bootstrap.js';
import jStat from 'jstat';
import { absoluteDifferenceInterval, acceptsAbsoluteDifference } from '../src/stats/share-difference.js';

const catalogue = defaultCatalogue();
const PAPER = 'datasets/recordings/lfb-counts.csv';
const OPTIONS: ReportOptions = { models: {}, proportionInterval: 'hybrid', resamples: 300, seed: 'test' };

const report = (tallies: readonly Tally[], options: Partial<ReportOptions> = {}): Report =>
  buildReport({ tallies, inputs: [{ file: 'test', kind: 'counts-table' }] }, { ...OPTIONS, ...options }, catalogue);
const group = (r: Report, label: string) => r.groups.find((g) => g.label === label)!;

describe("the paper's metric on shares", () => {
  const paper = readCountsTable(PAPER, catalogue);

  it('reads 46.65 % / 18.26 % on the paper data, with the published 46.26 % / 17.90 % (on counts) beside it', () => {
    const r = report(paper);
    const inSample = group(r, 'split=in-sample').students[0]!.paperImprovement;
    const oos = group(r, 'split=oos-context').students[0]!.paperImprovement;
    expect([inSample.value!.toFixed(2), inSample.asPublished.value!.toFixed(2)]).toEqual(['46.65', '46.26']);
    expect([oos.value!.toFixed(2), oos.asPublished.value!.toFixed(2)]).toEqual(['18.26', '17.90']);
  });

  it('does not move when the student is sampled 900 times against 300 (on counts it reads -1274.96 %)', () => {
    const tripled = paper.map((t) =>
      t.role === 'fine-tuned'
        ? { ...t, counts: Object.fromEntries(Object.entries(t.counts).map(([a, c]) => [a, 3 * c])) }
        : t,
    );
    const r = report(tripled);
    const inSample = group(r, 'split=in-sample').students[0]!.paperImprovement;
    expect(inSample.value!.toFixed(2)).toBe('46.65');
    expect(inSample.asPublished.value!.toFixed(2)).toBe('-1274.96');
    // The terminal report shows both, the published one labelled.
    const text = renderTerminal(r);
    expect(text).toContain('as published');
    expect(text).toMatch(/split=in-sample +20 +46\.65 % +-1274\.96 %/);
  });

  it(
    'equals the value on counts when every model has the same number of answers, and then shows ' + 'no extra column',
    () => {
      const even = paper.filter((t) => Object.values(t.counts).reduce((a, b) => a + b, 0) === 300);
      const complete = new Set(
        even
          .map((t) => `${t.split}/${t.scenario}`)
          .filter((key) => even.filter((t) => `${t.split}/${t.scenario}` === key).length === 3),
      );
      const r = report(even.filter((t) => complete.has(`${t.split}/${t.scenario}`)));
      for (const g of r.groups)
        for (const s of g.students)
          expect(s.paperImprovement.asPublished.value).toBeCloseTo(s.paperImprovement.value!, 9);
      expect(publishedDiffers(r)).toBe(false);
      expect(summaryTable(r, 'llama2-7b-chat-lfb-lora', true).header).not.toContain('as published');
    },
  );

  it('reaches the end-of-eval summary with both values', () => {
    const s = summariseForEval(paper, catalogue);
    const inSample = s.splits.find((x) => x.split === 'in-sample')!.students[0]!.student.paperImprovement;
    expect(inSample.value!.toFixed(2)).toBe('46.65');
    expect(inSample.asPublished.value!.toFixed(2)).toBe('46.26');
  });
});

describe('one interval per quantity', () => {
  const pg = readCountsTable('test/fixtures/report/public-goods-counts.csv', catalogue);
  const r = report(pg);

  it("gives a group of one numeric scenario the scenario row's cooperation and distance intervals", () => {
    for (const context of ['business', 'team']) {
      const g = group(r, `split=pg,context=${context}`);
      const row = r.scenarios.find((s) => s.context === context)!;
      for (const model of ['base-7b', 'student-7b', 'teacher-70b']) {
        expect(g.models.find((m) => m.model === model)!.cooperation).toEqual(
          row.models.find((m) => m.model === model)!.cooperation,
        );
      }
      expect(g.models.find((m) => m.model === 'student-7b')!.tv).toEqual(
        row.models.find((m) => m.model === 'student-7b')!.tv,
      );
    }
  });

  it("reads a two-option scenario's TV interval from the calibrated |d| interval, teacher estimated", () => {
    const paper = report(readCountsTable(PAPER, catalogue));
    const row = paper.scenarios.find(
      (s) => s.split === 'in-sample' && s.scenario === 'international-relations/prisoners-dilemma',
    )!;
    const tv = row.models.find((m) => m.model === 'llama2-7b-chat-lfb-lora')!.tv!;
    const expected = absoluteDifferenceInterval({ k: 221, n: 300 }, { k: 77, n: 300 });
    expect([tv.low, tv.high]).toEqual([expected.low, expected.high]);
    expect(paper.settings.teacher).toBe('estimated');
    // Declared exact, the teacher's noise leaves the interval, which narrows.
    const exact = report(readCountsTable(PAPER, catalogue), { teacherExact: true });
    const tvExact = exact.scenarios
      .find((s) => s.split === 'in-sample' && s.scenario === 'international-relations/prisoners-dilemma')!
      .models.find((m) => m.model === 'llama2-7b-chat-lfb-lora')!.tv!;
    expect(tvExact.high! - tvExact.low!).toBeLessThan(tv.high! - tv.low!);
    expect(exact.settings.teacher).toBe('exact');
  });
});

describe('students exactly at the tolerance, teacher estimated from 300 answers', () => {
  // 20 scenarios (5 contexts x 4 games), each student 0.1 from its teacher, both sampled 300 times.
  const contexts = ['IR', 'biz', 'friendsharing', 'environment', 'team'];
  const games = ['prison', 'delight', 'staghunt', 'snowdrift'];
  const teacherShares = [
    0.26, 0.35, 0.4, 0.36, 0.31, 0.46, 0.35, 0.35, 0.82, 0.69, 0.65, 0.77, 0.42, 0.52, 0.46, 0.38, 0.67, 0.77, 0.73,
    0.67,
  ];
  function dataset(seed: string): Tally[] {
    const rng = createRng(seed);
    const tallies: Tally[] = [];
    teacherShares.forEach((q, i) => {
      const scenario = `${contexts[Math.floor(i / 4)]}/${games[i % 4]}`;
      const tally = (model: string, role: string, p: number): Tally => {
        const c = sampleBinomial(300, p, rng);
        return {
          split: 'at-tolerance',
          scenario,
          model,
          role,
          counts: { C: c, D: 300 - c },
          failures: {},
          source: 'recorded-counts',
          failuresRecorded: false,
        } as Tally;
      };
      tallies.push(
        tally('base', 'base', 0.85),
        tally('student', 'fine-tuned', i % 2 ? q + 0.1 : q - 0.1),
        tally('teacher', 'teacher', q),
      );
    });
    return tallies;
  }

  it('claim "within 0.1" (upper end below 0.1) in at most 4 % of scenarios, and rarely for the group', () => {
    let claims = 0;
    let rows = 0;
    let groupClaims = 0;
    const reports = 12;
    for (let s = 0; s < reports; s++) {
      const r = report(dataset(`at-tolerance-${s}`), { resamples: 200 });
      for (const row of r.scenarios) {
        rows++;
        if (row.models.find((m) => m.model === 'student')!.tv!.high! < 0.1) claims++;
      }
      if (group(r, 'split=at-tolerance').models.find((m) => m.model === 'student')!.tv!.high! < 0.1) groupClaims++;
    }
    // 240 scenario draws of a rate that is 2.5 % exactly (below): 6 % is 2.4 standard errors above it.
    expect(claims / rows).toBeLessThanOrEqual(0.06);
    expect(groupClaims).toBeLessThanOrEqual(1);
  });

  it('claim "within 0.1" in at most 4 % of scenarios, computed exactly over both samples', () => {
    const support = (p: number) =>
      Array.from({ length: 301 }, (_, k) => ({ k, mass: jStat.binomial.pdf(k, 300, p) })).filter((x) => x.mass > 1e-7);
    const rates = teacherShares.map((q, i) => {
      const p = i % 2 ? q + 0.1 : q - 0.1;
      let rate = 0;
      for (const s of support(p)) {
        for (const t of support(q)) {
          // The interval holds the observed |d| and is connected: its upper end is below 0.1 exactly when |d| < 0.1 and
          // 0.1 is rejected.
          if (Math.abs(s.k - t.k) < 30 && !acceptsAbsoluteDifference({ k: s.k, n: 300 }, { k: t.k, n: 300 }, 0.1, 0.95))
            rate += s.mass * t.mass;
        }
      }
      return rate;
    });
    const mean = rates.reduce((a, b) => a + b) / rates.length;
    expect(mean).toBeLessThanOrEqual(0.04);
    expect(Math.max(...rates)).toBeLessThanOrEqual(0.04);
  });
});
