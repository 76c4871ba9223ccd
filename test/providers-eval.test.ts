// One real `promptfoo eval` through the OpenAI-compatible provider against the loopback server,
// with faults injected per sample: every requested answer must end up recorded or reported missing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { loadTallies } from '../src/recordings/load-tallies.js';
import { readEnvelope } from '../src/answers/samples/envelope.js';
import { summariseEval } from '../src/report/summary/summarise-eval.js';
import {
  contentFilter,
  emptyChoices,
  malformed,
  ok,
  reset,
  startLoopbackServer,
  status,
  truncated,
  userText,
  type LoopbackServer,
  type RecordedRequest,
} from './loopback/server.js';

const PROVIDER = `file://${fileURLToPath(new URL('../providers/openai-compatible.ts', import.meta.url))}`;
const KEY_ENV = 'STRATALIGN_TEST_EVAL_KEY';
const fast = { retryAfterMs: 2 };
const N = 4;

// Context role texts from datasets/catalogue/contexts.yaml identify the scenario of a request.
const CONTEXT = {
  business: 'CEO of a firm meeting the CEO',
  team: 'a colleague choosing between two projects',
  friends: 'one of two friends',
};
type Row = {
  label: string;
  scenario: string;
  repeat: number;
  error?: string;
  requested: number;
  recorded: number;
  missing: number;
  finishReasons: string[];
};

let server: LoopbackServer;
let configDir: string;
let rows: Row[];
let stats: { successes: number; failures: number; errors: number };
let results: unknown[];
const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'stratalign-promptfoo-'));
  Object.assign(process.env, {
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_RUNTIME_WARNINGS: '1',
    PROMPTFOO_CONFIG_DIR: configDir,
    [KEY_ENV]: 'sk-loopback-eval-5d3e9b',
  });
  server = await startLoopbackServer({ fallback: ok('C') });
  const is = (model: string, context: keyof typeof CONTEXT, seed?: number) => (r: RecordedRequest) =>
    r.body?.model === model && userText(r).includes(CONTEXT[context]) && (seed === undefined || r.body?.seed === seed);
  // Multi provider: seeds 1000 + repeat * N + sample; maxRetries 1, so a sample fails after 2 attempts.
  server.when(is('student-multi', 'team', 1001), status(503, fast), status(503, fast));
  server.when(is('student-multi', 'team', 1002), reset());
  server.when(is('student-multi', 'team', 1003), contentFilter());
  server.when(is('student-multi', 'team', 1005), malformed());
  server.when(is('student-multi', 'friends'), ...Array.from({ length: 2 * N * 2 }, () => status(429, fast)));
  server.when(is('student-multi', 'business', 1000), truncated('I choose'));
  // Single provider: seed 50 + repeat.
  server.when(is('student-single', 'business', 50), contentFilter());
  server.when(is('student-single', 'team', 51), emptyChoices());
  server.when(is('student-single', 'friends', 50), status(500, fast), status(500, fast));

  const { default: promptfoo } = await import('promptfoo');
  process.on('warning', onWarning);
  const common = { baseUrl: `${server.url}/v1`, apiKeyEnv: KEY_ENV, protocol: 'letter-only', maxRetries: 1 };
  const record = await promptfoo.evaluate(
    {
      prompts: ['{{scenario}}'],
      providers: [
        {
          id: PROVIDER,
          label: 'student multi',
          config: { ...common, model: 'student-multi', samples: N, useN: false, seed: 1000, concurrency: 2 },
        },
        { id: PROVIDER, label: 'student single', config: { ...common, model: 'student-single', seed: 50 } },
      ],
      tests: ['business/prisoners-dilemma', 'team/stag-hunt', 'friends/snowdrift'].map((scenario) => ({
        vars: { scenario, split: 'in-sample' },
      })),
      writeLatestResults: false,
    },
    // The CLI hands every provider call one shared signal (for Ctrl-C); so does this run.
    { maxConcurrency: 2, showProgressBar: false, cache: false, repeat: 2, abortSignal: new AbortController().signal },
  );
  const summary = (await record.toEvaluateSummary()) as any;
  await new Promise((resolve) => setImmediate(resolve));
  process.off('warning', onWarning);
  stats = summary.stats;
  results = summary.results;
  rows = summary.results.map((result: any): Row => {
    const response = result.response ?? {};
    const meta = response.metadata?.stratalign ?? {};
    const label = result.provider.label;
    const read = typeof response.output === 'string' ? readEnvelope(response.output) : { kind: 'none' as const };
    if (read.kind === 'invalid') throw new Error(read.reason);
    const envelope = read.kind === 'envelope' ? read.envelope : undefined;
    return {
      label,
      scenario: meta.scenario,
      repeat: meta.repeatIndex,
      ...(response.error || result.error ? { error: String(response.error ?? result.error) } : {}),
      requested: envelope?.requested ?? meta.requested,
      recorded: envelope ? envelope.samples.length : response.error ? 0 : 1,
      missing: envelope?.missing.count ?? meta.missing?.count,
      finishReasons: envelope
        ? envelope.samples.map((s) => s.finishReason ?? '')
        : meta.finishReason
          ? [meta.finishReason]
          : [],
    };
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(configDir, { recursive: true, force: true });
});

const find = (label: string, scenario: string, repeat: number) =>
  rows.find((r) => r.label === label && r.scenario === scenario && r.repeat === repeat)!;

describe('promptfoo eval through the loopback server with injected faults', () => {
  it('produced one row per provider, scenario and repeat, and used the whole fault script', () => {
    expect(rows).toHaveLength(2 * 3 * 2);
    expect(server.pending).toBe(0);
    // Multi: 24 first attempts + 1 retry (503) + 1 (reset) + 8 (429); the malformed body is not retried.
    // Single: 6 first attempts + 1 retry (500). promptfoo itself re-ran no call.
    expect(server.requests.filter((r) => r.body.model === 'student-multi')).toHaveLength(34);
    expect(server.requests.filter((r) => r.body.model === 'student-single')).toHaveLength(7);
  });

  it('accounts for every requested answer in every row: requested = recorded + missing', () => {
    for (const row of rows) expect(row.recorded + row.missing, JSON.stringify(row)).toBe(row.requested);
    const total = (label: string, key: 'requested' | 'recorded' | 'missing') =>
      rows.filter((r) => r.label === label).reduce((sum, r) => sum + r[key], 0);
    expect([
      total('student multi', 'requested'),
      total('student multi', 'recorded'),
      total('student multi', 'missing'),
    ]).toEqual([24, 13, 11]);
    expect([
      total('student single', 'requested'),
      total('student single', 'recorded'),
      total('student single', 'missing'),
    ]).toEqual([6, 3, 3]);
  });

  it('keeps partial batches as envelopes and reports fully failed ones as errors', () => {
    expect(find('student multi', 'team/stag-hunt', 0)).toMatchObject({ recorded: 2, missing: 2 });
    expect(find('student multi', 'team/stag-hunt', 1)).toMatchObject({ recorded: 3, missing: 1 });
    expect(find('student multi', 'business/prisoners-dilemma', 0).finishReasons.sort()).toEqual([
      'length',
      'stop',
      'stop',
      'stop',
    ]);
    for (const repeat of [0, 1]) {
      expect(find('student multi', 'friends/snowdrift', repeat).error).toContain(
        'no answer recorded for any of 4 samples: 4× 429 rate limited by',
      );
    }
    expect(find('student single', 'business/prisoners-dilemma', 0).error).toContain('content filtered by the API');
    expect(find('student single', 'team/stag-hunt', 1).error).toContain('returned no choices');
    expect(find('student single', 'friends/snowdrift', 0).error).toContain('500 server error at');
    expect(find('student single', 'friends/snowdrift', 1)).toMatchObject({ recorded: 1, missing: 0 });
  });

  it('marks exactly the fully failed rows as promptfoo errors', () => {
    expect(rows.filter((r) => r.error)).toHaveLength(5);
    expect(stats.errors).toBe(5);
  });

  it('reports the exact number of answers lost: every answer of an error row, not one per row', async () => {
    // Multi: two error rows of 4 answers + 3 missing in partial envelopes; single: three error rows of 1.
    const outcome = await summariseEval(results, null, defaultCatalogue());
    expect(outcome.lostAnswers).toBe(14);
    expect(outcome.text).toContain(
      'LOST ANSWERS: 5 provider error row(s) and 3 missing sample(s) in this eval: 14 answer(s) lost in all (11 ' +
        'of them asked for by the error rows)',
    );
    const file = join(configDir, 'results.jsonl');
    writeFileSync(file, `${results.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const loaded = await loadTallies(file, defaultCatalogue());
    expect(loaded.lost).toMatchObject({ providerErrors: 5, missingSamples: 14, errorRowAnswers: 11 });
  });

  it('leaves no abort listeners on promptfoo’s shared signal (no MaxListenersExceededWarning over 41 requests)', () => {
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual([]);
  });
});
