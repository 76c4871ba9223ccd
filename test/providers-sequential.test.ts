// Mode sequential through the real openai and @anthropic-ai/sdk clients against the loopback
// server: stopping early, answering at the teacher's share, faults mid-run, and what it all costs.
import type { CallApiContextParams } from 'promptfoo';
import { afterEach, describe, expect, it } from 'vitest';
import AnthropicProvider from '../providers/anthropic.js';
import OpenAICompatibleProvider from '../providers/openai-compatible.js';
import { sequentialDecision } from '../src/eval/sequential/index.js';
import { envelopeOf, stratalignMeta as meta } from './helpers/loopback-provider.js';
import {
  contentFilter,
  ok,
  okTexts,
  startLoopbackServer,
  status,
  type Behaviour,
  type LoopbackServer,
  type RecordedRequest,
} from './loopback/server.js';

const COUNTS = 'datasets/recordings/lfb-counts.csv';
// The paper's teacher on IR/prisoners-dilemma chose C in 77 of 300 answers.
const TEACHER_SHARE = 77 / 300;
const GATE = { reference: COUNTS, tolerance: 0.1, cap: 300 };
// The providers' default: the group-sequential design, with the teacher's noise (300 answers) in it.
const RULE = {
  reference: TEACHER_SHARE,
  tolerance: 0.1,
  level: 0.95,
  design: 'group-sequential' as const,
  batch: 10,
  cap: 300,
  referenceAnswers: 300,
};
const fast = { retryAfterMs: 2 };

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
async function serve(fallback: (request: RecordedRequest) => Behaviour): Promise<LoopbackServer> {
  server = await startLoopbackServer({ fallback });
  return server;
}

/** Answers C exactly often enough that every prefix of answers has C share floor(n·q)/n. */
function atShare(q: number): (request: RecordedRequest) => Behaviour {
  let answered = 0;
  const next = () => {
    const i = answered++;
    return Math.floor((i + 1) * q) > Math.floor(i * q) ? 'C' : 'D';
  };
  return (request) => okTexts(Array.from({ length: Number.isInteger(request.body?.n) ? request.body.n : 1 }, next));
}

const openai = (s: LoopbackServer, config: Record<string, unknown> = {}) =>
  new OpenAICompatibleProvider({
    id: 'openai-seq',
    config: {
      model: 'student',
      baseUrl: `${s.url}/v1`,
      apiKeyEnv: null,
      protocol: 'letter-only',
      maxRetries: 2,
      sequential: GATE,
      ...config,
    },
  });
const anthropic = (s: LoopbackServer, config: Record<string, unknown> = {}) =>
  new AnthropicProvider({
    id: 'anthropic-seq',
    config: {
      model: 'claude-student',
      baseUrl: s.url,
      apiKeyEnv: null,
      protocol: 'letter-only',
      max_tokens: 5,
      maxRetries: 2,
      sequential: GATE,
      ...config,
    },
  });
const call = (p: OpenAICompatibleProvider | AnthropicProvider, scenario = 'IR/prison') =>
  p.callApi('display only', { vars: { scenario } } as unknown as CallApiContextParams);
/** Where the stopping rule first leaves 'continue' on the atShare script, looking every 10 answers. */
function firstStopAtShare(q: number): { n: number; verdict: string } {
  for (let n = 10; n <= GATE.cap; n += 10) {
    const { verdict } = sequentialDecision(Math.floor(n * q), n, RULE);
    if (verdict !== 'continue') return { n, verdict };
  }
  return { n: GATE.cap, verdict: 'unsettled-at-cap' };
}
const AT_SHARE = firstStopAtShare(TEACHER_SHARE);
const answers = (s: LoopbackServer) =>
  s.requests.reduce((sum, r) => sum + (Number.isInteger(r.body?.n) ? r.body.n : 1), 0);

describe('openai-compatible, mode sequential', () => {
  it('stops a student that always defects well before the cap, and every answer adds up', async () => {
    const s = await serve(() => ok('D'));
    const r = await call(openai(s, { useN: false, seed: 1000, concurrency: 3 }));
    const e = envelopeOf(r);
    expect(e).toMatchObject({
      mode: 'sequential',
      source: 'live',
      scenario: 'international-relations/prisoners-dilemma',
    });
    expect(e.sequential).toMatchObject({
      decision: 'settled-outside',
      action: 'C',
      batch: 10,
      cap: 300,
      reference: { share: TEACHER_SHARE, n: 300, tolerance: 0.1, model: 'llama2-70b-chat', origin: COUNTS },
    });
    // One request per answer, far fewer than the cap, and exactly as many as the envelope says were asked.
    expect(s.requests.length).toBe(e.requested);
    expect(s.requests.length).toBeLessThan(300);
    expect(e.samples.length + e.missing.count).toBe(e.requested);
    expect(e.sequential!.looks * 10).toBe(e.requested);
    // It stopped at the first look that settled.
    expect(sequentialDecision(0, e.requested, RULE).verdict).toBe('settled-outside');
    expect(sequentialDecision(0, e.requested - 10, RULE).verdict).toBe('continue');
    expect(new Set(s.requests.map((q) => q.body.seed)).size).toBe(e.requested);
    expect(s.maxInFlight).toBeLessThanOrEqual(3);
    expect(meta(r)).toMatchObject({
      mode: 'sequential',
      decision: 'settled-outside',
      calls: e.requested,
      cap: 300,
      requested: e.requested,
      recorded: e.requested,
      usedN: false,
    });
    expect(meta(r).sequentialSummary).toMatch(
      new RegExp(
        String.raw`^settled outside tolerance \(group-sequential boundary [\d.]+ % interval \[0\.000, ` +
          String.raw`0\.1\d\d\] for P\(C\) outside teacher share 0\.257 ± 0\.1 after \d+ valid answers, \d+ of ` +
          String.raw`cap 300 calls\); wrong-decision rate on the tolerance boundary at most 5 %, decided on ` +
          String.raw`P\(C\) minus the teacher's share with Newcombe's interval, the teacher's noise \(300 ` +
          String.raw`answers\) included$`,
      ),
    );
    expect(r.tokenUsage!.numRequests).toBe(e.requested);
  });

  it('asks a whole batch in one `n` request where the server honours it', async () => {
    const s = await serve(() => ok('D'));
    const e = envelopeOf(await call(openai(s)));
    expect(s.requests.map((q) => q.body.n)).toEqual(Array(e.sequential!.looks).fill(10));
    expect(answers(s)).toBe(e.requested);
  });

  it("tops up with single requests when a server ignores `n` under useN 'auto'", async () => {
    const s = await serve(() => okTexts(['D']));
    const e = envelopeOf(await call(openai(s)));
    expect(s.requests[0]!.body.n).toBe(10);
    expect(s.requests.slice(1).every((q) => q.body.n === undefined)).toBe(true);
    expect(s.requests.length).toBe(e.requested);
    expect(e).toMatchObject({ missing: { count: 0 }, sequential: { decision: 'settled-outside' } });
  });

  it('never settles outside for a student that answers at the teacher share', async () => {
    for (const config of [{ useN: false }, {}]) {
      const s = await serve(atShare(TEACHER_SHARE));
      const e = envelopeOf(await call(openai(s, config)));
      expect(e.sequential!.decision).not.toBe('settled-outside');
      expect(['settled-within', 'unsettled-at-cap', 'futile']).toContain(e.sequential!.decision);
      // The script is deterministic: with the teacher's noise included, the difference's interval first fits inside
      // ±0.1 after 220 answers.
      expect(AT_SHARE).toEqual({ n: 220, verdict: 'settled-within' });
      expect(e).toMatchObject({ requested: AT_SHARE.n, sequential: { decision: AT_SHARE.verdict, valid: AT_SHARE.n } });
      expect(answers(s)).toBe(AT_SHARE.n);
      expect(e.samples.filter((x) => x.text === 'C').length).toBe(Math.floor(AT_SHARE.n * TEACHER_SHARE));
      await s.close();
      server = undefined;
    }
  });

  it('stops after the batch in which a call failed past its retries, keeping every answer and the reason', async () => {
    const s = await serve(() => ok('D'));
    // Sample 24 (seed 1024) fails three times: the first try and both retries.
    s.when(
      (q) => q.body?.seed === 1024,
      status(503, { ...fast, message: 'overloaded' }),
      status(503, fast),
      status(503, fast),
    );
    const r = await call(openai(s, { useN: false, seed: 1000 }));
    const e = envelopeOf(r);
    expect(s.pending).toBe(0);
    expect(e).toMatchObject({
      requested: 30,
      missing: {
        count: 1,
        reasons: [expect.stringMatching(/^1× 503 server error at http:\/\/127\.0\.0\.1:\d+\/v1 after 2 retries/)],
      },
    });
    expect(e.samples).toHaveLength(29);
    expect(s.requests.length).toBe(30 + 2);
    // 29 D answers do not settle the gate yet, so the error is the outcome.
    expect(sequentialDecision(0, 29, RULE).verdict).toBe('continue');
    expect(e.sequential).toMatchObject({
      decision: 'stopped-by-error',
      looks: 3,
      valid: 29,
      error: expect.stringContaining('503 server error'),
    });
    expect(meta(r)).toMatchObject({ decision: 'stopped-by-error', calls: 30, recorded: 29, missing: { count: 1 } });
  });

  it('keeps a decision the last look reached even when a call in that batch failed', async () => {
    const s = await serve(() => ok('D'));
    // One filtered answer in the first batch keeps every later look one valid answer short of
    // the schedule (9, 19, ...): each decides on the scheduled number below it (0, 10, ...).
    s.when((q) => q.body?.seed === 1003, contentFilter());
    s.when((q) => q.body?.seed === 1045, status(503, fast), status(503, fast), status(503, fast));
    const e = envelopeOf(await call(openai(s, { useN: false, seed: 1000 })));
    expect(sequentialDecision(0, 30, RULE).verdict).toBe('continue');
    expect(sequentialDecision(0, 40, RULE).verdict).toBe('settled-outside');
    // The batch of calls 41-50 lost one to the 503: 48 valid answers, decided on the first 40.
    expect(e).toMatchObject({
      requested: 50,
      missing: { count: 2 },
      sequential: { decision: 'settled-outside', valid: 48, decidedOn: 40, error: expect.stringContaining('503') },
    });
  });

  it('goes on past a retried fault and past content filtering, counting both', async () => {
    const s = await serve(() => ok('D'));
    s.when((q) => q.body?.seed === 1003, status(503, fast));
    s.when((q) => q.body?.seed === 1012, contentFilter());
    const e = envelopeOf(await call(openai(s, { useN: false, seed: 1000 })));
    expect(s.pending).toBe(0);
    expect(e.missing).toEqual({
      count: 1,
      reasons: ['1× content filtered by the API (finish_reason content_filter)'],
      byKind: [
        { kind: 'content-filter', count: 1, message: 'content filtered by the API (finish_reason content_filter)' },
      ],
    });
    // The filtered answer is a call but not data: 39 D answers in 40 calls are one short of the
    // look at 40 the design is calibrated for, so that look decides on the first 30 (not yet
    // settled) and the next, with 49, on the first 40, which settle the gate.
    expect(e).toMatchObject({ requested: 50, sequential: { decision: 'settled-outside', valid: 49, decidedOn: 40 } });
    expect(e.sequential).not.toHaveProperty('error');
    expect(s.requests.length).toBe(50 + 1);
  });

  it('refuses a public goods scenario before any call, naming it', async () => {
    const s = await serve(() => ok('D'));
    const r = await call(openai(s), 'team/public-goods');
    expect(r.error).toMatch(
      new RegExp(
        String.raw`scenario team\/public-goods: mode sequential needs a choice game with two options, and ` +
          String.raw`public-goods asks for an amount from 0 to 10`,
      ),
    );
    expect(s.requests).toHaveLength(0);
  });
});

describe('anthropic, mode sequential', () => {
  it('makes one call per answer and stops a defecting student early', async () => {
    const s = await serve(() => ok('D'));
    const r = await call(anthropic(s));
    const e = envelopeOf(r);
    expect(e.sequential!.decision).toBe('settled-outside');
    expect(s.requests.length).toBe(e.requested);
    expect(s.requests.length).toBeLessThan(300);
    expect(s.requests.every((q) => q.path === '/v1/messages')).toBe(true);
    expect(meta(r)).toMatchObject({ provider: 'anthropic', mode: 'sequential', usedN: false });
  });

  it('never settles outside at the teacher share, and stops on a persistent overload', async () => {
    const s = await serve(atShare(TEACHER_SHARE));
    const e = envelopeOf(await call(anthropic(s)));
    expect(e).toMatchObject({ requested: AT_SHARE.n, sequential: { decision: 'settled-within' } });
    await s.close();

    // Half C: far enough from 0.257 to settle outside eventually, but not in two looks.
    const failing = await serve(atShare(0.5));
    let seen = 0;
    // The 15th request and its two retries are overloaded (Anthropic's 529).
    failing.when(() => ++seen >= 15 && seen <= 17, status(529, fast), status(529, fast), status(529, fast));
    const f = envelopeOf(await call(anthropic(failing, { concurrency: 1 })));
    expect(f).toMatchObject({
      requested: 20,
      missing: { count: 1, reasons: [expect.stringMatching(/^1× 529 server error at .* after 2 retries/)] },
    });
    expect(f.samples).toHaveLength(19);
    expect(f.sequential!.decision).toBe('stopped-by-error');
    expect(failing.requests.length).toBe(22);
  });
});
