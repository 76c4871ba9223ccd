// A collection interrupted at every kind of moment resumes with nothing lost and nothing twice:
// SIGKILL after submission, SIGKILL while results are being written, Ctrl-C while polling, and
// crashes injected between a step's effect and its journal entry (the create step's own cases are
// in batch-create-once.test.ts).
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection } from '../src/sources/batch/collection.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { accounting, cli, errorsOf, journalOf, planArgs, CHILD_TEST_TIMEOUT, waitFor } from './batch-helpers.js';
import { apiFor, expectEveryIdOnce, FAST, plannedDir, useBatchFixture } from './helpers/batch-fixture.js';

const { tempDir, startServer, spawn } = useBatchFixture();

/** Starts `stratalign batch run` in a child process (killed after the test if it still runs). */
const runChild = (args: string[]) => spawn(['run', ...args]);

/** Complete lines of a file another process is appending to. */
function completeLines(file: string): string[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  return lines.slice(0, -1).filter(Boolean);
}

const journalTypes = (dir: string) =>
  completeLines(join(dir, 'journal.jsonl')).map((l) => JSON.parse(l).type as string);

for (const provider of ['openai', 'anthropic'] as const) {
  describe(`interrupted collection (${provider})`, () => {
    it(
      'SIGKILL after submission: resume polls the batches it created and creates none again',
      async () => {
        const server = await startServer({ pollsToEnd: 1_000_000 });
        const dir = tempDir();
        const run = runChild([
          '--dir',
          dir,
          ...planArgs(provider, server),
          '--samples',
          '4',
          '--scenario',
          'biz/prison',
          '--scenario',
          'team/snowdrift',
          '--scenario',
          'IR/delight',
          '--max-requests',
          '5',
          ...FAST,
        ]);
        await waitFor(
          '3 batches created',
          () => journalTypes(dir).filter((t) => t === 'created').length === 3,
          run.output,
        );
        run.child.kill('SIGKILL');
        expect((await run.exited).signal).toBe('SIGKILL');
        expect(existsSync(join(dir, '.lock'))).toBe(true); // left by the killed process

        server.batches.options.pollsToEnd = 1;
        const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
        expect(resume.code).toBe(0);
        expect(accounting(resume.stdout)).toEqual({ requested: 12, recorded: 12, missing: 0 });
        expect(server.batches.batches.map((b) => b.items.length)).toEqual([5, 5, 2]);
        expect(journalTypes(dir).filter((t) => t === 'prepared')).toHaveLength(3);
        expectEveryIdOnce(dir, 12);
      },
      CHILD_TEST_TIMEOUT,
    );

    it(
      'SIGKILL while results are being written: resume writes only the rest, and accounts for every request',
      async () => {
        // Sample 9 of each scenario errors, so the accounting has something missing. The server sends
        // 7 result lines and holds the rest, so the kill lands mid-collection whatever the machine's speed.
        const server = await startServer({
          pollsToEnd: 1,
          holdResultsAfter: 7,
          answer: (i) =>
            i.customId.endsWith('_9') ? { kind: 'error', status: 400, message: 'scripted' } : { kind: 'ok', text: 'C' },
        });
        const dir = tempDir();
        const recording = join(dir, 'recording.jsonl');
        const run = runChild([
          '--dir',
          dir,
          ...planArgs(provider, server),
          '--samples',
          '10',
          '--scenario',
          'biz/prison',
          '--scenario',
          'friends/staghunt',
          ...FAST,
        ]);
        await waitFor('7 samples written', () => completeLines(recording).length === 7, run.output);
        run.child.kill('SIGKILL');
        await run.exited;
        const before = completeLines(recording).length;
        expect(before).toBe(7);
        expect(journalTypes(dir)).not.toContain('collected');

        server.batches.options.holdResultsAfter = undefined;
        server.batches.releaseResults();
        const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
        expect(resume.code).toBe(1); // two answers are missing for good
        expect(accounting(resume.stdout)).toEqual({ requested: 20, recorded: 18, missing: 2 });
        expect(resume.stdout).toMatch(/missing 2: errored: .*scripted/);
        expectEveryIdOnce(dir, 18);
        const collected = journalOf(dir).find((e) => e.type === 'collected');
        expect(collected.alreadyRecorded.length).toBeGreaterThanOrEqual(before);
        expect(collected.recorded.length + collected.alreadyRecorded.length).toBe(18);
        expect(errorsOf(dir)).toHaveLength(2);
        expect(server.batches.batches).toHaveLength(1);
      },
      CHILD_TEST_TIMEOUT,
    );
  });
}

describe('interrupted collection: Ctrl-C and injected crashes', () => {
  it(
    'Ctrl-C while polling exits 130 with the state saved; resume finishes',
    async () => {
      const server = await startServer({ pollsToEnd: 1_000_000 });
      const dir = tempDir();
      const run = runChild([
        '--dir',
        dir,
        ...planArgs('openai', server),
        '--samples',
        '3',
        '--scenario',
        'biz/prison',
        ...FAST,
      ]);
      await waitFor('the batch to be polled', () => journalTypes(dir).includes('status'), run.output);
      run.child.kill('SIGINT');
      const exit = await run.exited;
      expect(exit.code).toBe(130);
      expect(exit.stderr).toMatch(
        new RegExp(
          String.raw`interrupted; every finished step is in .*journal.jsonl and batches already submitted keep ` +
            String.raw`running at openai\. Continue with: stratalign batch resume --dir `,
        ),
      );
      expect(accounting(exit.stdout)).toEqual({ requested: 3, recorded: 0, missing: 3 });
      expect(existsSync(join(dir, '.lock'))).toBe(false);

      server.batches.options.pollsToEnd = 1;
      const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
      expect(accounting(resume.stdout)).toEqual({ requested: 3, recorded: 3, missing: 0 });
      expect(server.batches.batches).toHaveLength(1);
      expectEveryIdOnce(dir, 3);
    },
    CHILD_TEST_TIMEOUT,
  );

  const catalogue = defaultCatalogue();
  const crashAt = (step: 'created' | 'collected') => (at: string) => {
    if (at === step) throw new Error(`injected crash after ${step}`);
  };

  it(
    'a crash after samples were written but before the journal said so, plus a torn last line, ' +
      'writes nothing twice',
    async () => {
      const server = await startServer({ pollsToEnd: 1 });
      const dir = await plannedDir(tempDir(), 'anthropic', server, catalogue);
      const collection = await Collection.open({
        dir,
        api: apiFor('anthropic', dir),
        catalogue,
        beforeJournal: (step) => crashAt('collected')(step),
      });
      await expect(collection.run(1, async () => {})).rejects.toThrow('injected crash after collected');
      collection.close();
      expect(completeLines(join(dir, 'recording.jsonl'))).toHaveLength(6);
      expect(journalTypes(dir)).not.toContain('collected');
      appendFileSync(join(dir, 'recording.jsonl'), '{"schema":"stratalign.sample/v1","scenario":"busi');

      const resume = await cli(['batch', 'resume', '--dir', dir, ...FAST]);
      expect(resume.code).toBe(0);
      expect(resume.stderr).toMatch(/removed a partly written last line \(49 bytes\) from recording.jsonl/);
      expect(accounting(resume.stdout)).toEqual({ requested: 6, recorded: 6, missing: 0 });
      expectEveryIdOnce(dir, 6);
      expect(journalOf(dir).find((e) => e.type === 'collected')).toMatchObject({
        recorded: [],
        alreadyRecorded: expect.arrayContaining(['business_prisoners-dilemma_0']),
      });
    },
  );
  // A crash between the API creating a batch and the journal saying so: test/batch-create-once.test.ts.
});
