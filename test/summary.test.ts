import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import { referenceFromTallies } from '../src/recordings/reference/read-reference.js';
import { ENVELOPE_TAG, formatEnvelope, type SampleEnvelope } from '../src/answers/samples/envelope.js';
import { agreementByModel } from '../src/report/summary/model-summary.js';
import { alignmentReference } from '../src/report/summary/reference-config.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { summariseEval } from '../src/report/summary/summarise-eval.js';

const catalogue = defaultCatalogue();
const resolveId = (name: string) => resolveScenario(catalogue, name).id;
const paper = readCountsTable('datasets/recordings/lfb-counts.csv', catalogue);

/** A promptfoo result row as the afterAll hook receives it. */
function row(label: string, role: string, scenario: string, output: string | null, error?: string) {
  return {
    provider: { id: 'file://providers/x.ts', label },
    vars: { scenario, split: 'in-sample' },
    response: output === null ? undefined : { output, metadata: { stratalign: { role } } },
    ...(error ? { error, failureReason: 2 } : { failureReason: 0 }),
  };
}

function envelope(
  samples: SampleEnvelope['samples'],
  missing: SampleEnvelope['missing'] = { count: 0, reasons: [] },
): string {
  return formatEnvelope({
    stratalign: ENVELOPE_TAG,
    note: 'n',
    source: 'live',
    mode: 'multi',
    scenario: 'business/prisoners-dilemma',
    model: 'm',
    role: null,
    requested: samples.length + missing.count,
    samples,
    missing,
  });
}

describe('teacher agreement', () => {
  it('is highest for the teacher against its own distribution', () => {
    const reference = referenceFromTallies(paper, { role: 'teacher' }, { origin: 'lfb', catalogue: catalogue.version });
    const a = agreementByModel(paper, reference, catalogue);
    expect(a.get('llama2-70b-chat')!).toBeGreaterThan(a.get('llama2-7b-chat-lfb-lora')!);
    expect(a.get('llama2-7b-chat-lfb-lora')!).toBeGreaterThan(a.get('llama2-7b-chat')!);
    // For one scenario by hand: IR/prisoners-dilemma, teacher 77/300 C; agreement with itself = q^2 + (1-q)^2.
    const one = paper.filter((t) => t.scenario === 'international-relations/prisoners-dilemma' && t.role === 'teacher');
    const q = 77 / 300;
    expect(agreementByModel(one, reference, catalogue).get('llama2-70b-chat')).toBeCloseTo(
      q * q + (1 - q) * (1 - q),
      12,
    );
  });
});

describe('end-of-eval summary', () => {
  it('counts answers as convert does and computes the paper metric on them', async () => {
    // base 2 C of 2, student 1 C of 2, teacher 0 C of 2 in one scenario: improvement = (1-2)/(0-2) = 50 %.
    const rows = [
      row('b', 'base', 'biz/prison', envelope([{ text: 'C' }, { text: 'Answer: C' }])),
      row('s', 'fine-tuned', 'biz/prison', envelope([{ text: 'C' }, { text: 'D' }])),
      row('t', 'teacher', 'biz/prison', envelope([{ text: 'D' }, { text: 'I choose D.' }])),
    ];
    const out = await summariseEval(rows, null, catalogue);
    expect(out.lostAnswers).toBe(0);
    expect(out.text).toMatch(/in-sample, s: 50\.00 % over 1 scenarios/);
    expect(out.text).toContain('teacher agreement: n/a');
  });

  it('counts provider errors and missing samples as lost, exhausted replays not', async () => {
    const rows = [
      row(
        'b',
        'base',
        'biz/prison',
        envelope([{ text: 'C' }, { text: 'I refuse.' }], {
          count: 3,
          reasons: ['HTTP 503', 'recording exhausted: ...'],
          exhausted: 2,
        }),
      ),
      row('b', 'base', 'biz/prison', null, 'connection refused'),
    ];
    const out = await summariseEval(rows, null, catalogue);
    expect(out.lostAnswers).toBe(2);
    expect(out.text).toMatch(/LOST ANSWERS: 1 provider error row\(s\) and 1 missing sample\(s\)/);
    expect(out.text).toMatch(/note: 2 answer\(s\) were asked of replays past the end/);
  });

  it(
    'counts every answer an error row asked for, from its metadata; a row that does not ' + 'say counts as one',
    async () => {
      const lostFour = {
        ...row('s', 'base', 'biz/prison', null, 'no answer recorded for any of 4 samples'),
        response: {
          metadata: { stratalign: { requested: 4, recorded: 0, missing: { count: 4, reasons: ['4× 400 error'] } } },
        },
      };
      const silent = row('s', 'base', 'team/delight', null, 'crashed');
      const out = await summariseEval(
        [
          lostFour,
          silent,
          row('s', 'base', 'biz/prison', envelope([{ text: 'C' }], { count: 2, reasons: ['2× 503'] })),
        ],
        null,
        catalogue,
      );
      expect(out.lostAnswers).toBe(4 + 1 + 2);
      expect(out.text).toContain(
        'LOST ANSWERS: 2 provider error row(s) and 2 missing sample(s) in this eval: 7 answer(s) lost in all (5 of ' +
          'them asked for by the error rows); 1 error row(s) did not say how many answers they asked for and ' +
          'count as 1 each',
      );
    },
  );

  it('counts a log-probability row as the distribution it is scored on, not the token it sampled', async () => {
    // Every row sampled "C", but each reading says P(C) = 0.7: cooperation is 70 %, not 100 %.
    const reading = (scenario: string) =>
      formatEnvelope({
        stratalign: ENVELOPE_TAG,
        note: 'n',
        source: 'live',
        mode: 'logprobs',
        scenario,
        model: 'm',
        role: null,
        requested: 1,
        samples: [{ text: 'C' }],
        missing: { count: 0, reasons: [] },
        distribution: { probabilities: { C: 0.7, D: 0.3 }, otherMass: 0.02 },
      });
    const rows = ['biz/prison', 'team/delight', 'IR/staghunt'].map((scenario) =>
      row('lp', 'base', scenario, reading(resolveId(scenario))),
    );
    const out = await summariseEval(rows, null, catalogue);
    expect(out.text).toMatch(/^lp\s+base\s+live \(log-probability readings\)\s+3\s+0\s+70\.0 %/m);
  });

  it('fails, saying why, when no row is a stratalign row', async () => {
    const out = await summariseEval(
      [{ provider: { label: 'x' }, vars: {}, response: { output: 'C' } }],
      null,
      catalogue,
    );
    expect(out.error).toMatch(/none of the eval's rows could be read \(1 skipped; first: result row 1: .*scenario/);
  });

  it('skips rows of other tests, says so, and summarises the rest', async () => {
    const other = { provider: { label: 'x' }, vars: { question: 'hi' }, response: { output: 'hello' } };
    const out = await summariseEval([row('b', 'base', 'biz/prison', 'C'), other], null, catalogue);
    expect(out.error).toBeUndefined();
    expect(out.lostAnswers).toBe(0);
    expect(out.text).toMatch(/SKIPPED 1 result row\(s\) that are not stratalign rows \(first: result row 2: /);
    expect(out.text).toMatch(/^b\s+base\s+live\s+1\s+0\s+100\.0 %/m);
  });

  it('flags splits whose base-teacher gaps are not significant', async () => {
    // 1 C of 2 for base and teacher: no gap at all, so the paper metric is undefined and the gap n.s.
    const rows = [
      row('b', 'base', 'biz/prison', envelope([{ text: 'C' }, { text: 'D' }])),
      row('s', 'fine-tuned', 'biz/prison', envelope([{ text: 'C' }, { text: 'C' }])),
      row('t', 'teacher', 'biz/prison', envelope([{ text: 'D' }, { text: 'C' }])),
    ];
    const out = await summariseEval(rows, null, catalogue);
    expect(out.text).toMatch(/1 scenario\(s\) with a base-teacher gap that is not significant/);
  });

  it('strips terminal control sequences and line breaks from labels', async () => {
    const evil = 'evil\u001b[2J\nPASS label';
    const out = await summariseEval([row(evil, 'base', 'biz/prison', 'C')], null, catalogue);
    expect(out.text).not.toContain('\u001b');
    expect(out.text).not.toMatch(/^PASS label/m);
  });
});

describe('finding the alignment reference in a config', () => {
  it('takes the alignment assertion only, and counts conflicting ones', () => {
    const found = alignmentReference([
      { value: 'file://assertions/other.ts:alignmentish', config: { reference: 'x.csv' } },
      { value: 'file://assertions/alignment.ts:alignment', config: { reference: 'a.csv', referenceModel: 'm' } },
      { value: 'file:///abs/assertions/alignment.ts:alignment', config: { reference: 'b.csv' } },
    ]);
    expect(found).toEqual({ file: 'a.csv', selector: { model: 'm' }, others: 1 });
  });
});

describe('summary without a full comparison', () => {
  it('still shows per-model answers and cooperation when no teacher is in the eval', async () => {
    const out = await summariseEval(
      [
        row(
          'only',
          'fine-tuned',
          'biz/prison',
          envelope([{ text: 'C' }, { text: 'C' }, { text: 'D' }, { text: 'maybe' }]),
        ),
      ],
      null,
      catalogue,
    );
    expect(out.summary?.error).toBeDefined();
    // 2 C of 3 valid answers; the unparseable one is counted apart.
    expect(out.text).toMatch(/only\s+fine-tuned\s+live\s+3\s+1\s+66\.7 %/);
    expect(out.text).toMatch(/no base \/ fine-tuned \/ teacher comparison: .*roles in this eval: fine-tuned/);
    expect(out.lostAnswers).toBe(0);
  });

  it('says so when promptfoo passes no rows', async () => {
    const out = await summariseEval([], null, catalogue);
    expect(out).toMatchObject({ lostAnswers: 0, summary: null });
    expect(out.error).toBeUndefined();
    expect(out.text).toMatch(/no result rows/);
  });
});
