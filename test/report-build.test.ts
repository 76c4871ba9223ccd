import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { isStratalignError } from '../src/errors.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import { buildReport, type ReportOptions } from '../src/report/build-report.js';
import type { Report } from '../src/report/types.js';
import { twoProportionTest } from '../src/stats/two-proportion.js';

const catalogue = defaultCatalogue();
const PAPER = 'datasets/recordings/lfb-counts.csv';
const OPTIONS: ReportOptions = { models: {}, proportionInterval: 'wilson', resamples: 400, seed: 'test' };

function reportOf(file: string, options: Partial<ReportOptions> = {}): Report {
  return buildReport({ tallies: readCountsTable(file, catalogue), inputs: [{ file, kind: 'counts-table' }] }, { ...OPTIONS, ...options }, catalogue);
}

const paper = reportOf(PAPER);
const group = (r: Report, label: string) => r.groups.find((g) => g.label === label)!;
const scenario = (r: Report, split: string, id: string) => r.scenarios.find((s) => s.split === split && s.scenario === id)!;

describe('report on the paper counts', () => {
  it("reproduces the paper's headline per split: 46.26 % in-sample, 17.90 % new contexts", () => {
    expect(group(paper, 'split=in-sample').students[0]!.paperImprovement.value!.toFixed(2)).toBe('46.26');
    expect(group(paper, 'split=oos-context').students[0]!.paperImprovement.value!.toFixed(2)).toBe('17.90');
  });

  it('shows pooled closure (35.0 %) and absolute closure with bootstrap intervals around them', () => {
    const s = group(paper, 'split=in-sample').students[0]!;
    expect(s.pooledGapClosure.value!.toFixed(1)).toBe('35.0');
    expect(s.pooledGapClosure.method).toBe('bootstrap-percentile');
    expect(s.pooledGapClosure.low!).toBeLessThan(35);
    expect(s.pooledGapClosure.high!).toBeGreaterThan(35);
    expect(s.absoluteGapClosure.value!.toFixed(2)).toBe('33.02');
    expect(s.meanAbsoluteClosure!.toFixed(1)).toBe('33.6');
  });

  it('flags team / prisoners-delight: 200 % from a base-teacher gap that is not significant', () => {
    const row = scenario(paper, 'in-sample', 'team/prisoners-delight');
    expect(row.students[0]!.paperImprovement).toBe(200);
    expect(row.gap!.significant).toBe(false);
    expect(row.gap!.test.pValue).toBeCloseTo(twoProportionTest(237, 300, 230, 300).pValue, 12);
    expect(group(paper, 'split=in-sample').nonSignificantGaps).toContainEqual({ split: 'in-sample', scenario: 'team/prisoners-delight' });
    expect(scenario(paper, 'in-sample', 'business/prisoners-dilemma').gap!.significant).toBe(true);
  });

  it('gives every model a Wilson interval per action and per group', () => {
    const base = scenario(paper, 'in-sample', 'team/prisoners-delight').models.find((m) => m.model === 'llama2-7b-chat')!;
    expect(base.distribution.map((d) => d.count)).toEqual([237, 63]);
    expect(base.cooperation!.method).toBe('wilson');
    expect(base.cooperation!.low).toBeCloseTo(0.74039, 4);
    expect(base.cooperation!.high).toBeCloseTo(0.83228, 4);
    const teacher = group(paper, 'split=oos-context,context=sports').models.find((m) => m.model === 'llama2-70b-chat')!;
    // sports: the teacher chose C 37 times in 1200 answers.
    expect(teacher.cooperation!.value).toBeCloseTo(37 / 1200, 12);
  });

  it('measures distances to the teacher for base and student, not for the teacher', () => {
    const row = scenario(paper, 'oos-context', 'sports/prisoners-dilemma');
    const [base, student, teacher] = row.models;
    // Teacher 0 of 300 C: TV is the student's C share, 208/300.
    expect(student!.tv!.value).toBeCloseTo(208 / 300, 12);
    expect(base!.tv!.value).toBeCloseTo(239 / 300, 12);
    expect(student!.tv!.low!).toBeLessThanOrEqual(student!.tv!.high!);
    expect(teacher!.tv).toBeNull();
  });

  it('groups by split, and by game and context within each split', () => {
    const labels = paper.groups.map((g) => g.label);
    expect(labels.slice(0, 2)).toEqual(['overall', 'split=in-sample']);
    expect(labels).toContain('split=in-sample,game=stag-hunt');
    expect(labels).toContain('split=oos-context,context=venture-capital');
    expect(labels).toHaveLength(1 + 2 + 4 + 5 + 4 + 3);
    expect(group(paper, 'split=in-sample,context=team').scenarios).toBe(4);
  });

  it('profile correlation tells the shifted student from the teacher-shaped one', () => {
    const g = group(paper, 'split=in-sample');
    const base = g.models.find((m) => m.model === 'llama2-7b-chat')!;
    const student = g.models.find((m) => m.model === 'llama2-7b-chat-lfb-lora')!;
    expect(base.profileCorrelation!.value!).toBeLessThan(0);
    expect(student.profileCorrelation!.value!).toBeGreaterThan(base.profileCorrelation!.value!);
  });

  it('labels recorded counts as such and says the answer totals differ', () => {
    expect(paper.models.map((m) => m.sourceLabel)).toEqual(['recorded counts', 'recorded counts', 'recorded counts']);
    expect(paper.notes.join('\n')).toMatch(/range from 295 to 300/);
    expect(paper.schema).toBe('stratalign.report/v1');
  });

  it('is reproducible from its seed; another seed moves intervals, never point values', () => {
    expect(JSON.stringify(reportOf(PAPER))).toBe(JSON.stringify(paper));
    const other = reportOf(PAPER, { seed: 'other' });
    const a = group(paper, 'split=in-sample').students[0]!.pooledGapClosure;
    const b = group(other, 'split=in-sample').students[0]!.pooledGapClosure;
    expect(b.value).toBe(a.value);
    expect(b.low).not.toBe(a.low);
  });
});

describe('model selection', () => {
  it('takes labels instead of roles, e.g. the base as the student', () => {
    const r = reportOf(PAPER, { models: { base: 'llama2-7b-chat-lfb-lora', students: ['llama2-7b-chat'] } });
    expect(r.models.map((m) => `${m.role}:${m.label}`)).toEqual(['base:llama2-7b-chat-lfb-lora', 'student:llama2-7b-chat', 'teacher:llama2-70b-chat']);
  });

  it('names the models there are when a label is unknown', () => {
    try {
      reportOf(PAPER, { models: { students: ['gpt-5'] } });
      expect.unreachable();
    } catch (err) {
      expect(isStratalignError(err)).toBe(true);
      expect((err as Error).message).toMatch(/--student.*"gpt-5".*llama2-70b-chat \(teacher\)/);
    }
  });

  it('refuses one model in two roles', () => {
    expect(() => reportOf(PAPER, { models: { base: 'llama2-70b-chat' } })).toThrow(/two roles/);
  });

  it('refuses too few bootstrap resamples', () => {
    expect(() => reportOf(PAPER, { resamples: 20 })).toThrow(/at least 200/);
  });
});

describe('payoff sensitivity with doubled variants', () => {
  const r = reportOf('test/fixtures/report/doubled-counts.csv');

  it('pairs each x2 scenario with its x1 scenario and counts significant changes per model', () => {
    expect(r.payoffSensitivity!.pairs.map((p) => `${p.scenario} -> ${p.scaledScenario}`)).toEqual([
      'business/prisoners-dilemma -> business/prisoners-dilemma@x2',
      'team/stag-hunt -> team/stag-hunt@x2',
      'international-relations/prisoners-delight -> international-relations/prisoners-delight@x2',
    ]);
    expect(r.payoffSensitivity!.perModel).toEqual([
      { model: 'base-7b', pairs: 3, changed: 0 },
      { model: 'student-7b', pairs: 3, changed: 1 },
      { model: 'teacher-70b', pairs: 3, changed: 2 },
    ]);
  });

  it('uses the two-proportion test on x2 against x1', () => {
    const teacher = r.payoffSensitivity!.pairs[0]!.models.find((m) => m.model === 'teacher-70b')!;
    expect(teacher.share).toBeCloseTo(0.3, 12);
    expect(teacher.scaledShare).toBeCloseTo(160 / 300, 12);
    expect(teacher.test.pValue).toBeCloseTo(twoProportionTest(160, 300, 90, 300).pValue, 12);
  });

  it('is absent without doubled variants', () => {
    expect(paper.payoffSensitivity).toBeNull();
  });
});

describe('numeric answers (public goods)', () => {
  const r = reportOf('test/fixtures/report/public-goods-counts.csv');
  const biz = scenario(r, 'pg', 'business/public-goods');

  it("computes the paper's metric on mean donations: (5.92 - 5.49) / (7.00 - 5.49) = 28.48 %", () => {
    expect(biz.models.map((m) => m.mean!.value)).toEqual([5.49, 5.92, 7]);
    expect(biz.students[0]!.paperImprovement).toBeCloseTo((100 * 0.43) / 1.51, 10);
    expect(biz.gap!.test.method).toBe("Welch's t-test");
  });

  it('measures distance between the full distributions, which the means hide', () => {
    const [base, student] = biz.models;
    // Student {5: .08, 6: .92}, teacher {6: .3, 7: .4, 8: .3}: (0.08 + 0.62 + 0.4 + 0.3) / 2 = 0.7;
    // the base {5: .51, 6: .49} is just as far, though its mean is further away.
    expect(student!.tv!.value).toBeCloseTo(0.7, 12);
    expect(base!.tv!.value).toBeCloseTo(0.7, 12);
    expect(student!.js!.value).toBeCloseTo(0.713528, 6);
    expect(base!.js!.value).toBeCloseTo(0.788444, 6);
  });

  it('gives a t interval for each mean and says how numeric answers are scored', () => {
    const student = biz.models[1]!;
    expect(student.mean!.method).toBe('student-t');
    expect(student.mean!.low!).toBeLessThan(5.92);
    expect(r.notes.join('\n')).toMatch(/mean answers/);
  });
});

describe('incomplete and unparseable data', () => {
  it('leaves a scenario a model did not answer out of that model\'s metrics, and says so', () => {
    const tallies = readCountsTable(PAPER, catalogue).filter((t) => !(t.role === 'fine-tuned' && t.scenario === 'team/prisoners-delight'));
    const r = buildReport({ tallies, inputs: [{ file: PAPER, kind: 'counts-table' }] }, OPTIONS, catalogue);
    const s = group(r, 'split=in-sample').students[0]!;
    expect(s.scenarios).toBe(19);
    expect(s.paperImprovement.used).toBe(19);
    // Without the 200 % scenario the in-sample mean drops: (46.26 * 20 - 200) / 19.
    expect(s.paperImprovement.value).toBeCloseTo((paper.groups[1]!.students[0]!.paperImprovement.value! * 20 - 200) / 19, 10);
    expect(r.notes).toContain('in-sample team/prisoners-delight: no answers of llama2-7b-chat-lfb-lora; the scenario is left out of every metric that needs llama2-7b-chat-lfb-lora.');
  });

  it('counts parse failures apart: they lower the parse rate, never the cooperation share', () => {
    const tallies = readCountsTable(PAPER, catalogue).map((t) => (t.role === 'fine-tuned' && t.scenario === 'business/stag-hunt' ? { ...t, failures: { refusal: 30 } } : t));
    const r = buildReport({ tallies, inputs: [{ file: PAPER, kind: 'counts-table' }] }, OPTIONS, catalogue);
    const cell = scenario(r, 'in-sample', 'business/stag-hunt').models[1]!;
    expect(cell.failures).toBe(30);
    expect(cell.cooperation!.value).toBeCloseTo(214 / 300, 12);
    const student = group(r, 'split=in-sample,context=business').models[1]!;
    expect(student.parseRate.value).toBeCloseTo(1200 / 1230, 12);
    expect(student.parseRate.high!).toBeLessThan(1);
  });
});
