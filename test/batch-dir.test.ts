// The collection directory and the plan: batch sizes are part of the plan, a wrong base URL can
// be corrected, a --dir that is a file or holds someone else's files is refused before anything
// is written, and temp files of an interrupted write do not stay behind.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, journalOf, planArgs, type BatchServer } from './batch-helpers.js';
import { FAST, useBatchFixture } from './helpers/batch-fixture.js';

const { tempDir, startServer } = useBatchFixture();

const OURS = 'business_prisoners-dilemma_0';
const escapeRegExp = (text: string) => text.replace(/[/.]/g, '\\$&');
const sizes = (s: BatchServer) => s.batches.batches.map((b) => b.items.length);

describe('--max-requests and --max-bytes are part of the plan', () => {
  it('a later submit keeps the planned batch size without repeating the option', async () => {
    const server = await startServer({ pollsToEnd: 1 });
    const dir = tempDir();
    const plan = await cli([
      'batch',
      'plan',
      '--dir',
      dir,
      ...planArgs('anthropic', server),
      '--samples',
      '5',
      '--scenario',
      'biz/prison',
      '--max-requests',
      '2',
    ]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/; 3 batches within the limits \(at most 2 requests per batch\)/);
    expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')).batchLimits).toEqual({ maxRequests: 2 });
    const submit = await cli(['batch', 'submit', '--dir', dir]);
    expect(submit.code).toBe(0);
    expect(sizes(server)).toEqual([2, 2, 1]);
  });

  it('the same limit again is fine; a different one is refused with the planned value', async () => {
    const server = await startServer({ pollsToEnd: 1 });
    const dir = tempDir();
    await cli([
      'batch',
      'plan',
      '--dir',
      dir,
      ...planArgs('openai', server),
      '--samples',
      '3',
      '--scenario',
      'biz/prison',
      '--max-bytes',
      '100000',
    ]);
    const other = await cli(['batch', 'resume', '--dir', dir, '--max-bytes', '90000', ...FAST]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /--max-bytes: the plan sets 100000 bytes per batch; a collection keeps its batch sizes \(got 90000\)/,
    );
    expect(server.server.requests).toHaveLength(0);
    const same = await cli(['batch', 'resume', '--dir', dir, '--max-bytes', '100000', ...FAST]);
    expect(same.code).toBe(0);
  });

  it('run with plan options and a limit, repeated, plans once', async () => {
    const server = await startServer({ pollsToEnd: 1 });
    const dir = tempDir();
    const args = [
      'batch',
      'run',
      '--dir',
      dir,
      ...planArgs('openai', server),
      '--samples',
      '3',
      '--scenario',
      'biz/prison',
      '--max-requests',
      '2',
      ...FAST,
    ];
    expect((await cli(args)).code).toBe(0);
    const again = await cli(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^plan already in place/);
    expect(sizes(server)).toEqual([2, 1]);
  });
});

describe('a wrong base URL can be corrected', () => {
  it('run again with the right --base-url: the journal records the change and the collection finishes', async () => {
    const server = await startServer({ pollsToEnd: 1 });
    const dir = tempDir();
    const wrong = `${server.baseUrl('anthropic')}/v1`;
    const options = (url: string) => [
      ...planArgs('anthropic', server!).map((a) => (a === server!.baseUrl('anthropic') ? url : a)),
      '--samples',
      '2',
      '--scenario',
      'biz/prison',
      ...FAST,
    ];
    const first = await cli(['batch', 'run', '--dir', dir, ...options(wrong)]);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/404 not found/);
    const fixed = await cli(['batch', 'run', '--dir', dir, ...options(server.baseUrl('anthropic'))]);
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toMatch(
      new RegExp(
        `base URL changed from ${escapeRegExp(wrong)} to ${escapeRegExp(server.baseUrl('anthropic'))} ` +
          '\\(recorded in journal\\.jsonl; plan\\.json keeps the one it was planned with\\)',
      ),
    );
    expect(
      journalOf(dir)
        .filter((e) => e.type === 'base-url')
        .map((e) => e.baseUrl),
    ).toEqual([server.baseUrl('anthropic')]);
    // The plan itself is unchanged (its hash ties the journal to it); later steps use the new URL.
    expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')).baseUrl).toBe(wrong);
    expect((await cli(['batch', 'status', '--dir', dir])).code).toBe(0);
  });

  it('resume --base-url corrects it too; a non-http URL is refused', async () => {
    const server = await startServer({ pollsToEnd: 1 });
    const dir = tempDir();
    const wrong = `http://127.0.0.1:9/v1`;
    await cli([
      'batch',
      'plan',
      '--dir',
      dir,
      ...planArgs('openai', server).map((a) => (a === server!.baseUrl('openai') ? wrong : a)),
      '--samples',
      '2',
      '--scenario',
      'biz/prison',
    ]);
    const bad = await cli(['batch', 'resume', '--dir', dir, '--base-url', 'ftp://127.0.0.1/v1', ...FAST]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--base-url/);
    const resume = await cli(['batch', 'resume', '--dir', dir, '--base-url', server.baseUrl('openai'), ...FAST]);
    expect(resume.code).toBe(0);
    expect(server.batches.batches).toHaveLength(1);
  });
});

describe('--dir is checked before anything is written', () => {
  it('a regular file: refused with exit 2, the file untouched', async () => {
    const parent = tempDir();
    const file = join(parent, 'notes.txt');
    writeFileSync(file, 'my notes\n');
    for (const step of [
      [
        'run',
        '--provider',
        'openai',
        '--model',
        'm',
        '--protocol',
        'letter-only',
        '--samples',
        '1',
        '--scenario',
        'biz/prison',
      ],
      ['resume'],
      [
        'plan',
        '--provider',
        'openai',
        '--model',
        'm',
        '--protocol',
        'letter-only',
        '--samples',
        '1',
        '--scenario',
        'biz/prison',
      ],
    ]) {
      const r = await cli(['batch', step[0]!, '--dir', file, ...step.slice(1)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/notes\.txt: --dir names a file, not a directory\. Fix: give a new or empty directory/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readFileSync(file, 'utf8')).toBe('my notes\n');
    expect(readdirSync(parent)).toEqual(['notes.txt']);
  });

  it("a folder holding someone else's recording: refused, nothing added to it", async () => {
    const server = await startServer();
    const dir = tempDir();
    writeFileSync(
      join(dir, 'recording.jsonl'),
      '{"schema":"stratalign.sample/v1","scenario":"x/y","provenance":{"customId":"other_collection_1"}}\n',
    );
    const r = await cli([
      'batch',
      'run',
      '--dir',
      dir,
      ...planArgs('openai', server),
      '--samples',
      '2',
      '--scenario',
      'biz/prison',
      ...FAST,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /recording\.jsonl: line 1, field provenance\.customId: not a request of this collection plan/,
    );
    expect(readdirSync(dir)).toEqual(['recording.jsonl']);
    expect(server.server.requests).toHaveLength(0);
  });

  it('a recording or a journal without its plan.json: refused, nothing added', async () => {
    const server = await startServer();
    const samePlan = tempDir();
    writeFileSync(
      join(samePlan, 'recording.jsonl'),
      `${JSON.stringify({ scenario: 'business/prisoners-dilemma', provenance: { customId: OURS } })}\n`,
    );
    const r = await cli([
      'batch',
      'plan',
      '--dir',
      samePlan,
      ...planArgs('openai', server),
      '--samples',
      '2',
      '--scenario',
      'biz/prison',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /recording\.jsonl: already holds 1 sample, but the directory has no plan\.json: it is not a collection this plan/,
    );
    expect(readdirSync(samePlan)).toEqual(['recording.jsonl']);

    const journalOnly = tempDir();
    writeFileSync(join(journalOnly, 'journal.jsonl'), '{"type":"plan"}\n');
    const j = await cli([
      'batch',
      'plan',
      '--dir',
      journalOnly,
      ...planArgs('openai', server),
      '--samples',
      '2',
      '--scenario',
      'biz/prison',
    ]);
    expect(j.code).toBe(2);
    expect(j.stderr).toMatch(/journal\.jsonl: a collection journal without its plan\.json/);
    expect(readdirSync(journalOnly)).toEqual(['journal.jsonl']);
  });

  it('a folder with unrelated files is used as it is (they are left alone)', async () => {
    const server = await startServer({ pollsToEnd: 1 });
    const dir = tempDir();
    writeFileSync(join(dir, 'README.txt'), 'teacher run for the April report\n');
    const r = await cli([
      'batch',
      'run',
      '--dir',
      dir,
      ...planArgs('openai', server),
      '--samples',
      '2',
      '--scenario',
      'biz/prison',
      ...FAST,
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'README.txt'), 'utf8')).toBe('teacher run for the April report\n');
  });
});

describe('temp files of an interrupted write', () => {
  it('are removed when the collection is next opened, and the removal is reported', async () => {
    const server = await startServer({ pollsToEnd: 1 });
    const dir = tempDir();
    await cli([
      'batch',
      'plan',
      '--dir',
      dir,
      ...planArgs('openai', server),
      '--samples',
      '2',
      '--scenario',
      'biz/prison',
    ]);
    // What a SIGKILL during writeFileAtomic leaves: `.<name>.<pid>-<8 hex>.partial`.
    mkdirSync(join(dir, 'requests'), { recursive: true });
    writeFileSync(join(dir, 'requests', '.b0001.jsonl.4242-0badcafe.partial'), '{"custom_id":');
    writeFileSync(join(dir, '.plan.json.4242-1badcafe.partial'), '{');
    writeFileSync(join(dir, 'requests', 'keep-me.partial'), 'not ours');
    const r = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/removed 2 unfinished temporary files left by an interrupted run/);
    expect(existsSync(join(dir, 'requests', '.b0001.jsonl.4242-0badcafe.partial'))).toBe(false);
    expect(existsSync(join(dir, '.plan.json.4242-1badcafe.partial'))).toBe(false);
    expect(existsSync(join(dir, 'requests', 'keep-me.partial'))).toBe(true);
  });
});
