// The OpenAI-compatible provider through the real openai SDK against a loopback server, over the fault matrix.
import type { CallApiContextParams, CallApiOptionsParams } from 'promptfoo';
import { describe, expect, it, vi } from 'vitest';
import OpenAICompatibleProvider from '../providers/openai-compatible.js';
import { closedPort } from './helpers/closed-port.js';
import { envelopeOf, stratalignMeta as meta, useLoopbackServer } from './helpers/loopback-provider.js';
import {
  contentFilter,
  delay,
  emptyChoices,
  malformed,
  ok,
  okLogprobs,
  okTexts,
  reset,
  status,
  truncated,
  type LoopbackServer,
} from './loopback/server.js';

const KEY_ENV = 'STRATALIGN_TEST_OPENAI_KEY';
const KEY = 'sk-loopback-openai-4f9c2a7d1e';
const fast = { retryAfterMs: 5 };

let server: LoopbackServer;
useLoopbackServer(KEY_ENV, KEY, (s) => (server = s));

const provider = (config: Record<string, unknown> = {}) =>
  new OpenAICompatibleProvider({
    id: 'openai-test',
    config: {
      model: 'ft:gpt-4o-mini:org::abc',
      baseUrl: `${server.url}/v1`,
      apiKeyEnv: KEY_ENV,
      protocol: 'letter-only',
      maxRetries: 2,
      ...config,
    },
  });

const call = (
  p: OpenAICompatibleProvider,
  vars: Record<string, unknown> = { scenario: 'biz/prison' },
  repeatIndex = 0,
  options?: CallApiOptionsParams,
) => p.callApi('display only', { vars, repeatIndex } as unknown as CallApiContextParams, options);

const behaviours = () => server.requests.map((r) => r.behaviour);

describe('openai-compatible provider: answers', () => {
  it('sends the rendered scenario and sampling parameters, and returns the raw text with usage and cost', async () => {
    server.script(ok('C'));
    const r = await call(
      provider({
        temperature: 0.7,
        top_p: 0.9,
        max_tokens: 2,
        seed: 7,
        role: 'fine-tuned',
        prices: { inputPerMTok: 1, outputPerMTok: 2 },
      }),
      { scenario: 'biz/prison' },
      3,
    );
    expect(r.error).toBeUndefined();
    expect(r.output).toBe('C');
    const body = server.requests[0]!.body;
    expect(body).toMatchObject({
      model: 'ft:gpt-4o-mini:org::abc',
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 2,
      seed: 10,
    });
    expect(body.n).toBeUndefined();
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
    expect(body.messages[1].content).toContain('Answer with exactly one letter');
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(meta(r)).toMatchObject({
      mode: 'single',
      role: 'fine-tuned',
      scenario: 'business/prisoners-dilemma',
      finishReason: 'stop',
      requested: 1,
      recorded: 1,
    });
    const { prompt_tokens, completion_tokens } = {
      prompt_tokens: r.tokenUsage!.prompt!,
      completion_tokens: r.tokenUsage!.completion!,
    };
    expect(completion_tokens).toBe(1);
    expect(r.tokenUsage).toEqual({ prompt: prompt_tokens, completion: 1, total: prompt_tokens + 1, numRequests: 1 });
    expect(r.cost).toBeCloseTo((prompt_tokens * 1 + 1 * 2) / 1e6, 15);
  });

  it('keeps a truncated answer as a sample marked finishReason length', async () => {
    server.script(truncated('Considering the'));
    const r = await call(provider());
    expect(r.output).toBe('Considering the');
    expect(meta(r).finishReason).toBe('length');
  });

  it('asks for N choices in one request with useN true', async () => {
    server.script(okTexts(['C', 'D', 'C', 'C']));
    const r = await call(provider({ samples: 4, useN: true, seed: 1 }));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toMatchObject({ n: 4, seed: 1 });
    expect(envelopeOf(r)).toMatchObject({
      mode: 'multi',
      requested: 4,
      samples: [{ text: 'C' }, { text: 'D' }, { text: 'C' }, { text: 'C' }],
      missing: { count: 0 },
    });
  });

  it('reports the choices a server withheld from n as missing when useN is true', async () => {
    server.script(okTexts(['C']));
    const e = envelopeOf(await call(provider({ samples: 3, useN: true })));
    expect(e.samples).toHaveLength(1);
    expect(e.missing).toEqual({
      count: 2,
      reasons: ['2× server returned 1 of 3 choices for n=3: it may ignore n; set useN: auto or false'],
      byKind: [
        {
          kind: 'short-n',
          count: 2,
          message: 'server returned 1 of 3 choices for n=3: it may ignore n; set useN: auto or false',
        },
      ],
    });
  });

  it("tops up with single requests when useN 'auto' meets a server that ignores n", async () => {
    server.script(okTexts(['C']), ok('D'), ok('D'));
    const e = envelopeOf(await call(provider({ samples: 3 })));
    expect(server.requests.map((r) => r.body.n)).toEqual([3, undefined, undefined]);
    expect(e.samples.map((s) => s.text)).toEqual(['C', 'D', 'D']);
  });

  it('makes N bounded-concurrency calls with distinct seeds when useN is false', async () => {
    server.script(...Array.from({ length: 6 }, () => delay(30, ok('C'))));
    const e = envelopeOf(await call(provider({ samples: 6, useN: false, concurrency: 2, seed: 40 })));
    expect(e.samples).toHaveLength(6);
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
    expect(server.maxInFlight).toBeGreaterThan(1);
    expect(server.requests.map((r) => r.body.seed).sort()).toEqual([40, 41, 42, 43, 44, 45]);
  });
});

describe('openai-compatible provider: log-probabilities', () => {
  it("reads a scenario's choice distribution from one call", async () => {
    server.script(okLogprobs('C', { C: Math.log(0.6), ' C': Math.log(0.1), D: Math.log(0.2), '**': Math.log(0.05) }));
    const r = await call(provider({ mode: 'logprobs', topLogprobs: 5, max_tokens: 1 }));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toMatchObject({ logprobs: true, top_logprobs: 5, max_tokens: 1 });
    const e = envelopeOf(r);
    expect(e).toMatchObject({ mode: 'logprobs', requested: 1, samples: [{ text: 'C' }], missing: { count: 0 } });
    expect(e.distribution!.probabilities.C).toBeCloseTo(0.7 / 0.9, 12);
    expect(e.distribution!.probabilities.D).toBeCloseTo(0.2 / 0.9, 12);
    expect(e.distribution!.otherMass).toBeCloseTo(0.1, 12);
    expect(meta(r).mode).toBe('logprobs');
  });

  it('is an error, keeping the answer text, when the server sends no log-probabilities', async () => {
    server.script(ok('D', { ignoreLogprobs: true }));
    const r = await call(provider({ mode: 'logprobs' }));
    expect(r.error).toContain('returned no log-probabilities');
    expect(meta(r)).toMatchObject({ requested: 1, recorded: 0, missing: { count: 1 }, unscoredText: 'D' });
  });

  it('is an error when no alternative of the first token is an option', async () => {
    server.script(okLogprobs('Sure', { Sure: Math.log(0.8), I: Math.log(0.1) }));
    const r = await call(provider({ mode: 'logprobs' }));
    expect(r.error).toContain('none of the 2 alternatives of the first answer token is an option (C, D)');
    expect(r.output).toBeUndefined();
  });
});

describe('openai-compatible provider: faults', () => {
  it('retries a 429 after the wait the server asked for, then answers', async () => {
    server.script(status(429, { retryAfterMs: 20, retryAfter: 2 }), ok('D'));
    const r = await call(provider());
    expect(r.output).toBe('D');
    expect(server.requests.map((q) => q.headers['x-stainless-retry-count'])).toEqual(['0', '1']);
  });

  it('reports a persistent 429 after the configured retries, with the retry-after', async () => {
    server.script(...Array.from({ length: 3 }, () => status(429, { retryAfterMs: 10, message: 'Rate limit reached' })));
    const r = await call(provider({ maxRetries: 2 }));
    expect(r.error).toBe(
      `stratalign openai-compatible "ft:gpt-4o-mini:org::abc": 429 rate limited by ${server.url}/v1 after 2 ` +
        `retries (retry-after 10 ms): Rate limit reached`,
    );
    expect(server.requests).toHaveLength(3);
    expect(meta(r)).toMatchObject({ requested: 1, recorded: 0, missing: { count: 1 } });
    expect(r.output).toBeUndefined();
  });

  it('retries a 429 without retry-after on the SDK back-off', async () => {
    server.script(status(429), status(429));
    const r = await call(provider({ maxRetries: 1 }));
    expect(r.error).toContain('429 rate limited by');
    expect(r.error).toContain('after 1 retry');
    expect(r.error).not.toContain('retry-after');
    expect(server.requests).toHaveLength(2);
  });

  it.each([500, 502, 503])('retries a %i and recovers', async (code) => {
    server.script(status(code, fast), ok('C'));
    expect((await call(provider())).output).toBe('C');
    expect(behaviours()).toEqual([`status ${code}`, 'ok']);
  });

  it('reports a persistent 503 as a server error after the retries', async () => {
    server.script(status(503, fast), status(503, fast));
    const r = await call(provider({ maxRetries: 1 }));
    expect(r.error).toContain(`503 server error at ${server.url}/v1 after 1 retry`);
  });

  it('does not retry a 400 and reports it', async () => {
    server.script(status(400, { message: "Invalid value for 'n'" }));
    const r = await call(provider());
    expect(r.error).toContain(`400 error from ${server.url}/v1: Invalid value for 'n'`);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a timeout and recovers, or reports it with the timeout', async () => {
    server.script(delay(2000, ok('D')), ok('C'));
    expect((await call(provider({ timeoutMs: 150, maxRetries: 1 }))).output).toBe('C');
    server.script(delay(2000, ok('D')), delay(2000, ok('D')));
    const r = await call(provider({ timeoutMs: 150, maxRetries: 1 }));
    expect(r.error).toContain(`no response from ${server.url}/v1 within 150 ms after 1 retry`);
    expect(server.requests).toHaveLength(4);
  });

  it('retries a connection reset and recovers, or reports it', async () => {
    server.script(reset(), ok('C'));
    expect((await call(provider())).output).toBe('C');
    server.script(reset(), reset());
    expect((await call(provider({ maxRetries: 1 }))).error).toContain(
      `connection reset by ${server.url}/v1 after 1 retry`,
    );
  });

  it('names the URL when nothing listens there', async () => {
    const port = await closedPort();
    const r = await call(provider({ baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 0 }));
    expect(r.error).toContain(`connection refused at http://127.0.0.1:${port}/v1: is the server running?`);
  });

  it('reports malformed JSON, empty choices and content filtering as errors, never as a choice', async () => {
    server.script(malformed());
    expect((await call(provider())).error).toContain(`malformed response from ${server.url}/v1: invalid JSON`);
    server.script(emptyChoices());
    expect((await call(provider())).error).toContain('returned no choices for model');
    server.script(contentFilter());
    const filtered = await call(provider());
    expect(filtered.error).toContain('content filtered by the API');
    expect(filtered.output).toBeUndefined();
    expect(server.requests).toHaveLength(3);
  });

  it('returns an error naming the env var when the key is missing, without calling the server', async () => {
    delete process.env[KEY_ENV];
    const r = await call(provider());
    expect(r.error).toBe(
      `stratalign openai-compatible "ft:gpt-4o-mini:org::abc": env var ${KEY_ENV} is not set: export it or set ` +
        `apiKeyEnv (null for a local server that needs no key)`,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('never lets the key appear in an output, error or metadata, even when the server echoes it', async () => {
    server.script(
      status(401, {
        message: (req) => `Incorrect API key provided: ${String(req.headers.authorization).replace('Bearer ', '')}`,
      }),
    );
    const failed = await call(provider());
    expect(failed.error).toContain('401 authentication failed');
    expect(failed.error).toContain('[redacted]');
    server.script(ok(`my key is ${KEY}`), status(503, { message: `bad key ${KEY}`, shouldRetry: false }), ok('C'));
    const batch = await call(provider({ samples: 3, useN: false, concurrency: 1 }));
    expect(envelopeOf(batch).missing.reasons).toEqual([`1× 503 server error at ${server.url}/v1: bad key [redacted]`]);
    for (const result of [failed, batch]) expect(JSON.stringify(result)).not.toContain(KEY);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
  });

  it('passes promptfoo’s abort signal to the request', async () => {
    server.script(delay(5000, ok('C')));
    const controller = new AbortController();
    const pending = call(provider(), { scenario: 'biz/prison' }, 0, { abortSignal: controller.signal });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    expect((await pending).error).toContain('request aborted by promptfoo');
  });
});

describe('openai-compatible provider: partial batches', () => {
  it('keeps the samples it got and counts the rest as missing with reasons', async () => {
    server.script(
      ok('C'),
      status(503, { shouldRetry: false, message: 'overloaded' }),
      ok('D'),
      reset(),
      contentFilter(),
    );
    const r = await call(provider({ samples: 5, useN: false, concurrency: 1, maxRetries: 0 }));
    const e = envelopeOf(r);
    expect(e.samples.map((s) => s.text)).toEqual(['C', 'D']);
    expect(e.requested).toBe(5);
    expect(e.missing.count).toBe(3);
    expect(e.missing.reasons).toEqual([
      `1× 503 server error at ${server.url}/v1: overloaded`,
      `1× connection reset by ${server.url}/v1`,
      '1× content filtered by the API (finish_reason content_filter)',
    ]);
    expect(meta(r)).toMatchObject({ requested: 5, recorded: 2, missing: { count: 3 } });
    expect(r.tokenUsage!.numRequests).toBe(5);
  });

  it('is an error naming the causes when every call of a batch failed', async () => {
    server.script(...Array.from({ length: 3 }, () => status(502, { shouldRetry: false })));
    const r = await call(provider({ samples: 3, useN: false, maxRetries: 0 }));
    expect(r.error).toContain(`no answer recorded for any of 3 samples: 3× 502 server error at ${server.url}/v1`);
    expect(meta(r)).toMatchObject({ requested: 3, recorded: 0, missing: { count: 3 } });
  });
});
