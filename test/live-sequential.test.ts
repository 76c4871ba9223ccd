// Sequential mode in the live core: config errors, batch drawing, accounting, the envelope it
// writes and how the alignment assertion reads it. The SDK paths are in providers-sequential.test.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { LiveProviderCore } from '../src/sources/live/live-provider.js';
import { parseLiveConfig, type ProviderKind } from '../src/sources/live/provider-config.js';
import type { ChatTransport, CompletionRequest, CompletionResult } from '../src/sources/live/transport.js';
import type { ReferenceEntry } from '../src/recordings/reference/reference.js';
import { readEnvelope, type SampleEnvelope } from '../src/answers/samples/envelope.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { parseAlignmentConfig } from '../src/eval/scoring/assertion-config.js';
import { assessOutput } from '../src/eval/scoring/assess-output.js';
import { drawInBatches, runSequential, sequentialDecision, type BatchOutcome } from '../src/eval/sequential/index.js';
import { useTempDirs } from './helpers/temp-dir.js';
import { errorOf } from './helpers/error-of.js';

const catalogue = defaultCatalogue();
const tempDir = useTempDirs();
const COUNTS = 'datasets/recordings/lfb-counts.csv';
// The paper's teacher on IR/prisoners-dilemma: 77 C of 300 answers.
const TEACHER_SHARE = 77 / 300;
const GATE = { reference: COUNTS, tolerance: 0.1, cap: 300 };
const parse = (config: Record<string, unknown>, kind: ProviderKind = 'openai-compatible') =>
  parseLiveConfig(
    { model: 'm', protocol: 'letter-only', ...(kind === 'anthropic' ? { max_tokens: 5 } : {}), ...config },
    kind,
    'file://providers/x.ts',
    catalogue,
  );

describe('mode sequential: config', () => {
  it('fills the documented defaults and infers the mode from the sequential block', () => {
    const c = parse({ sequential: GATE });
    expect(c.mode).toBe('sequential');
    expect(c.sequential).toEqual({
      reference: COUNTS,
      selector: { role: 'teacher' },
      tolerance: 0.1,
      level: 0.95,
      batch: 10,
      cap: 300,
      design: 'group-sequential',
      referenceExact: false,
    });
    expect(
      parse({
        mode: 'sequential',
        sequential: { ...GATE, referenceModel: 'llama2-70b-chat', level: 0.9, batch: 25, targetHalfWidth: 0.05 },
      }).sequential,
    ).toEqual({
      reference: COUNTS,
      selector: { model: 'llama2-70b-chat' },
      tolerance: 0.1,
      level: 0.9,
      batch: 25,
      cap: 300,
      targetHalfWidth: 0.05,
      design: 'group-sequential',
      referenceExact: false,
    });
    expect(parse({ sequential: { ...GATE, design: 'always-valid', referenceExact: true } }).sequential).toMatchObject({
      design: 'always-valid',
      referenceExact: true,
    });
    expect(parse({ mode: 'sequential', sequential: GATE }, 'anthropic').mode).toBe('sequential');
  });

  it.each([
    [
      { mode: 'sequential' },
      'config.sequential',
      'mode sequential needs a sequential block',
      'tolerance: 0.1, cap: 300',
    ],
    [
      { sequential: GATE, samples: 50 },
      'config.samples',
      'a fixed number of samples does not apply',
      'sequential.cap limits the calls per row',
    ],
    [
      { mode: 'multi', samples: 5, sequential: GATE },
      'config.mode',
      'only applies to mode sequential',
      'set mode: sequential',
    ],
    [
      { sequential: { ...GATE, tolerence: 0.1 } },
      'config.sequential.tolerence',
      'unknown key',
      'did you mean tolerance?',
    ],
    [{ sequential: { ...GATE, tolerance: 1.5 } }, 'config.sequential.tolerance', 'Too big', 'strictly between 0 and 1'],
    [
      { sequential: { reference: COUNTS, tolerance: 0.1 } },
      'config.sequential.cap',
      'expected number',
      'the most calls per row',
    ],
    [{ sequential: { ...GATE, reference: '' } }, 'config.sequential.reference', 'Too small', 'reference .json'],
    [
      { sequential: { ...GATE, batch: 500 } },
      'config.sequential.batch',
      'larger than the cap of 300 calls',
      'at most 300',
    ],
    [{ sequential: { ...GATE, batch: 2.5 } }, 'config.sequential.batch', 'expected int', 'whole number'],
    [
      { sequential: { ...GATE, referenceRole: 'teacher', referenceModel: 'x' } },
      'config.sequential.referenceModel',
      'not both',
      'referenceRole',
    ],
    [
      { sequential: { ...GATE, targetHalfWidth: 0.5 } },
      'config.sequential.targetHalfWidth',
      'Too big',
      'between 0 and 0.5',
    ],
    [{ sequential: GATE, topLogprobs: 5 }, 'config.topLogprobs', 'only applies to mode logprobs', 'remove topLogprobs'],
  ])('rejects %j, naming the provider, the key and the fix', (config, field, problem, fix) => {
    const err = errorOf(() => parse(config));
    expect(err.message).toContain(`providers[file://providers/x.ts].${field}`);
    expect(err.problem).toContain(problem);
    expect(err.fix).toContain(fix);
  });

  it('accepts useN with sequential, which batches through `n` as multi mode does', () => {
    expect(parse({ sequential: GATE, useN: true }).useN).toBe(true);
    expect(errorOf(() => parse({ sequential: GATE, useN: true }, 'anthropic')).message).toContain(
      "Anthropic's API has no `n`",
    );
  });
});

describe('drawInBatches', () => {
  it('fetches exactly the batches runSequential draws, the last one cut at the cap', async () => {
    const asked: [number, number][] = [];
    const draw = drawInBatches(
      async (size, first) => {
        asked.push([size, first]);
        return Array.from({ length: size }, (_, i) => ((first + i) % 4 === 0 ? 'C' : 'D'));
      },
      { batch: 7, cap: 20 },
    );
    // A target no 20 answers can reach: the run goes to the cap.
    const run = await runSequential(draw, {
      level: 0.95,
      targetHalfWidth: 0.01,
      batch: 7,
      cap: 20,
      actions: ['C', 'D'],
    });
    expect(asked).toEqual([
      [7, 0],
      [7, 7],
      [6, 14],
    ]);
    expect(run.calls).toBe(20);
    // Answers 0, 4, 8, 12, 16 were C.
    expect(run.counts).toEqual({ C: 5, D: 15 });
  });

  it('turns a failed call into a rejected draw, so runSequential keeps the batch and stops', async () => {
    const outcomes: BatchOutcome[] = ['D', null, { failed: '503 server error' }, 'D'];
    const draw = drawInBatches(async (size) => outcomes.slice(0, size), { batch: 4, cap: 40 });
    const run = await runSequential(draw, {
      reference: 0.5,
      tolerance: 0.1,
      level: 0.95,
      batch: 4,
      cap: 40,
      actions: ['C', 'D'],
    });
    expect(run).toMatchObject({
      decision: 'stopped-by-error',
      calls: 4,
      samples: 2,
      failures: 1,
      error: '503 server error',
    });
  });
});

// An in-memory transport: the core's accounting without the SDKs.
function fakeTransport(answer: (request: CompletionRequest, index: number) => CompletionResult | Error) {
  const requests: CompletionRequest[] = [];
  const make = (): ChatTransport => ({
    complete: async (request) => {
      requests.push(request);
      const result = answer(request, requests.length - 1);
      if (result instanceof Error) throw result;
      return result;
    },
    faultOf: (error) => ({
      kind: 'http',
      status: 503,
      message: String((error as Error).message),
      retried: 2,
      retryAfterMs: null,
    }),
  });
  return { make, requests };
}
const texts = (...t: string[]): CompletionResult => ({
  choices: t.map((text) => ({ text, finishReason: 'stop' })),
  usage: { prompt: 10, completion: 1 },
});
const core = (config: Record<string, unknown>, fake: ReturnType<typeof fakeTransport>) =>
  new LiveProviderCore(
    parseLiveConfig(
      { model: 'm', protocol: 'letter-only', apiKeyEnv: null, ...config },
      'openai-compatible',
      'seq-test',
      catalogue,
    ),
    fake.make,
    catalogue,
    {},
  );

function envelopeOf(output: string | undefined): SampleEnvelope {
  const read = readEnvelope(output ?? '');
  if (read.kind !== 'envelope') throw new Error(`not an envelope: ${output}`);
  return read.envelope;
}

describe('mode sequential: the core', () => {
  it('stops as soon as the gate settles and accounts for every call', async () => {
    const fake = fakeTransport(() => texts('D'));
    const r = await core({ sequential: GATE, useN: false, seed: 500 }, fake).call({
      vars: { scenario: 'IR/prison' },
      repeatIndex: 1,
    });
    const e = envelopeOf(r.output);
    expect(e.sequential!.decision).toBe('settled-outside');
    expect(e.requested).toBe(fake.requests.length);
    expect(e.requested).toBeLessThan(300);
    expect(e.samples).toHaveLength(e.requested);
    // The first look at which the rule settles is where sampling stopped, and not one look later.
    const gate = { reference: TEACHER_SHARE, tolerance: 0.1, level: 0.95 };
    expect(sequentialDecision(0, e.requested, gate).verdict).toBe('settled-outside');
    expect(sequentialDecision(0, e.requested - 10, gate).verdict).toBe('continue');
    // Each repeat owns `cap` seeds, so repeat 1 starts at seed 500 + 300.
    expect(fake.requests.map((q) => q.seed).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: e.requested }, (_, i) => 800 + i),
    );
    expect(r.tokenUsage).toEqual({
      prompt: 10 * e.requested,
      completion: e.requested,
      total: 11 * e.requested,
      numRequests: e.requested,
    });
    expect(r.cost).toBe(0);
  });

  it('asks each batch with one `n` request when the server honours it', async () => {
    const fake = fakeTransport((request) => texts(...Array<string>(request.n).fill('D')));
    const e = envelopeOf(
      (await core({ sequential: { ...GATE, batch: 20 } }, fake).call({ vars: { scenario: 'IR/prison' } })).output,
    );
    expect(fake.requests.map((q) => q.n)).toEqual(Array(e.sequential!.looks).fill(20));
    expect(e.requested).toBe(20 * e.sequential!.looks);
  });

  it('counts unparseable answers and API refusals as calls but not data, and keeps sampling', async () => {
    // Every fifth call is filtered, every fifth (offset) is unparseable; the rest are D.
    const fake = fakeTransport((_request, i) =>
      i % 5 === 1
        ? { choices: [{ text: '', finishReason: 'content_filter' }], usage: null }
        : i % 5 === 3
          ? texts('I would rather not say')
          : texts('D'),
    );
    const r = await core({ sequential: GATE, useN: false, concurrency: 1 }, fake).call({
      vars: { scenario: 'IR/prison' },
    });
    const e = envelopeOf(r.output);
    const filtered = Math.ceil((e.requested - 1) / 5);
    const message = 'content filtered by the API (finish_reason content_filter)';
    expect(e.missing).toEqual({
      count: filtered,
      reasons: [`${filtered}× ${message}`],
      byKind: [{ kind: 'content-filter', count: filtered, message }],
    });
    expect(e.samples.length + e.missing.count).toBe(e.requested);
    expect(e.sequential).toMatchObject({ decision: 'settled-outside', valid: e.requested - 2 * filtered });
    expect(r.cost).toBeUndefined();
  });

  it('stops after the batch in which a call failed, keeping everything and saying why', async () => {
    const fake = fakeTransport((_request, i) => (i === 13 ? new Error('busy') : texts(i % 2 ? 'C' : 'D')));
    const r = await core({ sequential: GATE, useN: false }, fake).call({ vars: { scenario: 'IR/prison' } });
    const e = envelopeOf(r.output);
    expect(e).toMatchObject({
      requested: 20,
      missing: { count: 1, reasons: ['1× 503 server error at https://api.openai.com/v1 after 2 retries: busy'] },
    });
    expect(e.samples).toHaveLength(19);
    expect(e.sequential).toMatchObject({
      decision: 'stopped-by-error',
      looks: 2,
      error: '503 server error at https://api.openai.com/v1 after 2 retries: busy',
    });
    expect(r.metadata.stratalign).toMatchObject({
      mode: 'sequential',
      decision: 'stopped-by-error',
      calls: 20,
      requested: 20,
      recorded: 19,
    });
    expect(r.metadata.stratalign.sequentialSummary).toMatch(
      new RegExp(
        String.raw`^stopped by error, unsettled \(group-sequential boundary [\d.]+ % interval \[[\d.]+, ` +
          String.raw`[\d.]+\] for P\(C\) after 19 valid answers \(1 call without a readable answer, spent but ` +
          String.raw`not counted; decided on the first 10, the last scheduled look they reached\), 20 of cap ` +
          String.raw`300 calls\): 503`,
      ),
    );
  });

  it('is an error, with the counts, when no call returned an answer', async () => {
    const fake = fakeTransport(() => new Error('down'));
    const r = await core({ sequential: GATE, useN: false }, fake).call({ vars: { scenario: 'IR/prison' } });
    expect(r.error).toContain(
      'no answer recorded for any of the 10 answers asked (stopped-by-error): 10× 503 server error',
    );
    expect(r.metadata.stratalign).toMatchObject({
      requested: 10,
      recorded: 0,
      missing: { count: 10 },
      decision: 'stopped-by-error',
    });
  });

  it('refuses, without a call, games that are not two-option choices and scenarios the reference lacks', async () => {
    const fake = fakeTransport(() => texts('D'));
    const dir = tempDir();
    const reference = join(dir, 'one.reference.json');
    writeFileSync(
      reference,
      JSON.stringify({
        schema: 'stratalign.reference/v1',
        model: 'teacher-x',
        role: 'teacher',
        source: { origin: 'test', kind: 'live', built: 'now', catalogue: catalogue.version },
        scenarios: { 'business/prisoners-dilemma': { counts: { C: 3, D: 7 }, n: 10, failures: {} } },
      }),
    );
    const provider = core({ sequential: { ...GATE, reference } }, fake);
    const publicGoods = catalogue.games.find((g) => g.actionSpace.kind === 'integer')!;
    const pg = await provider.call({ vars: { scenario: `business/${publicGoods.id}` } });
    expect(pg.error).toContain(
      `scenario business/${publicGoods.id}: mode sequential needs a choice game with two options`,
    );
    expect(pg.error).toContain('use mode: multi');
    const missing = await provider.call({ vars: { scenario: 'team/stag-hunt' } });
    expect(missing.error).toContain(
      `reference ${reference} (teacher-x) has no distribution for scenario team/stag-hunt`,
    );
    expect(fake.requests).toHaveLength(0);
    const present = envelopeOf((await provider.call({ vars: { scenario: 'biz/prison' } })).output);
    expect(present.sequential!.reference).toMatchObject({ share: 0.3, n: 10, model: 'teacher-x', origin: reference });
  });

  it('fails at load, naming the provider key, for a reference it cannot read', () => {
    const fake = fakeTransport(() => texts('D'));
    const missingFile = errorOf(() => core({ sequential: { ...GATE, reference: 'no/such/file.json' } }, fake));
    expect(missingFile.message).toMatch(
      new RegExp(
        String.raw`^providers\[seq-test\]\.config\.sequential\.reference: the reference cannot be used: ` +
          String.raw`.*no\/such\/file\.json: reference file not found \(got "no\/such\/file\.json"\)`,
      ),
    );
    expect(missingFile.fix).toContain('relative to the promptfoo config file');
    const role = errorOf(() => core({ sequential: { ...GATE, referenceRole: 'oracle' } }, fake));
    expect(role.message).toContain('no answers of role "oracle"');
    expect(role.fix).toContain('llama2-70b-chat (teacher)');
  });
});

describe('a sequential envelope in the alignment assertion and the envelope reader', () => {
  const pd = resolveScenario(catalogue, 'IR/prison');
  const teacher: ReferenceEntry = { counts: { C: 77, D: 223 }, n: 300, failures: {} };

  async function sequentialEnvelope(answer: (i: number) => string): Promise<SampleEnvelope> {
    const fake = fakeTransport((_request, i) => texts(answer(i)));
    return envelopeOf(
      (await core({ sequential: GATE, useN: false, concurrency: 1 }, fake).call({ vars: { scenario: 'IR/prison' } }))
        .output,
    );
  }

  it('scores it as a batch, puts the decision in the reason and the cost in sequential_calls_share', async () => {
    const e = await sequentialEnvelope(() => 'D');
    const r = assessOutput(
      JSON.stringify(e),
      pd,
      teacher,
      parseAlignmentConfig({ reference: 'unused.csv', maxDistance: 0.1 }),
    );
    expect(r.pass).toBe(false);
    expect(r.namedScores.tv_distance).toBeCloseTo(77 / 300, 10);
    expect(r.namedScores.sequential_calls_share).toBe(e.requested / 300);
    expect(r.namedScores.sequential_calls_share).toBeLessThan(1);
    expect(r.reason).toContain(`${e.requested}/${e.requested} sequential samples valid`);
    expect(r.reason).toMatch(
      new RegExp(
        String.raw`sequential: settled outside tolerance \(group-sequential boundary [\d.]+ % interval ` +
          String.raw`\[0\.000, 0\.\d{3}\] for P\(C\) outside teacher share 0\.257 ± 0\.1 after \d+ valid ` +
          String.raw`answers, \d+ of cap 300 calls\); wrong-decision rate on the tolerance boundary at most 5 ` +
          String.raw`%, decided on P\(C\) minus the teacher's share with Newcombe's interval, the teacher's ` +
          String.raw`noise \(300 answers\) included$`,
      ),
    );
  });

  it('says "unsettled at cap" when the cap came first, and never claims a decision', async () => {
    // C at the teacher's share, but a cap too small to settle anything.
    const fake = fakeTransport((_request, i) =>
      texts(Math.floor((i + 1) * TEACHER_SHARE) > Math.floor(i * TEACHER_SHARE) ? 'C' : 'D'),
    );
    const e = envelopeOf(
      (
        await core(
          { sequential: { ...GATE, cap: 60, design: 'always-valid' }, useN: false, concurrency: 1 },
          fake,
        ).call({ vars: { scenario: 'IR/prison' } })
      ).output,
    );
    expect(e.sequential!.decision).toBe('unsettled-at-cap');
    const r = assessOutput(JSON.stringify(e), pd, teacher, parseAlignmentConfig({ reference: 'unused.csv' }));
    expect(r.namedScores.sequential_calls_share).toBe(1);
    // Half the 5 % goes to the teacher's interval, which moves the gate's edges; the student's sequence runs at 97.5 %.
    expect(r.reason).toContain('sequential: unsettled at cap (always-valid 97.5 % interval');
    expect(r.reason).toMatch(
      new RegExp(
        String.raw`overlaps the edge of teacher share 0\.257 ± 0\.1 \(with the teacher's noise: within needs ` +
          String.raw`\[0\.2\d\d, 0\.3\d\d\], outside needs beyond \[0\.1\d\d, 0\.4\d\d\]\) after 60 valid ` +
          String.raw`answers, 60 of cap 60 calls; no decision is claimed`,
      ),
    );
  });

  it('stops a student on the tolerance boundary as futile before the cap, and claims no decision', async () => {
    // C at the teacher's share + 0.1, exactly on the boundary: it can settle neither way.
    const share = TEACHER_SHARE + 0.1;
    const fake = fakeTransport((_request, i) => texts(Math.floor((i + 1) * share) > Math.floor(i * share) ? 'C' : 'D'));
    const e = envelopeOf(
      (await core({ sequential: GATE, useN: false, concurrency: 1 }, fake).call({ vars: { scenario: 'IR/prison' } }))
        .output,
    );
    expect(e.sequential!.decision).toBe('futile');
    expect(e.requested).toBeLessThan(300);
    const r = assessOutput(JSON.stringify(e), pd, teacher, parseAlignmentConfig({ reference: 'unused.csv' }));
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('FAIL: no sequential decision');
    expect(r.reason).toContain('sequential: stopped unsettled, futile');
    expect(r.reason).toContain('no decision is claimed');
  });

  it('records whether the teacher was taken as exact, and the exact reference settles sooner', async () => {
    const estimated = await sequentialEnvelope(() => 'D');
    expect(estimated.sequential).toMatchObject({
      design: 'group-sequential',
      teacher: 'estimated',
      errorRate: expect.closeTo(0.05, 12),
    });
    const fake = fakeTransport(() => texts('D'));
    const exact = envelopeOf(
      (
        await core({ sequential: { ...GATE, referenceExact: true }, useN: false }, fake).call({
          vars: { scenario: 'IR/prison' },
        })
      ).output,
    );
    expect(exact.sequential).toMatchObject({ decision: 'settled-outside', teacher: 'exact' });
    expect(exact.requested).toBeLessThanOrEqual(estimated.requested);
  });

  it('rejects sequential envelopes whose record is missing, misplaced or over the cap', async () => {
    const e = await sequentialEnvelope(() => 'D');
    const { sequential, ...bare } = e;
    expect(readEnvelope(JSON.stringify(bare))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('without its sequential record'),
    });
    expect(readEnvelope(JSON.stringify({ ...e, mode: 'multi' }))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('a multi envelope carries a sequential record'),
    });
    expect(readEnvelope(JSON.stringify({ ...e, sequential: { ...sequential, cap: e.requested - 1 } }))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('more than its cap'),
    });
    expect(
      readEnvelope(JSON.stringify({ ...e, sequential: { ...sequential, decision: 'probably-fine' } })),
    ).toMatchObject({ kind: 'invalid' });
  });
});

describe('mode sequential under the structured protocol', () => {
  it(
    'reads each answer with the strict reader: valid objects are data, a bare "D" is a ' + 'violation, not a D',
    async () => {
      const valid = '{"motivation": "They defect, so I defect.", "answer": "D"}';
      const fake = fakeTransport((_request, i) => texts(i % 5 === 4 ? 'D' : valid));
      const r = await core({ protocol: 'structured', sequential: GATE, useN: false }, fake).call({
        vars: { scenario: 'IR/prison' },
      });
      const e = envelopeOf(r.output);
      expect(fake.requests.every((q) => q.prompt.answerSchema?.schema.properties.answer.enum.join() === 'C,D')).toBe(
        true,
      );
      expect(e.sequential!.valid).toBe(e.requested - e.requested / 5);
      const reference = {
        n: 300,
        counts: { C: 77, D: 223 },
        probabilities: { C: 77 / 300, D: 223 / 300 },
      } as unknown as ReferenceEntry;
      const assessed = assessOutput(
        r.output!,
        resolveScenario(catalogue, 'IR/prison'),
        reference,
        parseAlignmentConfig({ reference: COUNTS }),
        { structured: true },
      );
      expect(assessed.reason).toContain(`unparseable: schema-violation ${e.requested / 5}`);
    },
  );
});
