// Both live providers through their real SDKs against the loopback server, on the faults found by
// fault injection: lost answers counted per answer, resets after the headers, long retry-after,
// thin log-probability readings and abort listeners on promptfoo's shared signal.
import { getEventListeners } from 'node:events';
import type { CallApiContextParams, CallApiOptionsParams, ProviderOptions } from 'promptfoo';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import AnthropicProvider from '../providers/anthropic.js';
import OpenAICompatibleProvider from '../providers/openai-compatible.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { summariseEval } from '../src/report/summary/summarise-eval.js';
import { stratalignMeta as meta, useLoopbackServer } from './helpers/loopback-provider.js';
import { delay, ok, okLogprobs, resetMidBody, status, type LoopbackServer } from './loopback/server.js';

const KEY_ENV = 'STRATALIGN_TEST_FAULTS_KEY';
let server: LoopbackServer;
useLoopbackServer(KEY_ENV, 'sk-loopback-faults-77aa01', (s) => (server = s));

type Vendor = {
  name: string;
  make: (config: Record<string, unknown>) => OpenAICompatibleProvider | AnthropicProvider;
  url: () => string;
};
const vendors: Vendor[] = [
  {
    name: 'openai-compatible',
    make: (config) =>
      new OpenAICompatibleProvider({
        id: 'oa',
        config: { model: 'm', baseUrl: `${server.url}/v1`, apiKeyEnv: KEY_ENV, protocol: 'letter-only', ...config },
      } as ProviderOptions),
    url: () => `${server.url}/v1`,
  },
  {
    name: 'anthropic',
    make: (config) =>
      new AnthropicProvider({
        id: 'an',
        config: {
          model: 'm',
          baseUrl: server.url,
          apiKeyEnv: KEY_ENV,
          protocol: 'letter-only',
          max_tokens: 5,
          ...config,
        },
      } as ProviderOptions),
    url: () => server.url,
  },
];

const call = (
  p: { callApi: OpenAICompatibleProvider['callApi'] },
  options?: CallApiOptionsParams,
  scenario = 'biz/prison',
) => p.callApi('display only', { vars: { scenario } } as unknown as CallApiContextParams, options);

describe.each(vendors)('$name: lost answers are counted per answer', (v) => {
  it('an error row of a multi row says it lost every answer it asked for, by kind', async () => {
    server.script(...Array.from({ length: 4 }, () => status(400, { message: 'bad request' })));
    const r = await call(v.make({ samples: 4, useN: false, maxRetries: 0 }));
    expect(r.error).toContain('no answer recorded for any of 4 samples');
    expect(meta(r)).toMatchObject({
      requested: 4,
      recorded: 0,
      missing: {
        count: 4,
        byKind: [{ kind: 'http-error', count: 4, message: `400 error from ${v.url()}: bad request` }],
      },
    });
  });

  it('a row that fails before its first call (missing key) still carries requested / recorded / missing', async () => {
    delete process.env[KEY_ENV];
    const multi = await call(v.make({ samples: 3, useN: false }));
    expect(multi.error).toContain(`env var ${KEY_ENV} is not set`);
    expect(meta(multi)).toMatchObject({
      requested: 3,
      recorded: 0,
      missing: {
        count: 3,
        reasons: [expect.stringMatching(/^3× env var/)],
        byKind: [{ kind: 'missing-key', count: 3 }],
      },
    });
    process.env[KEY_ENV] = '   ';
    expect(meta(await call(v.make({})))).toMatchObject({
      requested: 1,
      recorded: 0,
      missing: { count: 1, byKind: [{ kind: 'missing-key' }] },
    });
    expect(meta(await call(v.make({}), undefined, 'nowhere/prison'))).toMatchObject({
      requested: 1,
      missing: { count: 1, byKind: [{ kind: 'not-asked' }] },
    });
    // A sequential row that cannot start loses the first batch it would have asked for.
    const sequential = v.make({
      sequential: { reference: 'datasets/recordings/lfb-counts.csv', tolerance: 0.1, cap: 60, batch: 10 },
    });
    expect(meta(await call(sequential))).toMatchObject({
      requested: 10,
      recorded: 0,
      missing: { count: 10, byKind: [{ kind: 'missing-key' }] },
    });
    expect(server.requests).toHaveLength(0);
  });
});

describe.each(vendors)('$name: a connection reset after the response headers', (v) => {
  it('is retried like any reset, and the retry answers', async () => {
    server.script(resetMidBody('D'), ok('C'));
    const r = await call(v.make({ maxRetries: 2 }));
    expect(r.error).toBeUndefined();
    expect(r.output).toBe('C');
    expect(server.requests.map((q) => q.behaviour)).toEqual(['reset-mid-body', 'ok']);
  });

  it('is reported as a reset after the retries, never as an unexpected failure', async () => {
    server.script(resetMidBody(), resetMidBody(), resetMidBody());
    const r = await call(v.make({ maxRetries: 2 }));
    expect(r.error).toContain(`connection reset by ${v.url()} after 2 retries (mid-body, after the response headers)`);
    expect(r.error).not.toContain('unexpected');
    expect(meta(r)).toMatchObject({
      requested: 1,
      recorded: 0,
      missing: { count: 1, byKind: [{ kind: 'connection' }] },
    });
    expect(server.requests).toHaveLength(3);
  });
});

describe.each(vendors)('$name: retry-after is bounded by maxRetryAfterMs', (v) => {
  // An unbounded wait would hold this test for an hour: vitest's 5 s timeout is the proof it did not wait.
  it(
    'does not wait for retry-after: 3600 under the default bound; the answer is missing ' + 'with that reason',
    async () => {
      server.script(status(429, { retryAfter: 3600, message: 'slow down' }), ok('C'));
      const r = await call(v.make({ maxRetries: 2 }));
      expect(r.error).toContain(
        `429 rate limited by ${v.url()}: the server asked to wait 3600s before retrying, longer than allowed ` +
          `(maxRetryAfterMs 180s); not retried: slow down`,
      );
      expect(meta(r)).toMatchObject({
        requested: 1,
        missing: { count: 1, byKind: [{ kind: 'retry-after-too-long', count: 1 }] },
      });
      expect(server.requests).toHaveLength(1);
      expect(server.pending).toBe(1);
    },
  );

  it('honours a wait within the bound, and counts the retries made before a refused one', async () => {
    server.script(status(503, { retryAfterMs: 20 }), status(429, { retryAfterMs: 5_000 }));
    const r = await call(v.make({ maxRetries: 3, maxRetryAfterMs: 1_000 }));
    expect(r.error).toContain(
      `429 rate limited by ${v.url()} after 1 retry: the server asked to wait 5s before retrying, longer than ` +
        `allowed (maxRetryAfterMs 1s)`,
    );
    expect(server.requests.map((q) => q.headers['x-stainless-retry-count'])).toEqual(['0', '1']);
    server.script(status(429, { retryAfterMs: 30 }), ok('D'));
    expect((await call(v.make({ maxRetries: 1, maxRetryAfterMs: 1_000 }))).output).toBe('D');
  });

  it('with maxRetryAfterMs 0 never waits on retry-after, but still retries errors that give none', async () => {
    server.script(status(503, { retryAfter: 1 }));
    expect((await call(v.make({ maxRetries: 2, maxRetryAfterMs: 0 }))).error).toContain('not retried');
    server.script(status(503), ok('C'));
    expect((await call(v.make({ maxRetries: 1, maxRetryAfterMs: 0 }))).output).toBe('C');
    expect(server.requests).toHaveLength(3);
  });
});

describe('openai-compatible: log-probability readings need enough mass on the options', () => {
  const provider = (config: Record<string, unknown> = {}) => vendors[0]!.make({ mode: 'logprobs', ...config });
  // The top token is "**": the letters hold 9 % of the first token's mass, split 70/30.
  const stars = () => okLogprobs('**', { '**': Math.log(0.9), C: Math.log(0.063), D: Math.log(0.027) });

  it(
    'fails a row whose options hold less than minInSpaceMass (default 0.5), with the reason and the ' +
      'unscored reading',
    async () => {
      server.script(stars());
      const r = await call(provider());
      expect(r.output).toBeUndefined();
      expect(r.error).toContain(
        "the options (C, D) hold 9.0 % of the first answer token's probability, below minInSpaceMass 50.0 %",
      );
      expect(r.error).toContain('"**" 0.900');
      const m = meta(r);
      expect(m).toMatchObject({
        requested: 1,
        recorded: 0,
        missing: { count: 1, byKind: [{ kind: 'low-in-space-mass', count: 1 }] },
        unscoredText: '**',
      });
      expect(m.unscoredDistribution.probabilities.C).toBeCloseTo(0.7, 9);
    },
  );

  it('scores the same reading when minInSpaceMass allows it, and a clean reading by default', async () => {
    server.script(stars(), okLogprobs('C', { C: Math.log(0.6), D: Math.log(0.35) }));
    expect((await call(provider({ minInSpaceMass: 0.05 }))).error).toBeUndefined();
    expect((await call(provider())).error).toBeUndefined();
  });

  it('the end-of-eval summary counts each reading as its distribution, not the token it sampled', async () => {
    // Every call samples "C", but each reading says P(C) = 0.7 on 95 % of the mass: 70 %, not 100 %.
    const reading = () => okLogprobs('C', { C: Math.log(0.665), D: Math.log(0.285) });
    server.script(reading(), reading(), reading(), stars());
    const p = provider({ role: 'base' });
    const scenarios = ['biz/prison', 'team/delight', 'IR/staghunt', 'biz/prison'];
    const rows = [];
    for (const scenario of scenarios) {
      const r = await call(p, undefined, scenario);
      const failed = r.error !== undefined;
      rows.push({
        provider: { id: 'file://providers/openai-compatible.ts', label: 'lp' },
        vars: { scenario, split: 'in-sample' },
        response: r,
        ...(failed ? { error: r.error, failureReason: 2 } : { failureReason: 0 }),
      });
    }
    const out = await summariseEval(rows, null, defaultCatalogue());
    expect(out.text).toMatch(/^lp\s+base\s+live \(log-probability readings\)\s+3\s+0\s+70\.0 %/m);
    // The thin reading (the "**" row) is a lost answer with its reason, not a 70 % reading.
    expect(out.lostAnswers).toBe(1);
    expect(out.text).toMatch(/LOST ANSWERS: 1 provider error row\(s\)/);
  });

  it('refuses minInSpaceMass outside mode logprobs when the config is loaded', () => {
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      expect(vendors[0]!.make({ minInSpaceMass: 0.5 }).configError).toMatch(
        /minInSpaceMass only applies to mode logprobs/,
      );
    } finally {
      process.stderr.write = stderr;
    }
  });
});

describe.each(vendors)('$name: promptfoo’s shared abort signal', (v) => {
  let warnings: Error[];
  const onWarning = (w: Error) => warnings.push(w);
  beforeEach(() => {
    warnings = [];
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });

  it('carries at most one listener of ours however many requests share it, and none afterwards', async () => {
    const shared = new AbortController();
    const provider = v.make({ concurrency: 8 });
    let most = 0;
    server.script(...Array.from({ length: 30 }, () => delay(15, ok('C'))));
    const watch = setInterval(() => (most = Math.max(most, getEventListeners(shared.signal, 'abort').length)), 2);
    try {
      const rows = await Promise.all(Array.from({ length: 30 }, () => call(provider, { abortSignal: shared.signal })));
      expect(rows.every((r) => r.output === 'C')).toBe(true);
    } finally {
      clearInterval(watch);
    }
    expect(server.maxInFlight).toBeGreaterThan(1);
    expect(most).toBe(1);
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
    // Let any pending process warning be emitted before looking.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('still aborts every request in flight when promptfoo aborts', async () => {
    const shared = new AbortController();
    const provider = v.make({ concurrency: 4, maxRetries: 0 });
    server.script(...Array.from({ length: 3 }, () => delay(5_000, ok('C'))));
    const pending = Promise.all(Array.from({ length: 3 }, () => call(provider, { abortSignal: shared.signal })));
    await expect.poll(() => server.requests.length).toBe(3);
    shared.abort();
    for (const r of await pending) expect(r.error).toContain('request aborted by promptfoo');
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
  });
});
