// A batch create whose answer is lost (5xx after the API created the batch, a reset, a crash or
// Ctrl-C while it is in flight) is paid for once: the batch is looked up, not created again.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection } from '../src/sources/batch/collection.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import type { BatchFault } from './loopback/batch-routes.js';
import { accounting, cli, journalOf, planArgs, recordedCounts, type BatchServer } from './batch-helpers.js';
import { apiFor, FAST, plannedDir, useBatchFixture } from './helpers/batch-fixture.js';

const { tempDir, startServer } = useBatchFixture();

const CREATE = { openai: /^\/v1\/batches$/, anthropic: /^\/v1\/messages\/batches$/ } as const;
const after = (provider: 'openai' | 'anthropic', fault: Omit<BatchFault, 'method' | 'path' | 'phase'>): BatchFault => ({
  method: 'POST',
  path: CREATE[provider],
  phase: 'after',
  times: 1,
  ...fault,
});
const before = (
  provider: 'openai' | 'anthropic',
  fault: Omit<BatchFault, 'method' | 'path' | 'phase'>,
): BatchFault => ({ method: 'POST', path: CREATE[provider], phase: 'before', times: 1, ...fault });

/** custom_id → how many server batches ran it (the requests that were paid for). */
function paidTwice(s: BatchServer): number {
  const runs = new Map<string, number>();
  for (const b of s.batches.batches)
    for (const item of b.items) runs.set(item.customId, (runs.get(item.customId) ?? 0) + 1);
  return [...runs.values()].filter((n) => n > 1).length;
}

const createsSent = (s: BatchServer) =>
  s.server.requests.filter((r) => r.method === 'POST' && /\/batches$/.test(r.path)).length;

function expectEveryIdOnce(dir: string, expected: number): void {
  const counts = recordedCounts(dir);
  expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
  expect(counts.size).toBe(expected);
}

for (const provider of ['openai', 'anthropic'] as const) {
  describe(`a lost create reply (${provider})`, () => {
    it('a 500 after the API created the batch: found, not created again; the collection pays once', async () => {
      const server = await startServer({ faults: [after(provider, { status: 500 })] });
      const dir = tempDir();
      const r = await cli([
        'batch',
        'run',
        '--dir',
        dir,
        ...planArgs(provider, server),
        '--samples',
        '4',
        '--scenario',
        'biz/prison',
        ...FAST,
      ]);
      expect(r.code).toBe(0);
      expect(server.batches.batches).toHaveLength(1);
      expect(createsSent(server)).toBe(1);
      expect(paidTwice(server)).toBe(0);
      expect(r.stderr).toMatch(
        /b0001: the create request got no clear answer \(500 server error at .*\); looking for the batch in [\d.]+ s/,
      );
      const how =
        provider === 'openai'
          ? 'its tag [0-9a-f]{16}-b0001'
          : 'its 4 requests and creation time .*, the only unknown batch that fits';
      expect(r.stderr).toMatch(
        new RegExp(
          `b0001: found batch ${server.batches.batches[0]!.id} with 4 requests, ` +
            `created by the request whose answer was lost \\(matched by ${how}\\)`,
        ),
      );
      expect(
        journalOf(dir)
          .filter((e) => e.type === 'creating' || e.type === 'created')
          .map((e) => [e.type, e.adopted ?? null]),
      ).toEqual([
        ['creating', null],
        ['created', true],
      ]);
      expect(accounting(r.stdout)).toEqual({ requested: 4, recorded: 4, missing: 0 });
      expectEveryIdOnce(dir, 4);
    });

    it('a connection reset after the API created the batch: found, not created again', async () => {
      const server = await startServer({ faults: [after(provider, { reset: true })] });
      const dir = tempDir();
      const r = await cli([
        'batch',
        'run',
        '--dir',
        dir,
        ...planArgs(provider, server),
        '--samples',
        '3',
        '--scenario',
        'team/snowdrift',
        ...FAST,
      ]);
      expect(r.code).toBe(0);
      expect(server.batches.batches).toHaveLength(1);
      expect(r.stderr).toMatch(/b0001: the create request got no clear answer \(connection reset by .*\)/);
      expectEveryIdOnce(dir, 3);
    });

    it('a 503 before anything was created: the look-up finds nothing and the batch is created (once)', async () => {
      const server = await startServer({ faults: [before(provider, { status: 503 })] });
      const dir = tempDir();
      const r = await cli([
        'batch',
        'run',
        '--dir',
        dir,
        ...planArgs(provider, server),
        '--samples',
        '3',
        '--scenario',
        'team/snowdrift',
        ...FAST,
      ]);
      expect(r.code).toBe(0);
      expect(createsSent(server)).toBe(2);
      expect(server.batches.batches).toHaveLength(1);
      expect(r.stderr).toMatch(
        /b0001: no batch of 3 requests was created by that request \(\d+ recent batches checked/,
      );
      expect(r.stderr).toMatch(/b0001: created batch \S+ with 3 requests/);
      expect(
        journalOf(dir)
          .filter((e) => e.type === 'creating')
          .map((e) => e.attempt),
      ).toEqual([1, 2]);
    });

    it('a refusal (400) is final: journalled, nothing looked up or re-sent; resume creates it', async () => {
      const server = await startServer({ faults: [before(provider, { status: 400 })] });
      const dir = tempDir();
      const r = await cli([
        'batch',
        'run',
        '--dir',
        dir,
        ...planArgs(provider, server),
        '--samples',
        '2',
        '--scenario',
        'team/snowdrift',
        ...FAST,
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/stratalign batch run: 400 error from .*loopback scripted 400/);
      expect(r.stderr).not.toMatch(/retr(y|ies)/);
      expect(createsSent(server)).toBe(1);
      expect(server.server.requests.filter((q) => q.method === 'GET')).toHaveLength(0);
      expect(journalOf(dir).at(-1)).toMatchObject({
        type: 'create-failed',
        key: 'b0001',
        reason: expect.stringMatching(/^400 error/),
      });
      const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
      expect(resume.code).toBe(0);
      expect(resume.stderr).not.toMatch(/looking for the batch/);
      expect(server.batches.batches).toHaveLength(1);
    });

    it('three 5xx that created nothing: the step stops, counts its retries truthfully; resume creates it', async () => {
      const server = await startServer({ faults: [before(provider, { status: 500, times: 3 })] });
      const dir = tempDir();
      const r = await cli([
        'batch',
        'run',
        '--dir',
        dir,
        ...planArgs(provider, server),
        '--samples',
        '2',
        '--scenario',
        'team/snowdrift',
        ...FAST,
      ]);
      expect(r.code).toBe(1);
      expect(createsSent(server)).toBe(3);
      expect(server.batches.batches).toHaveLength(0);
      expect(r.stderr).toMatch(/stratalign batch run: 500 server error at \S+ after 2 retries: loopback scripted 500/);
      expect(r.stderr).toMatch(/the batch may exist, so resume looks for it before creating it again/);
      expect(r.stdout).toMatch(/missing 2: in b0001, whose create request got no clear answer/);
      const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
      expect(resume.code).toBe(0);
      expect(resume.stderr).toMatch(/b0001: no batch of 2 requests was created by that request/);
      expect(server.batches.batches).toHaveLength(1);
      expectEveryIdOnce(dir, 2);
    });
  });
}

describe('a lost create reply on Anthropic when other batches look alike', () => {
  it('two unknown batches of that size meanwhile: stops, creates nothing, says how to adopt', async () => {
    const server = await startServer({ faults: [after('anthropic', { status: 500 })] });
    // Another collection of the same account creates a batch of the same size at the same moment.
    const s = server;
    const dir = tempDir();
    const foreign = s.batches.addForeign('anthropic', ['x_1', 'x_2', 'x_3']);
    const r = await cli([
      'batch',
      'run',
      '--dir',
      dir,
      ...planArgs('anthropic', s),
      '--samples',
      '3',
      '--scenario',
      'biz/prison',
      ...FAST,
    ]);
    expect(r.code).toBe(1);
    const ours = s.batches.batches.find((b) => b.items.some((i) => i.customId === 'business_prisoners-dilemma_0'))!;
    expect(s.batches.batches).toHaveLength(2);
    expect(r.stderr).toMatch(
      /b0001: its create request \(3 requests, sent .*\) got no clear answer, and 2 batches at anthropic could be/,
    );
    expect(r.stderr).toContain(`  ${foreign.id}: 3 requests, created `);
    expect(r.stderr).toContain(`stratalign batch adopt --dir ${dir} --key b0001 --batch-id ${ours.id}`);
    expect(r.stderr).toContain(`stratalign batch adopt --dir ${dir} --key b0001 --none`);
    expect(r.stdout).toMatch(/missing 3: in b0001, whose create request got no clear answer/);

    // Resuming asks again rather than guessing.
    const again = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
    expect(again.code).toBe(1);
    expect(s.batches.batches).toHaveLength(2);

    const adopt = await cli(['batch', 'adopt', '--dir', dir, '--key', 'b0001', '--batch-id', ours.id]);
    expect(adopt.code).toBe(0);
    expect(adopt.stderr).toMatch(new RegExp(`b0001: adopted batch ${ours.id} \\(3 requests\\)`));
    const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
    expect(resume.code).toBe(0);
    expect(s.batches.batches).toHaveLength(2);
    expect(journalOf(dir).find((e) => e.type === 'created')).toMatchObject({
      batchId: ours.id,
      adopted: true,
      match: 'user',
    });
    expectEveryIdOnce(dir, 3);
  });

  it('an ended look-alike whose results hold other custom_ids is ruled out by reading them', async () => {
    const server = await startServer({ faults: [after('anthropic', { status: 500 })] });
    const foreign = server.batches.addForeign('anthropic', ['other_0', 'other_1', 'other_2']);
    // Retrieving a loopback batch moves it on; this one has ended before the look-up reads it.
    await fetch(`${server.baseUrl('anthropic')}/v1/messages/batches/${foreign.id}`, {
      headers: { 'anthropic-version': '2023-06-01' },
    });
    await fetch(`${server.baseUrl('anthropic')}/v1/messages/batches/${foreign.id}`, {
      headers: { 'anthropic-version': '2023-06-01' },
    });
    expect(foreign.outcomes).not.toBeNull();
    const dir = tempDir();
    const r = await cli([
      'batch',
      'run',
      '--dir',
      dir,
      ...planArgs('anthropic', server),
      '--samples',
      '3',
      '--scenario',
      'biz/prison',
      ...FAST,
    ]);
    expect(r.code).toBe(0);
    expect(server.batches.batches).toHaveLength(2);
    expect(journalOf(dir).find((e) => e.type === 'created')).toMatchObject({
      batchId: 'msgbatch_loopback_1',
      match: 'count-and-time',
    });
    expectEveryIdOnce(dir, 3);
  });

  it('adopt --none: the user says no batch was created; the next run creates it', async () => {
    const server = await startServer({ faults: [after('anthropic', { status: 500 })] });
    const s = server;
    s.batches.addForeign('anthropic', ['x_1', 'x_2']);
    const dir = tempDir();
    const r = await cli([
      'batch',
      'run',
      '--dir',
      dir,
      ...planArgs('anthropic', s),
      '--samples',
      '2',
      '--scenario',
      'biz/prison',
      ...FAST,
    ]);
    expect(r.code).toBe(1);
    const none = await cli(['batch', 'adopt', '--dir', dir, '--none']);
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/b0001: no batch adopted; the next run creates it again/);
    expect(journalOf(dir).at(-1)).toMatchObject({ type: 'create-failed', key: 'b0001' });
    const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
    expect(resume.code).toBe(0);
    expect(s.batches.batches).toHaveLength(3);
  });

  it('adopt refuses a batch of another size, and a collection with nothing to adopt', async () => {
    const server = await startServer({ faults: [after('anthropic', { status: 500 })] });
    const s = server;
    const other = s.batches.addForeign('anthropic', ['x_1', 'x_2', 'x_3', 'x_4']);
    s.batches.addForeign('anthropic', ['y_1', 'y_2']);
    const dir = tempDir();
    expect(
      (
        await cli([
          'batch',
          'run',
          '--dir',
          dir,
          ...planArgs('anthropic', s),
          '--samples',
          '2',
          '--scenario',
          'biz/prison',
          ...FAST,
        ])
      ).code,
    ).toBe(1);
    const wrongSize = await cli(['batch', 'adopt', '--dir', dir, '--batch-id', other.id]);
    expect(wrongSize.code).toBe(2);
    expect(wrongSize.stderr).toMatch(/--batch-id: batch msgbatch_foreign_0 holds 4 requests, but b0001 has 2/);
    const fresh = tempDir();
    await cli([
      'batch',
      'plan',
      '--dir',
      fresh,
      ...planArgs('anthropic', s),
      '--samples',
      '2',
      '--scenario',
      'biz/prison',
    ]);
    const nothing = await cli(['batch', 'adopt', '--dir', fresh, '--none']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/no batch of this collection waits for a decision/);
  });
});

describe('a crash between the create and its journal entry', () => {
  const catalogue = defaultCatalogue();

  for (const provider of ['openai', 'anthropic'] as const) {
    it(`${provider}: resume finds the batch the API created and creates none again`, async () => {
      const server = await startServer({ pollsToEnd: 1 });
      const dir = await plannedDir(tempDir(), provider, server, catalogue);
      const collection = await Collection.open({
        dir,
        api: apiFor(provider, dir),
        catalogue,
        beforeJournal: (step) => {
          if (step === 'created') throw new Error('injected crash after created');
        },
      });
      await expect(collection.submit()).rejects.toThrow('injected crash after created');
      collection.close();
      expect(journalOf(dir).map((e) => e.type)).toEqual(['plan', 'prepared', 'creating']);
      const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
      expect(resume.code).toBe(0);
      expect(resume.stderr).toMatch(
        /b0001: its create request was sent at .* and never answered before the interruption; looking for the batch/,
      );
      expect(resume.stderr).toMatch(/b0001: found batch \S+_loopback_0 with 6 requests/);
      expect(server.batches.batches).toHaveLength(1);
      expect(journalOf(dir).find((e) => e.type === 'created')).toMatchObject({
        adopted: true,
        match: provider === 'openai' ? 'tag' : 'count-and-time',
      });
      expectEveryIdOnce(dir, 6);
    });
  }

  it('a kill while the created step was being written (torn last line): removed, and the batch found', async () => {
    const server = await startServer({ pollsToEnd: 1 });
    const dir = await plannedDir(tempDir(), 'anthropic', server, catalogue);
    const collection = await Collection.open({ dir, api: apiFor('anthropic', dir), catalogue });
    await collection.submit();
    collection.close();
    const journal = join(dir, 'journal.jsonl');
    const text = readFileSync(journal, 'utf8');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/"type":"created"/);
    writeFileSync(journal, text.slice(0, text.trimEnd().length - 40));
    const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
    expect(resume.stderr).toMatch(/removed a partly written last line \(\d+ bytes\) from journal.jsonl/);
    expect(resume.code).toBe(0);
    expect(resume.stderr).toMatch(/b0001: found batch msgbatch_loopback_0 with 6 requests/);
    expect(server.batches.batches).toHaveLength(1);
    expectEveryIdOnce(dir, 6);
  });

  it('a v1 journal (no create intents): a prepared batch is looked up, not created blindly', async () => {
    const server = await startServer({ pollsToEnd: 1 });
    const dir = await plannedDir(tempDir(), 'anthropic', server, catalogue);
    const collection = await Collection.open({
      dir,
      api: apiFor('anthropic', dir),
      catalogue,
      beforeJournal: () => {
        throw new Error('crash');
      },
    });
    await expect(collection.submit()).rejects.toThrow('crash');
    collection.close();
    // Rewrite as the previous version wrote it: schema v1, no `creating` step.
    const lines = readFileSync(join(dir, 'journal.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((e) => e.type !== 'creating');
    lines[0].schema = 'stratalign.batch-journal/v1';
    writeFileSync(join(dir, 'journal.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
    expect(resume.code).toBe(0);
    expect(server.batches.batches).toHaveLength(1);
    expectEveryIdOnce(dir, 6);
  });
});
