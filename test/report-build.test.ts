import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { isStratalignError } from '../src/shared/errors.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import { buildReport, type ReportOptions } from '../src/report/build-report.js';
import { parseCheckFlag } from '../src/report/gate/checks.js';
import { evaluateChecks } from '../src/report/gate/evaluate.js';
import { ZERO_WIDTH } from '../src/report/estimate.js';
import type { Estimate, Report } from '../src/report/types.js';
import { twoProportionTest } from '../src/stats/two-proportion.js';

const catalogue = defaultCatalogue();
const PAPER = 'datasets/recordings/lfb-counts.csv';
const OPTIONS: ReportOptions = { models: {}, proportionInterval: 'wilson', resamples: 400, seed: 'test' };

function reportOf(file: string, options: Partial<ReportOptions> = {}): Report {
  return buildReport(
    { tallies: readCountsTable(file, catalogue), inputs: [{ file, kind: 'counts-table' }] },
    { ...OPTIONS, ...options },
    catalogue,
  );
}

const paper = reportOf(PAPER);
const three = reportOf('test/fixtures/report/three-scenarios.csv');
const group = (r: Report, label: string) => r.groups.find((g) => g.label === label)!;
const scenario = (r: Report, split: string, id: string) =>
  r.scenarios.find((s) => s.split === split && s.scenario === id)!;

/** Every estimate of a report that has an interval. */
function estimatesOf(r: Report): Estimate[] {
  const all: (Estimate | null)[] = [];
  for (const row of r.scenarios) for (const m of row.models) all.push(m.cooperation, m.mean, m.tv, m.js);
  for (const g of r.groups) {
    for (const m of g.models) all.push(m.parseRate, m.cooperation, m.tv, m.js, m.profileCorrelation);
    for (const st of g.students) all.push(st.pooledGapClosure, st.absoluteGapClosure);
  }
  return all.filter((e): e is Estimate => e !== null && e.value !== null && e.low !== null && e.high !== null);
}

/** The paper's counts with the fine-tuned student answering exactly as the teacher did. */
function identicalTallies() {
  const tallies = readCountsTable(PAPER, catalogue);
  const teacher = new Map(tallies.filter((t) => t.role === 'teacher').map((t) => [`${t.split}/${t.scenario}`, t]));
  return tallies.map((t) =>
    t.role === 'fine-tuned' ? { ...t, counts: { ...teacher.get(`${t.split}/${t.scenario}`)!.counts } } : t,
  );
}

describe("a student whose answers equal the teacher's", () => {
  const r = buildReport(
    { tallies: identicalTallies(), inputs: [{ file: 'identical.csv', kind: 'counts-table' }] },
    OPTIONS,
    catalogue,
  );

  it('gets intervals that contain the estimate: distance 0, closures 100 %, correlation 1', () => {
    const all = estimatesOf(r);
    expect(all.length).toBeGreaterThan(200);
    for (const e of all) {
      expect(e.low!).toBeLessThanOrEqual(e.value!);
      expect(e.high!).toBeGreaterThanOrEqual(e.value!);
    }
    const overall = group(r, 'overall');
    const student = overall.models.find((m) => m.model === 'llama2-7b-chat-lfb-lora')!;
    expect(student.tv).toMatchObject({ value: 0, low: 0, high: 0 });
    expect(student.js).toMatchObject({ value: 0, low: 0, high: 0 });
    // Zero width is explained, never presented as certainty.
    expect(student.tv!.note).toBe(ZERO_WIDTH.belowNoise);
    expect(student.profileCorrelation!.value).toBeCloseTo(1, 12);
    const closures = overall.students[0]!;
    expect(closures.absoluteGapClosure).toMatchObject({ value: 100, high: 100 });
    expect(closures.pooledGapClosure.value).toBeCloseTo(100, 10);
    expect(closures.pooledGapClosure.low!).toBeLessThan(100);
  });

  it('passes a tight gate on the upper bound of its TV distance', () => {
    const checks = [
      parseCheckFlag('--max', 'tv-distance.upper=0.05'),
      parseCheckFlag('--max', 'tv-distance.upper@split=*=0.05'),
    ];
    const outcomes = evaluateChecks(checks, { report: r, lost: null, defaultBound: 'point' });
    expect(outcomes).toHaveLength(3);
    for (const o of outcomes) {
      expect(o.value).toBe(0);
      expect(o.pass).toBe(true);
    }
  });
});

describe('the report on three hand-computed scenarios', () => {
  // Shares of valid answers (the student has 50 in s3, and 5 refusals there):
  //   business/prisoners-dilemma  base .8  student .6   teacher .4
  //   team/stag-hunt              base .5  student .55  teacher .6
  //   friends/snowdrift           base .7  student .6   teacher .2
  const s = group(three, 'split=in-sample').students[0]!;

  it(
    "computes the paper's metric on shares: (-.2/-.4, .05/.1, -.1/-.5) = (50, 50, 20) %, mean 40 %; on counts, " +
      'as published, 60 %',
    () => {
      // The friends student answered 50 times, the others 100: on counts (-40/-50) its scenario reads 80 %.
      expect(s.paperImprovement.value).toBeCloseTo(40, 10);
      expect(s.paperImprovement).toMatchObject({ used: 3, undefinedScenarios: [], asPublished: { used: 3 } });
      expect(s.paperImprovement.asPublished.value).toBeCloseTo(60, 10);
      expect(three.scenarios.map((row) => row.students[0]!.paperImprovement)).toEqual([
        expect.closeTo(50, 10),
        expect.closeTo(50, 10),
        expect.closeTo(20, 10),
      ]);
      expect(three.scenarios.map((row) => row.students[0]!.paperImprovementAsPublished)).toEqual([50, 50, 80]);
    },
  );

  it(
    'computes the companions on shares: pooled 100 * -0.25 / -0.8 = 31.25 %, absolute 100 * (1 - 0.65 / 1.0) = ' +
      '35 %, mean absolute (50 + 50 + 20) / 3 = 40 %',
    () => {
      expect(s.pooledGapClosure.value).toBeCloseTo(31.25, 10);
      expect(s.absoluteGapClosure.value).toBeCloseTo(35, 10);
      expect(s.meanAbsoluteClosure).toBeCloseTo(40, 10);
    },
  );

  it('measures TV per scenario as the difference in C shares: .2, .05, .4', () => {
    expect(three.scenarios.map((row) => row.models[1]!.tv!.value)).toEqual([
      expect.closeTo(0.2, 12),
      expect.closeTo(0.05, 12),
      expect.closeTo(0.4, 12),
    ]);
    // The group keeps the plug-in mean and shows a median-unbiased value: noise only ever adds distance.
    const tv = group(three, 'overall').models[1]!.tv!;
    expect(tv.plugIn).toBeCloseTo(0.65 / 3, 12);
    expect(tv.value!).toBeLessThanOrEqual(tv.plugIn!);
    expect(tv.value!).toBeGreaterThan(0.19);
    expect(tv.low!).toBeLessThanOrEqual(tv.value!);
    expect(tv.high!).toBeGreaterThanOrEqual(tv.value!);
  });
});

describe('report on the paper counts', () => {
  it(
    "reproduces the paper's headline per split as published (on counts: 46.26 % in-sample, 17.90 % new " +
      'contexts) beside the shares value (46.65 %, 18.26 %)',
    () => {
      expect(group(paper, 'split=in-sample').students[0]!.paperImprovement.asPublished.value!.toFixed(2)).toBe('46.26');
      expect(group(paper, 'split=oos-context').students[0]!.paperImprovement.asPublished.value!.toFixed(2)).toBe(
        '17.90',
      );
      expect(group(paper, 'split=in-sample').students[0]!.paperImprovement.value!.toFixed(2)).toBe('46.65');
      expect(group(paper, 'split=oos-context').students[0]!.paperImprovement.value!.toFixed(2)).toBe('18.26');
    },
  );

  it(
    'shows pooled closure (35.0 %, as published) and absolute closure with basic bootstrap ' + 'intervals around them',
    () => {
      const s = group(paper, 'split=in-sample').students[0]!;
      expect(s.pooledGapClosure.value!.toFixed(1)).toBe('35.0');
      expect(s.pooledGapClosure.method).toBe('bootstrap-basic');
      expect(s.pooledGapClosure.low!).toBeLessThan(35);
      expect(s.pooledGapClosure.high!).toBeGreaterThan(35);
      expect(s.absoluteGapClosure.low!).toBeLessThan(s.absoluteGapClosure.value!);
      expect(s.absoluteGapClosure.high!).toBeGreaterThan(s.absoluteGapClosure.value!);
      // DESIGN.md quotes 33.6 % for the per-scenario mean.
      expect(s.meanAbsoluteClosure!.toFixed(1)).toBe('33.6');
    },
  );

  it('keeps every interval around its estimate and inside its range', () => {
    for (const e of estimatesOf(paper)) {
      expect(e.low!).toBeLessThanOrEqual(e.value!);
      expect(e.high!).toBeGreaterThanOrEqual(e.value!);
    }
    for (const g of paper.groups)
      for (const m of g.models) if (m.tv?.low != null) expect(m.tv.low).toBeGreaterThanOrEqual(0);
  });

  it('flags team / prisoners-delight: 200 % from a base-teacher gap that is not significant', () => {
    const row = scenario(paper, 'in-sample', 'team/prisoners-delight');
    expect(row.students[0]!.paperImprovement).toBeCloseTo(200, 9);
    expect(row.students[0]!.paperImprovementAsPublished).toBe(200);
    expect(row.gap!.significant).toBe(false);
    expect(row.gap!.test.pValue).toBeCloseTo(twoProportionTest(237, 300, 230, 300).pValue, 12);
    expect(group(paper, 'split=in-sample').nonSignificantGaps).toContainEqual({
      split: 'in-sample',
      scenario: 'team/prisoners-delight',
    });
    expect(scenario(paper, 'in-sample', 'business/prisoners-dilemma').gap!.significant).toBe(true);
  });

  it('gives every model a Wilson interval per action and per group', () => {
    const base = scenario(paper, 'in-sample', 'team/prisoners-delight').models.find(
      (m) => m.model === 'llama2-7b-chat',
    )!;
    expect(base.distribution.map((d) => d.count)).toEqual([237, 63]);
    expect(base.cooperation!.method).toBe('wilson');
    // Wilson's ends are the two roots of (p̂ - p)² = z² p (1 - p) / n, here p̂ = 237/300, z = 1.959964, n = 300.
    const z = 1.959964;
    for (const p of [base.cooperation!.low!, base.cooperation!.high!])
      expect((237 / 300 - p) ** 2).toBeCloseTo((z * z * p * (1 - p)) / 300, 7);
    expect(base.cooperation!.low!).toBeLessThan(237 / 300);
    expect(base.cooperation!.high!).toBeGreaterThan(237 / 300);
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
    expect(paper.schema).toBe('stratalign.report/v3');
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
    expect(r.models.map((m) => `${m.role}:${m.label}`)).toEqual([
      'base:llama2-7b-chat-lfb-lora',
      'student:llama2-7b-chat',
      'teacher:llama2-70b-chat',
    ]);
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
    expect(student!.tv!.plugIn).toBeCloseTo(0.7, 12);
    expect(base!.tv!.plugIn).toBeCloseTo(0.7, 12);
    // Far from 0 the noise adds almost nothing: the median-unbiased value is the plug-in to 0.01.
    expect(student!.tv!.value!).toBeCloseTo(0.7, 2);
    expect(student!.tv!.method).toMatch(/test-inversion/);
    // JS divergence in bits = (KL(P||M) + KL(Q||M)) / 2 with M the average. Student: M = {5: .04, 6: .61, 7: .2, 8:
    // .15},
    // KL(P||M) = .08 log2(.08/.04) + .92 log2(.92/.61), KL(Q||M) = .3 log2(.3/.61) + .4 log2(.4/.2) + .3 log2(.3/.15).
    const studentJs = Math.sqrt((0.08 + 0.92 * Math.log2(0.92 / 0.61) + 0.3 * Math.log2(0.3 / 0.61) + 0.4 + 0.3) / 2);
    // Base: M = {5: .255, 6: .395, 7: .2, 8: .15}; KL(P||M) = .51 log2(2) + .49 log2(.49/.395), KL(Q||M) = .3
    // log2(.3/.395) + .4 + .3.
    const baseJs = Math.sqrt((0.51 + 0.49 * Math.log2(0.49 / 0.395) + 0.3 * Math.log2(0.3 / 0.395) + 0.4 + 0.3) / 2);
    expect(studentJs).toBeCloseTo(0.71352, 4);
    expect(student!.js!.value).toBeCloseTo(studentJs, 12);
    expect(base!.js!.value).toBeCloseTo(baseJs, 12);
  });

  it('gives a t interval for each mean and says how numeric answers are scored', () => {
    const student = biz.models[1]!;
    expect(student.mean!.method).toBe('student-t');
    expect(student.mean!.low!).toBeLessThan(5.92);
    expect(r.notes.join('\n')).toMatch(/mean answers/);
  });
});

describe('incomplete and unparseable data', () => {
  it("leaves a scenario a model did not answer out of that model's metrics, and says so", () => {
    const tallies = readCountsTable(PAPER, catalogue).filter(
      (t) => !(t.role === 'fine-tuned' && t.scenario === 'team/prisoners-delight'),
    );
    const r = buildReport({ tallies, inputs: [{ file: PAPER, kind: 'counts-table' }] }, OPTIONS, catalogue);
    const s = group(r, 'split=in-sample').students[0]!;
    expect(s.scenarios).toBe(19);
    expect(s.paperImprovement.used).toBe(19);
    // Without the 200 % scenario the in-sample mean drops: (46.26 * 20 - 200) / 19.
    expect(s.paperImprovement.value).toBeCloseTo(
      (paper.groups[1]!.students[0]!.paperImprovement.value! * 20 - 200) / 19,
      10,
    );
    expect(r.notes).toContain(
      'in-sample team/prisoners-delight: no answers of llama2-7b-chat-lfb-lora; the scenario is left out of ' +
        'every metric that needs llama2-7b-chat-lfb-lora.',
    );
  });

  it('counts parse failures apart: they lower the parse rate, never the cooperation share', () => {
    // Failures recorded everywhere (0 unless set), so a parse rate exists.
    const tallies = readCountsTable(PAPER, catalogue).map((t) => ({
      ...t,
      failuresRecorded: true,
      failures: t.role === 'fine-tuned' && t.scenario === 'business/stag-hunt' ? { refusal: 30 } : {},
    }));
    const r = buildReport({ tallies, inputs: [{ file: PAPER, kind: 'counts-table' }] }, OPTIONS, catalogue);
    const cell = scenario(r, 'in-sample', 'business/stag-hunt').models[1]!;
    expect(cell.failures).toBe(30);
    expect(cell.cooperation!.value).toBeCloseTo(214 / 300, 12);
    const student = group(r, 'split=in-sample,context=business').models[1]!;
    expect(student.parseRate!.value).toBeCloseTo(1200 / 1230, 12);
    expect(student.parseRate!.high!).toBeLessThan(1);
  });

  it('knows no parse rate for a counts table without failure columns: unknown, not 100 %', () => {
    const g = group(paper, 'overall');
    for (const m of g.models) {
      expect(m.failures).toBeNull();
      expect(m.parseRate).toBeNull();
    }
    expect(scenario(paper, 'in-sample', 'team/stag-hunt').models[0]!.failures).toBeNull();
    expect(paper.notes.join('\n')).toMatch(
      /Parse failures are not recorded in the data of llama2-7b-chat, llama2-7b-chat-lfb-lora, llama2-70b-chat/,
    );
  });

  it('computes a parse rate where failure columns are filled', () => {
    const student = group(three, 'overall').models[1]!;
    expect(student.failures).toBe(5);
    // 100 + 100 + 50 valid answers and 5 refusals: 250 / 255.
    expect(student.parseRate!.value).toBeCloseTo(250 / 255, 12);
  });
});
