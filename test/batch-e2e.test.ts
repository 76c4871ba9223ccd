// `stratalign batch` end to end through the real openai and @anthropic-ai/sdk clients against the
// loopback server's batch endpoints.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ItemOutcome } from './loopback/batch-routes.js';
import {
  accounting,
  cli,
  errorsOf,
  journalOf,
  KEY,
  KEY_ENV,
  planArgs,
  recordedCounts,
  recordingOf,
  ROOT,
} from './batch-helpers.js';
import { useBatchFixture } from './helpers/batch-fixture.js';

const { tempDir, startServer } = useBatchFixture();

const SCENARIOS = ['--scenario', 'biz/prison', '--scenario', 'IR/staghunt@x2'];
const FAST = ['--poll-interval', '0.005'];

/** Sample 1 expires on its first attempt, 2 errors, 3 is cut off, 4 is filtered; the rest answer. */
function scripted(item: { customId: string; attempt: number }): ItemOutcome {
  const sample = item.customId.split('_').at(-1);
  if (sample === '1' && item.attempt === 1) return { kind: 'expire' };
  if (sample === '2') return { kind: 'error', status: 400, message: 'invalid request: scripted' };
  if (sample === '3') return { kind: 'ok', text: 'Considering the payoffs, I', finish: 'length' };
  if (sample === '4') return { kind: 'ok', text: '', finish: 'content_filter' };
  return { kind: 'ok', text: item.customId.startsWith('business') ? 'D' : 'C' };
}

function allFiles(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

for (const provider of ['openai', 'anthropic'] as const) {
  describe(`stratalign batch run (${provider})`, () => {
    it('collects every answer once, re-submits what expired and accounts for the rest', async () => {
      const server = await startServer({ answer: scripted });
      const dir = tempDir();
      const r = await cli([
        'batch',
        'run',
        '--dir',
        dir,
        ...planArgs(provider, server),
        '--samples',
        '5',
        ...SCENARIOS,
        '--max-requests',
        '4',
        ...FAST,
      ]);
      expect(r.code).toBe(1);
      expect(accounting(r.stdout)).toEqual({ requested: 10, recorded: 6, missing: 4 });
      expect(r.stdout).toMatch(/missing 2: errored: .*invalid request: scripted/);
      expect(r.stdout).toMatch(/missing 2: no-answer: (content filtered by the API|refused by the API)/);
      expect(r.stdout).toMatch(/re-submitted: 2 items were sent in more than one batch/);
      expect(r.stdout).toMatch(/parsed: 4 valid answers, 2 parse failures \(truncated 2\)/);
      expect(r.stderr).toMatch(
        /re-submitting 2 items that ended without an answer in an earlier batch \(2 expired\) in a new batch/,
      );
      expect(r.stderr).toMatch(/finished with 4 of 10 answers missing/);

      // The API saw 3 batches within the limit of 4, then one with exactly the expired items.
      const sent = server.batches.batches.map((b) => b.items.map((i) => i.customId));
      expect(sent.map((ids) => ids.length)).toEqual([4, 4, 2, 2]);
      expect(sent[3]).toEqual(['business_prisoners-dilemma_1', 'international-relations_stag-hunt_x2_1']);
      expect(new Set(sent.slice(0, 3).flat()).size).toBe(10);

      const counts = recordedCounts(dir);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect([...counts.keys()].sort()).toEqual(
        ['_0', '_1', '_3']
          .flatMap((s) => [`business_prisoners-dilemma${s}`, `international-relations_stag-hunt_x2${s}`])
          .sort(),
      );
      const samples = recordingOf(dir);
      const byId = new Map(samples.map((s) => [s.provenance.customId, s]));
      const batchIds = server.batches.batches.map((b) => b.id);
      expect(byId.get('business_prisoners-dilemma_0')).toMatchObject({
        scenario: 'business/prisoners-dilemma',
        split: 'in-sample',
        model: provider === 'openai' ? 'gpt-teacher' : 'claude-teacher',
        role: 'teacher',
        text: 'D',
        parse: { ok: true, action: 'D' },
        provenance: {
          source: 'live',
          mode: 'batch',
          provider,
          batchId: batchIds[0],
          sampleIndex: 0,
          finishReason: 'stop',
          origin: `${provider} batch ${batchIds[0]}`,
        },
      });
      expect(byId.get('international-relations_stag-hunt_x2_1')!.provenance.batchId).toBe(batchIds[3]);
      expect(byId.get('international-relations_stag-hunt_x2_3')!.parse).toMatchObject({
        ok: false,
        failure: 'truncated',
      });

      const errors = errorsOf(dir);
      expect(errors.map((e) => e.outcome).sort()).toEqual([
        'errored',
        'errored',
        'expired',
        'expired',
        'no-answer',
        'no-answer',
      ]);
      expect(errors.find((e) => e.outcome === 'expired')).toMatchObject({
        customId: 'business_prisoners-dilemma_1',
        scenario: 'business/prisoners-dilemma',
        sampleIndex: 1,
        batchId: batchIds[0],
      });

      // Requests carried the rendered prompt and the key (from the env var only), which was never written anywhere.
      const item = server.batches.batches[0]!.items[0]!;
      const text = JSON.stringify(item.body);
      expect(text).toContain('Answer with exactly one letter');
      expect(item.body).toMatchObject({
        model: provider === 'openai' ? 'gpt-teacher' : 'claude-teacher',
        max_tokens: 5,
      });
      const create = server.server.requests.find((q) => q.method === 'POST' && /\/batches$/.test(q.path))!;
      expect(provider === 'openai' ? create.headers.authorization : create.headers['x-api-key']).toBe(
        provider === 'openai' ? `Bearer ${KEY}` : KEY,
      );
      expect(`${r.stdout}${r.stderr}${allFiles(dir)}`).not.toContain(KEY);
    });

    it('works step by step: plan, submit, status, collect; each step accounts for every request', async () => {
      const server = await startServer({ pollsToEnd: 2 });
      const dir = tempDir();
      const plan = await cli([
        'batch',
        'plan',
        '--dir',
        dir,
        ...planArgs(provider, server),
        '--samples',
        '3',
        ...SCENARIOS,
      ]);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toMatch(
        /^planned: 2 scenarios × 3 samples = 6 requests to .* protocol letter-only; 1 batch within the limits/,
      );
      expect(server.server.requests).toHaveLength(0);

      const submit = await cli(['batch', 'submit', '--dir', dir]);
      expect(submit.code).toBe(0);
      expect(accounting(submit.stdout)).toEqual({ requested: 6, recorded: 0, missing: 6 });
      expect(submit.stdout).toMatch(
        /missing 6: in flight in b0001 \((batch|msgbatch)_loopback_0, (validating|in_progress)\)/,
      );
      expect(server.batches.batches).toHaveLength(1);
      // Submitting again sends nothing: every request is in flight.
      expect((await cli(['batch', 'submit', '--dir', dir])).code).toBe(0);
      expect(server.batches.batches).toHaveLength(1);

      const status = await cli(['batch', 'status', '--dir', dir, '--provider', provider]);
      expect(status.code).toBe(0);
      expect(status.stderr).toMatch(/b0001 \S+: in_progress/);
      const collect = await cli(['batch', 'collect', '--dir', dir]);
      expect(collect.code).toBe(0);
      expect(accounting(collect.stdout)).toEqual({ requested: 6, recorded: 6, missing: 0 });
      // OpenAI batches start validating and move to in_progress (a status step); Anthropic's start in_progress.
      const moved = provider === 'openai' ? ['status'] : [];
      const steps = ['plan', 'prepared', 'creating', 'created', ...moved, 'ended', 'collected'];
      expect(journalOf(dir).map((e) => e.type)).toEqual(steps);
      // Collecting again writes nothing twice.
      expect(accounting((await cli(['batch', 'collect', '--dir', dir])).stdout)).toEqual({
        requested: 6,
        recorded: 6,
        missing: 0,
      });
      expect(recordingOf(dir)).toHaveLength(6);
      expect((await cli(['batch', 'resume', '--dir', dir, ...FAST])).code).toBe(0);
      expect(server.batches.batches).toHaveLength(1);
    });

    it('cancel: unfinished requests are cancelled, listed as missing and not sent again', async () => {
      const server = await startServer({ pollsToEnd: 1000 });
      const dir = tempDir();
      await cli([
        'batch',
        'plan',
        '--dir',
        dir,
        ...planArgs(provider, server),
        '--samples',
        '2',
        '--scenario',
        'team/delight',
      ]);
      await cli(['batch', 'submit', '--dir', dir]);
      const cancel = await cli(['batch', 'cancel', '--dir', dir]);
      expect(cancel.code).toBe(0);
      const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
      expect(resume.code).toBe(1);
      expect(accounting(resume.stdout)).toEqual({ requested: 2, recorded: 0, missing: 2 });
      expect(resume.stdout).toMatch(/missing 2: cancelled by stratalign batch cancel/);
      expect(server.batches.batches).toHaveLength(1);
      expect(journalOf(dir).map((e) => e.type)).toContain('cancel-requested');
    });
  });
}

describe('stratalign batch: OpenAI batch failures and usage errors', () => {
  it('re-submits the requests of a batch that failed validation, and shows why it failed', async () => {
    const server = await startServer({ failBatch: (b) => (b.index === 0 ? 'scripted validation failure' : null) });
    const dir = tempDir();
    const r = await cli([
      'batch',
      'run',
      '--dir',
      dir,
      ...planArgs('openai', server),
      '--samples',
      '3',
      '--scenario',
      'biz/snowdrift',
      ...FAST,
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/b0001 batch_loopback_0: ended failed .*invalid_request: scripted validation failure/);
    expect(r.stderr).toMatch(/re-submitting 3 items .*\(3 batch-failed\)/);
    expect(accounting(r.stdout)).toEqual({ requested: 3, recorded: 3, missing: 0 });
    expect(errorsOf(dir).map((e) => e.outcome)).toEqual(['batch-failed', 'batch-failed', 'batch-failed']);
  });

  it('a missing key is a usage error naming the variable; nothing is sent', async () => {
    const server = await startServer();
    const dir = tempDir();
    delete process.env[KEY_ENV];
    const r = await cli([
      'batch',
      'run',
      '--dir',
      dir,
      ...planArgs('anthropic', server),
      '--samples',
      '1',
      '--scenario',
      'biz/prison',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`apiKeyEnv: the environment variable ${KEY_ENV} is not set .*Fix: export ${KEY_ENV}=`),
    );
    expect(server.server.requests).toHaveLength(0);
  });

  it('an unreachable API stops the step with the reason; the collection resumes later', async () => {
    const port = await closedPort();
    const dir = tempDir();
    await startServer();
    const args = [
      '--provider',
      'openai',
      '--model',
      'm',
      '--protocol',
      'letter-only',
      '--api-key-env',
      KEY_ENV,
      '--samples',
      '1',
      '--scenario',
      'biz/prison',
    ];
    const r = await cli(['batch', 'run', '--dir', dir, ...args, '--base-url', `http://127.0.0.1:${port}/v1`, ...FAST]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        String.raw`connection refused at http:\/\/127\.0\.0\.1:\d+\/v1 after 2 retries: is the server ` +
          String.raw`running\?\nNothing collected is lost`,
      ),
    );
    expect(journalOf(dir).map((e) => e.type)).toEqual(['plan', 'prepared']);
  });

  it('rejects bad usage with exit 2 and lists batch in --help', async () => {
    const help = spawnSync(process.execPath, ['bin/stratalign.mjs', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(help.stdout).toMatch(/\n {2}batch\s+Collect teacher answers through the OpenAI or Anthropic batch API/);
    expect((await cli(['batch', 'fly', '--dir', 'x'])).stderr).toMatch(
      /give one step: plan, submit, status, collect, run, resume, cancel/,
    );
    expect((await cli(['batch', 'status'])).stderr).toMatch(/--dir is required/);
    expect((await cli(['batch', 'resume', '--dir', 'x', '--samples', '3'])).stderr).toMatch(
      /--samples describes the plan; only the plan and run steps take it/,
    );
    const noScenario = await cli([
      'batch',
      'plan',
      '--dir',
      tempDir(),
      '--provider',
      'openai',
      '--model',
      'm',
      '--protocol',
      'reasoned',
      '--samples',
      '3',
    ]);
    expect(noScenario).toMatchObject({ code: 2 });
    expect(noScenario.stderr).toMatch(/select scenarios with --scenario/);
    const missing = await cli(['batch', 'status', '--dir', tempDir()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/plan.json: no collection plan here. Fix: run `stratalign batch plan`/);
  });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
