// The Anthropic provider through the real @anthropic-ai/sdk against a loopback server, over the fault matrix.
import type { CallApiContextParams, CallApiOptionsParams } from 'promptfoo';
import { describe, expect, it, vi } from 'vitest';
import AnthropicProvider from '../providers/anthropic.js';
import { envelopeOf, stratalignMeta as meta, useLoopbackServer } from './helpers/loopback-provider.js';
import {
  contentFilter,
  delay,
  emptyChoices,
  malformed,
  ok,
  reset,
  status,
  truncated,
  type LoopbackServer,
} from './loopback/server.js';

const KEY_ENV = 'STRATALIGN_TEST_ANTHROPIC_KEY';
const KEY = 'sk-ant-loopback-8e1b55c0d2';
const fast = { retryAfterMs: 5 };

let server: LoopbackServer;
useLoopbackServer(KEY_ENV, KEY, (s) => (server = s));

const provider = (config: Record<string, unknown> = {}) =>
  new AnthropicProvider({
    id: 'anthropic-test',
    config: {
      model: 'claude-test',
      baseUrl: server.url,
      apiKeyEnv: KEY_ENV,
      protocol: 'reasoned',
      max_tokens: 300,
      maxRetries: 2,
      ...config,
    },
  });

const call = (
  p: AnthropicProvider,
  vars: Record<string, unknown> = { scenario: 'team/delight' },
  options?: CallApiOptionsParams,
) => p.callApi('display only', { vars } as unknown as CallApiContextParams, options);

describe('anthropic provider: config', () => {
  it('refuses logprobs mode, n and seed when the config is loaded, and fails every call with why', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const logprobs = provider({ protocol: 'letter-only', mode: 'logprobs' });
      expect(logprobs.config).toBeUndefined();
      expect(logprobs.configError).toMatch(/providers\[anthropic-test\]\.config\.mode.*no log-probabilities/);
      expect(provider({ samples: 3, useN: 'auto' }).configError).toMatch(/no `n`/);
      expect(provider({ seed: 3 }).configError).toMatch(/no seed/);
      // Said once when loaded (promptfoo would print a stack trace for a throw), then on every row.
      expect(stderr).toHaveBeenCalledWith(expect.stringMatching(/no log-probabilities/));
      const refused = await call(logprobs);
      expect(refused.error).toBe(logprobs.configError);
      // Its rows still say what they asked for, so the summary counts the lost answers.
      expect(refused.metadata?.stratalign).toMatchObject({
        requested: 1,
        recorded: 0,
        missing: { count: 1, byKind: [{ kind: 'config-error', count: 1 }] },
      });
      const multi = provider({ samples: 4, seed: 3 });
      expect((await call(multi)).metadata?.stratalign).toMatchObject({
        requested: 4,
        recorded: 0,
        missing: { count: 4 },
      });
      expect(server.requests).toHaveLength(0);
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('anthropic provider: answers', () => {
  it('sends the system text apart from the user turn, with the key header, and returns the text', async () => {
    server.script(ok('C\nBecause harmony rewards cooperation.'));
    const r = await call(
      provider({ temperature: 0.5, role: 'teacher', prices: { inputPerMTok: 3, outputPerMTok: 15 } }),
    );
    expect(r.output).toBe('C\nBecause harmony rewards cooperation.');
    const request = server.requests[0]!;
    expect(request.path).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe(KEY);
    expect(request.body).toMatchObject({ model: 'claude-test', max_tokens: 300, temperature: 0.5 });
    expect(request.body.system).toContain('This is a role-play');
    expect(request.body.messages).toEqual([{ role: 'user', content: expect.stringContaining('Think step by step') }]);
    expect(meta(r)).toMatchObject({
      provider: 'anthropic',
      mode: 'single',
      role: 'teacher',
      scenario: 'team/prisoners-delight',
      finishReason: 'stop',
    });
    expect(r.tokenUsage!.completion).toBe(5);
    expect(r.cost).toBeCloseTo((r.tokenUsage!.prompt! * 3 + 5 * 15) / 1e6, 15);
  });

  it('keeps a max_tokens stop as a sample with finishReason length', async () => {
    server.script(truncated('Let me think about'));
    const r = await call(provider());
    expect(r.output).toBe('Let me think about');
    expect(meta(r).finishReason).toBe('length');
  });

  it('makes N calls with bounded concurrency in multi mode (no n on this API)', async () => {
    server.script(...Array.from({ length: 5 }, () => delay(30, ok('D'))));
    const e = envelopeOf(await call(provider({ samples: 5, concurrency: 2 })));
    expect(e).toMatchObject({ mode: 'multi', requested: 5, missing: { count: 0 } });
    expect(e.samples).toHaveLength(5);
    expect(server.requests).toHaveLength(5);
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
    expect(server.requests.every((r) => r.body.n === undefined)).toBe(true);
  });
});

describe('anthropic provider: faults', () => {
  it('retries a 429 with retry-after, and reports a persistent 529 after the retries', async () => {
    server.script(status(429, { retryAfterMs: 10 }), ok('C'));
    expect((await call(provider())).output).toBe('C');
    server.script(status(529, { ...fast, message: 'Overloaded' }), status(529, { ...fast, message: 'Overloaded' }));
    const r = await call(provider({ maxRetries: 1 }));
    expect(r.error).toBe(
      `stratalign anthropic "claude-test": 529 server error at ${server.url} after 1 retry (retry-after 5 ` +
        `ms): Overloaded`,
    );
    expect(server.requests).toHaveLength(4);
  });

  it.each([500, 502, 503])('retries a %i and recovers', async (code) => {
    server.script(status(code, fast), ok('C'));
    expect((await call(provider())).output).toBe('C');
    expect(server.requests).toHaveLength(2);
  });

  it('reports a timeout and a connection reset after the retries', async () => {
    server.script(delay(2000, ok('C')), delay(2000, ok('C')));
    expect((await call(provider({ timeoutMs: 150, maxRetries: 1 }))).error).toContain(
      `no response from ${server.url} within 150 ms after 1 retry`,
    );
    server.script(reset());
    expect((await call(provider({ maxRetries: 0 }))).error).toContain(`connection reset by ${server.url}`);
  });

  it('reports malformed JSON and an empty content list as errors', async () => {
    server.script(malformed());
    expect((await call(provider())).error).toContain('malformed response');
    server.script(emptyChoices());
    expect((await call(provider())).error).toContain('the API returned no text (finish reason stop)');
  });

  it('treats stop_reason refusal as an error in single mode and a missing sample in a batch', async () => {
    server.script(contentFilter());
    expect((await call(provider())).error).toContain('refused by the API (stop_reason refusal)');
    server.script(ok('C'), contentFilter(), ok('D'));
    const e = envelopeOf(await call(provider({ samples: 3, concurrency: 1 })));
    expect(e.samples.map((s) => s.text)).toEqual(['C', 'D']);
    expect(e.missing).toEqual({
      count: 1,
      reasons: ['1× refused by the API (stop_reason refusal)'],
      byKind: [{ kind: 'refusal', count: 1, message: 'refused by the API (stop_reason refusal)' }],
    });
  });

  it('names the env var of a missing key and never leaks a key the server echoes', async () => {
    delete process.env[KEY_ENV];
    expect((await call(provider())).error).toContain(`env var ${KEY_ENV} is not set`);
    expect(server.requests).toHaveLength(0);
    process.env[KEY_ENV] = KEY;
    server.script(status(401, { message: (req) => `invalid x-api-key ${String(req.headers['x-api-key'])}` }));
    const r = await call(provider());
    expect(r.error).toContain('401 authentication failed');
    expect(JSON.stringify(r)).not.toContain(KEY);
  });

  it('passes promptfoo’s abort signal to the request', async () => {
    server.script(delay(5000, ok('C')));
    const controller = new AbortController();
    const pending = call(provider(), { scenario: 'team/delight' }, { abortSignal: controller.signal });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    expect((await pending).error).toContain('request aborted by promptfoo');
  });
});
