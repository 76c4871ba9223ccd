// The audited extractor through both live providers and both SDKs against the loopback server:
// an extractor that reads correctly, one that answers nonsense (never a choice; counted), and
// one whose calls fail (visible, never "none").
import type { CallApiContextParams } from 'promptfoo';
import { describe, expect, it } from 'vitest';
import AnthropicProvider from '../providers/anthropic.js';
import OpenAICompatibleProvider from '../providers/openai-compatible.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { EXTRACTOR_PROMPT_VERSION } from '../src/answers/extraction/extraction-record.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { assessOutput } from '../src/eval/scoring/assess-output.js';
import { scoreBatch } from '../src/eval/scoring/score-samples.js';
import { summariseEval } from '../src/report/summary/summarise-eval.js';
import { envelopeOf, stratalignMeta as meta, useLoopbackServer } from './helpers/loopback-provider.js';
import { ok, okTexts, status, type LoopbackServer, type RecordedRequest } from './loopback/server.js';

const KEY_ENV = 'STRATALIGN_TEST_EXTRACTOR_KEY';
const KEY = 'sk-loopback-extractor-77ab3c';
let server: LoopbackServer;
useLoopbackServer(KEY_ENV, KEY, (s) => (server = s));

const UNREAD = "Weighing loyalty against the payoff, I'd lean to the first of the two.";
const scenario = resolveScenario(defaultCatalogue(), 'biz/prison');
const teacher = { n: 10, counts: { C: 5, D: 5 }, failures: {} } as never;
const isReader = (r: RecordedRequest) => r.body?.model === 'reader';
const readerRequests = () => server.requests.filter(isReader);
const extractor = (extra: Record<string, unknown> = {}) => ({
  provider: 'openai-compatible',
  model: 'reader',
  baseUrl: `${server.url}/v1`,
  apiKeyEnv: KEY_ENV,
  maxRetries: 0,
  ...extra,
});

const openai = (config: Record<string, unknown>) =>
  new OpenAICompatibleProvider({
    id: 'openai-test',
    config: {
      model: 'student',
      baseUrl: `${server.url}/v1`,
      apiKeyEnv: KEY_ENV,
      protocol: 'letter-only',
      maxRetries: 0,
      ...config,
    },
  });
const call = (p: OpenAICompatibleProvider | AnthropicProvider) =>
  p.callApi('display only', { vars: { scenario: 'biz/prison' }, repeatIndex: 0 } as unknown as CallApiContextParams);

describe('an extractor that reads correctly', () => {
  it(
    'reads only the answers the rules left unread (not refusals), marks them, and records ' + 'question and reply',
    async () => {
      server.when((r) => r.body?.model === 'student', okTexts(['C', UNREAD, 'I refuse to pick.', 'Hmm, hard to say.']));
      // Whichever unread answer is asked about first reads as C, the other as none.
      server.when(isReader, ok('C'), ok('none'));
      const r = await call(openai({ samples: 4, useN: true, extractor: extractor() }));
      expect(r.error).toBeUndefined();
      expect(readerRequests()).toHaveLength(2);
      const body = readerRequests()[0]!.body;
      expect(body).toMatchObject({ model: 'reader', temperature: 0, max_tokens: 16 });
      expect(body.messages[0].content).toContain('exactly one of: C, D, none');
      expect(
        readerRequests()
          .map((q) => q.body.messages[1].content)
          .join('\n'),
      ).toContain(JSON.stringify(UNREAD));
      expect(server.requests.find(isReader)!.headers.authorization).toBe(`Bearer ${KEY}`);

      const envelope = envelopeOf(r);
      const records = envelope.samples.map((s) => s.extraction);
      expect(records.filter(Boolean)).toHaveLength(2);
      expect(records.find((x) => x?.reply === 'C')).toMatchObject({
        model: 'reader',
        provider: 'openai-compatible',
        promptVersion: EXTRACTOR_PROMPT_VERSION,
        ruleFailure: 'no-choice',
        outcome: 'answered',
      });
      const b = scoreBatch(envelope.samples, envelope.missing.count, scenario.game.actionSpace, teacher);
      expect(b.counts).toEqual({ C: 2, D: 0 });
      expect(b.failures).toEqual({ refusal: 1, 'extractor-none': 1 });
      expect(b.extracted?.count).toBe(1);
      expect(meta(r).extractor).toMatchObject({ model: 'reader', asked: 2, read: 1, none: 1, invalid: 0, errors: 0 });
      const assessed = assessOutput(r.output as string, scenario, teacher, {} as never);
      expect(assessed.reason).toContain(
        `(1 read by the rules, 1 by the extractor reader (${EXTRACTOR_PROMPT_VERSION}))`,
      );
    },
  );

  it(
    'in single mode returns an envelope, so the reading travels with the answer, and the viewer reason ' +
      'names the extractor',
    async () => {
      server.when((r) => r.body?.model === 'student', ok(UNREAD));
      server.when(isReader, ok('D'));
      const r = await call(openai({ extractor: extractor({ prices: { inputPerMTok: 1, outputPerMTok: 2 } }) }));
      const envelope = envelopeOf(r);
      expect(envelope).toMatchObject({ mode: 'single', requested: 1 });
      // The extractor's tokens and cost are its own, apart from the row's (which has no prices here).
      const { tokens, cost } = meta(r).extractor;
      expect(tokens.requests).toBe(1);
      expect(tokens.prompt).toBeGreaterThan(0);
      expect(cost).toBeCloseTo((tokens.prompt * 1 + tokens.completion * 2) / 1e6, 15);
      expect(r.cost).toBeUndefined();
      const assessed = assessOutput(r.output as string, scenario, teacher, {} as never);
      expect(assessed.unscored).toBe(false);
      expect(assessed.reason).toContain(
        `answer D (read by the extractor reader (${EXTRACTOR_PROMPT_VERSION}), not by the rules: replied "D")`,
      );
    },
  );

  it('without an extractor block, asks no one and returns the raw text as before', async () => {
    server.when((r) => r.body?.model === 'student', ok(UNREAD));
    const r = await call(openai({}));
    expect(r.output).toBe(UNREAD);
    expect(readerRequests()).toHaveLength(0);
    expect(meta(r).extractor).toBeUndefined();
  });

  it(
    'works across vendors: an Anthropic provider with an OpenAI-compatible extractor, and the ' + 'other way round',
    async () => {
      server.when((r) => r.body?.model === 'claude-student', ok(UNREAD));
      server.when(isReader, ok('D'));
      const anthropic = new AnthropicProvider({
        id: 'anthropic-test',
        config: {
          model: 'claude-student',
          baseUrl: server.url,
          apiKeyEnv: KEY_ENV,
          protocol: 'letter-only',
          max_tokens: 5,
          maxRetries: 0,
          extractor: extractor(),
        },
      });
      const a = await call(anthropic);
      expect(envelopeOf(a).samples[0]!.extraction).toMatchObject({ provider: 'openai-compatible', reply: 'D' });

      server.when((r) => r.body?.model === 'student', ok(UNREAD));
      server.when((r) => r.body?.model === 'claude-reader', ok('C'));
      const o = await call(
        openai({
          extractor: {
            provider: 'anthropic',
            model: 'claude-reader',
            baseUrl: server.url,
            apiKeyEnv: KEY_ENV,
            maxRetries: 0,
          },
        }),
      );
      const read = server.requests.find((q) => q.body?.model === 'claude-reader')!;
      expect(read.path).toBe('/v1/messages');
      expect(read.body).toMatchObject({ max_tokens: 16, temperature: 0 });
      expect(envelopeOf(o).samples[0]!.extraction).toMatchObject({
        provider: 'anthropic',
        model: 'claude-reader',
        reply: 'C',
      });
    },
  );
});

describe('an extractor that answers nonsense', () => {
  it('never turns its reply into a choice: the answers stay unread and are counted as extractor-invalid', async () => {
    server.when((r) => r.body?.model === 'student', ...Array.from({ length: 4 }, () => ok(UNREAD)));
    server.when(isReader, ok('Sure! The answer is C'), ok('C D'), ok('C.'), ok('Z'));
    const r = await call(openai({ samples: 4, useN: false, extractor: extractor() }));
    const envelope = envelopeOf(r);
    const b = scoreBatch(envelope.samples, 0, scenario.game.actionSpace, teacher);
    expect(b.valid).toBe(0);
    expect(b.failures).toEqual({ 'extractor-invalid': 4 });
    expect(meta(r).extractor).toMatchObject({ asked: 4, read: 0, invalid: 4 });
    const assessed = assessOutput(r.output as string, scenario, teacher, {} as never);
    expect(assessed.unscored).toBe(true);
    expect(assessed.reason).toContain('extractor-invalid 4');
  });
});

describe('an extractor whose calls fail', () => {
  it('records each failure with its reason, as extractor-error, never as none, and keeps the answers', async () => {
    server.when((r) => r.body?.model === 'student', ok('C'), ok(UNREAD));
    server.when(isReader, status(503, { shouldRetry: false, message: 'reader overloaded' }));
    const r = await call(openai({ samples: 2, useN: false, extractor: extractor() }));
    expect(r.error).toBeUndefined();
    const envelope = envelopeOf(r);
    expect(envelope.samples).toHaveLength(2);
    const failed = envelope.samples.find((s) => s.extraction)!.extraction!;
    expect(failed.outcome).toBe('error');
    expect(failed.error).toContain('503');
    const b = scoreBatch(envelope.samples, 0, scenario.game.actionSpace, teacher);
    expect(b.failures).toEqual({ 'extractor-error': 1 });
    expect(meta(r).extractor).toMatchObject({ asked: 1, errors: 1, none: 0 });
    expect(meta(r).extractor.firstError).toContain('503');
    expect(JSON.stringify(r)).not.toContain(KEY);

    // The end-of-eval summary names the failure and asks the hook to fail the run.
    const row = {
      provider: { id: 'openai-test', label: 'student [live]' },
      vars: { scenario: 'biz/prison', split: 'in-sample' },
      response: r,
      success: true,
    };
    const outcome = await summariseEval([row], null, defaultCatalogue());
    expect(outcome.extractorErrors).toBe(1);
    expect(outcome.text).toContain(
      'student [live]: 50.0 % read by the rules, 0.0 % by the extractor, 50.0 % unread (1 + 0 + 1 of 2); unread: ' +
        '1 extractor-error',
    );
    expect(outcome.text).toMatch(
      new RegExp(
        String.raw`EXTRACTOR ERRORS: 1 answer\(s\) in 1 row\(s\) could not be put to the extractor and stay ` +
          String.raw`unread \(extractor-error\); first: 503`,
      ),
    );
  });

  it('says which env var is missing when the extractor key is not set', async () => {
    server.when((r) => r.body?.model === 'student', ok(UNREAD));
    const r = await call(openai({ extractor: extractor({ apiKeyEnv: 'STRATALIGN_TEST_NO_SUCH_KEY' }) }));
    expect(envelopeOf(r).samples[0]!.extraction).toMatchObject({ outcome: 'error' });
    expect(envelopeOf(r).samples[0]!.extraction!.error).toContain('STRATALIGN_TEST_NO_SUCH_KEY is not set');
    expect(readerRequests()).toHaveLength(0);
  });
});

describe('an extractor in mode sequential', () => {
  it('reads each batch before the stopping rule counts it, so the decision uses what the eval reports', async () => {
    server.when((r) => r.body?.model === 'student', ...Array.from({ length: 300 }, () => ok(UNREAD)));
    server.when(isReader, ...Array.from({ length: 300 }, () => ok('D')));
    const p = openai({
      useN: false,
      sequential: { reference: 'datasets/recordings/lfb-counts.csv', tolerance: 0.1, cap: 300 },
      extractor: extractor(),
    });
    const r = await p.callApi('display only', { vars: { scenario: 'IR/prison' } } as unknown as CallApiContextParams);
    const envelope = envelopeOf(r);
    // Every answer is unread by the rules; read as D by the extractor, the student is clearly away
    // from the teacher's 26 % C, and the run stops well before the cap.
    expect(envelope.sequential).toMatchObject({ decision: 'settled-outside' });
    expect(envelope.sequential!.valid).toBe(envelope.samples.length);
    expect(envelope.requested).toBeLessThan(300);
    expect(envelope.samples.every((s) => s.extraction?.reply === 'D')).toBe(true);
    expect(meta(r).extractor).toMatchObject({ asked: envelope.samples.length, read: envelope.samples.length });
  });
});
