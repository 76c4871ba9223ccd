// Faults around the batch calls other than a lost create: Ctrl-C while a create is in flight,
// a crash right after the API accepted a cancel, an upload that fails once, and result files
// with a line that is not JSON.
import { describe, expect, it } from 'vitest';
import type { BatchFault } from './loopback/batch-routes.js';
import {
  accounting,
  CHILD_TEST_TIMEOUT,
  cli,
  journalOf,
  planArgs,
  waitFor,
  type BatchServer,
} from './batch-helpers.js';
import { expectEveryIdOnce, FAST, useBatchFixture } from './helpers/batch-fixture.js';

const { tempDir, startServer, spawn } = useBatchFixture();

const CREATE = { openai: /^\/v1\/batches$/, anthropic: /^\/v1\/messages\/batches$/ } as const;
const journalTypes = (dir: string) => journalOf(dir).map((e) => e.type as string);

for (const provider of ['openai', 'anthropic'] as const) {
  describe(`Ctrl-C and cancel (${provider})`, () => {
    it(
      'Ctrl-C while the API answers a create waits for it, journals the batch, stops; resume creates nothing',
      async () => {
        const hold: BatchFault = { method: 'POST', path: CREATE[provider], phase: 'after', delayMs: 1500, times: 1 };
        const server = await startServer({ pollsToEnd: 1, faults: [hold] });
        const s = server;
        const dir = tempDir();
        const running = spawn([
          'run',
          '--dir',
          dir,
          ...planArgs(provider, s),
          '--samples',
          '3',
          '--scenario',
          'biz/prison',
          ...FAST,
        ]);
        await waitFor(
          'the create to be held',
          () => s.batches.faultEvents.length > 0 && s.batches.batches.length > 0,
          running.output,
        );
        running.child.kill('SIGINT');
        const exit = await running.exited;
        expect(exit.code).toBe(130);
        expect(exit.stderr).toMatch(
          /SIGINT: waiting for the create request of b0001 to be answered, so its batch is not lost; a second SIGINT/,
        );
        expect(journalTypes(dir)).toContain('created');
        expect(journalOf(dir).find((e) => e.type === 'created')).toMatchObject({
          batchId: s.batches.batches[0]!.id,
          adopted: false,
        });

        const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
        expect(resume.code).toBe(0);
        expect(s.batches.batches).toHaveLength(1);
        expectEveryIdOnce(dir, 3);
      },
      CHILD_TEST_TIMEOUT,
    );

    it(
      'a crash after the API accepted a cancel: already journalled, so resume re-sends none of its requests',
      async () => {
        const server = await startServer({
          pollsToEnd: 1_000_000,
          faults: [{ method: 'POST', path: /\/cancel$/, phase: 'after', delayMs: 5000, times: 1 }],
        });
        const s = server;
        const dir = tempDir();
        expect(
          (
            await cli([
              'batch',
              'plan',
              '--dir',
              dir,
              ...planArgs(provider, s),
              '--samples',
              '3',
              '--scenario',
              'team/delight',
            ])
          ).code,
        ).toBe(0);
        expect((await cli(['batch', 'submit', '--dir', dir])).code).toBe(0);
        const running = spawn(['cancel', '--dir', dir]);
        await waitFor('the cancel to be accepted', () => s.batches.faultEvents.length > 0, running.output);
        running.child.kill('SIGKILL');
        await running.exited;
        expect(s.batches.batches[0]!.cancelRequested).toBe(true);
        expect(journalTypes(dir)).toContain('cancel-requested');

        s.batches.options.pollsToEnd = 1;
        const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
        expect(resume.code).toBe(1);
        expect(accounting(resume.stdout)).toEqual({ requested: 3, recorded: 0, missing: 3 });
        expect(resume.stdout).toMatch(/missing 3: cancelled by stratalign batch cancel/);
        expect(resume.stderr).not.toMatch(/re-submitting/);
        expect(s.batches.batches).toHaveLength(1);
      },
      CHILD_TEST_TIMEOUT,
    );

    it('a cancel journalled but never delivered (the API failed) is sent again by the next step', async () => {
      const server = await startServer({
        pollsToEnd: 1_000_000,
        faults: [{ method: 'POST', path: /\/cancel$/, phase: 'before', status: 500, times: 3 }],
      });
      const s = server;
      const dir = tempDir();
      await cli([
        'batch',
        'plan',
        '--dir',
        dir,
        ...planArgs(provider, s),
        '--samples',
        '2',
        '--scenario',
        'team/delight',
      ]);
      await cli(['batch', 'submit', '--dir', dir]);
      const cancel = await cli(['batch', 'cancel', '--dir', dir]);
      expect(cancel.code).toBe(1);
      expect(cancel.stderr).toMatch(/500 server error at \S+ after 2 retries/);
      expect(s.batches.batches[0]!.cancelRequested).toBe(false);
      expect(journalTypes(dir)).toContain('cancel-requested');

      s.batches.options.pollsToEnd = 2;
      const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
      expect(resume.stderr).toMatch(
        /b0001 \S+: sending the cancel asked for earlier again \(the API has not started cancelling\)/,
      );
      expect(s.batches.batches[0]!.cancelRequested).toBe(true);
      expect(resume.stdout).toMatch(/missing 2: cancelled by stratalign batch cancel/);
      expect(s.batches.batches).toHaveLength(1);
    });
  });
}

describe('the OpenAI upload', () => {
  const UPLOAD = /^\/v1\/files$/;
  const uploads = (s: BatchServer) =>
    s.server.requests.filter((r) => r.method === 'POST' && UPLOAD.test(r.path)).length;

  it('survives one 500: the request file is sent again, and the collection completes', async () => {
    const server = await startServer({
      faults: [{ method: 'POST', path: UPLOAD, phase: 'before', status: 500, times: 1 }],
    });
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
      'biz/prison',
      ...FAST,
    ]);
    expect(r.code).toBe(0);
    expect(uploads(server)).toBe(2);
    expect(
      [...server.batches.files.values()]
        .filter((f) => f.purpose === 'batch')
        .map((f) => f.content.split('\n').filter(Boolean).length),
    ).toEqual([3]);
    expectEveryIdOnce(dir, 3);
  });

  it('survives one 429 with retry-after', async () => {
    const server = await startServer({
      faults: [{ method: 'POST', path: UPLOAD, phase: 'before', status: 429, retryAfter: 0, times: 1 }],
    });
    const dir = tempDir();
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
    expect(uploads(server)).toBe(2);
  });

  it('says "after 2 retries" only when three uploads were sent, and claims none for a refusal', async () => {
    const server = await startServer({
      faults: [{ method: 'POST', path: UPLOAD, phase: 'before', status: 500, times: 3 }],
    });
    const r = await cli([
      'batch',
      'run',
      '--dir',
      tempDir(),
      ...planArgs('openai', server),
      '--samples',
      '2',
      '--scenario',
      'biz/prison',
      ...FAST,
    ]);
    expect(r.code).toBe(1);
    expect(uploads(server)).toBe(3);
    expect(r.stderr).toMatch(/stratalign batch run: 500 server error at \S+ after 2 retries: loopback scripted 500/);
    await server.close();

    const refusing = await startServer({
      faults: [{ method: 'POST', path: UPLOAD, phase: 'before', status: 413, times: 1 }],
    });
    const refused = await cli([
      'batch',
      'run',
      '--dir',
      tempDir(),
      ...planArgs('openai', refusing),
      '--samples',
      '2',
      '--scenario',
      'biz/prison',
      ...FAST,
    ]);
    expect(refused.code).toBe(1);
    expect(uploads(refusing)).toBe(1);
    expect(refused.stderr).toMatch(/stratalign batch run: 413 error from \S+: loopback scripted 413/);
    expect(refused.stderr).not.toMatch(/retr(y|ies)/);
  });
});

for (const provider of ['openai', 'anthropic'] as const) {
  describe(`results with a line that is not JSON (${provider})`, () => {
    it('counts and skips the line; every answer is recorded and a resume has nothing left to do', async () => {
      const server = await startServer({ pollsToEnd: 1, extraResultLines: () => ['<html>upstream hiccup</html>'] });
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
      expect(r.stderr).toMatch(
        /b0001 \S+: collected 4 samples, 0 without an answer; skipped 1 unreadable result line \(not JSON, or without/,
      );
      expect(r.stdout).toMatch(/result lines skipped: 1 unreadable/);
      expect(journalOf(dir).find((e) => e.type === 'collected')).toMatchObject({ unreadableLines: 1, ignoredLines: 0 });
      expect(accounting(r.stdout)).toEqual({ requested: 4, recorded: 4, missing: 0 });
      const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
      expect(resume.code).toBe(0);
      expect(server.batches.batches).toHaveLength(1);
      expectEveryIdOnce(dir, 4);
    });
  });
}
