// The journal and its replay: what is in flight, what goes out again, what is given up, and torn lines.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppendLog } from '../src/sources/batch/append-log.js';
import { Journal, readJournal, type JournalEntry } from '../src/sources/batch/journal.js';
import { buildPlan } from '../src/sources/batch/plan-builder.js';
import { planItems } from '../src/sources/batch/plan.js';
import { progressOf, replayJournal } from '../src/sources/batch/state.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { useTempDirs } from './helpers/temp-dir.js';

const catalogue = defaultCatalogue();
const tempDir = useTempDirs();
const plan = buildPlan(
  {
    provider: 'openai',
    model: 'm',
    protocol: 'letter-only',
    samples: 4,
    scenarios: [{ scenario: resolveScenario(catalogue, 'biz/prison'), split: 's' }],
  },
  catalogue,
);
const items = planItems(plan, catalogue);
const [a, b, c, d] = items.map((i) => i.customId) as [string, string, string, string];
const at = '2026-01-01T00:00:00.000Z';
const usage = { prompt: 0, completion: 0, unreported: 0 };

const planEntry: JournalEntry = {
  type: 'plan',
  at,
  schema: 'stratalign.batch-journal/v1',
  planHash: 'h',
  items: 4,
  provider: 'openai',
  model: 'm',
};
const prepared = (key: string, customIds: string[], resubmitted: string[] = []): JournalEntry => ({
  type: 'prepared',
  at,
  key,
  file: `requests/${key}.jsonl`,
  sha256: 'x',
  bytes: 1,
  customIds,
  resubmitted,
});
const created = (key: string, batchId: string): JournalEntry => ({
  type: 'created',
  at,
  key,
  batchId,
  status: 'validating',
  adopted: false,
});
const ended = (
  key: string,
  batchId: string,
  endedAs: 'completed' | 'expired' | 'cancelled' | 'failed',
): JournalEntry => ({ type: 'ended', at, key, batchId, status: endedAs, endedAs, errors: [] });
const collected = (
  key: string,
  batchId: string,
  recorded: string[],
  failed: { customId: string; outcome: any; reason: string }[],
): JournalEntry => ({
  type: 'collected',
  at,
  key,
  batchId,
  recorded,
  alreadyRecorded: [],
  failed,
  ignoredLines: 0,
  usage,
});

const policy = { maxAttempts: 2, retryErrored: false };
const progress = (entries: JournalEntry[], recorded: string[], p = policy) =>
  progressOf(items, replayJournal(entries, 'journal.jsonl'), new Set(recorded), p, 'recording.jsonl');

describe('progressOf', () => {
  it('sends each item once; items of a batch not yet collected are in flight, never pending', () => {
    expect(progress([planEntry], []).pending.map((i) => i.customId)).toEqual([a, b, c, d]);
    const p = progress([planEntry, prepared('b0001', [a, b]), created('b0001', 'batch_1'), prepared('b0002', [c])], []);
    expect([...p.inFlight]).toEqual([
      [a, 'b0001'],
      [b, 'b0001'],
      [c, 'b0002'],
    ]);
    expect(p.pending.map((i) => i.customId)).toEqual([d]);
  });

  it(
    're-submits items whose batch expired, was cancelled or failed, up to maxAttempts; errored ' + 'items are final',
    () => {
      const entries = [
        planEntry,
        prepared('b0001', [a, b, c, d]),
        created('b0001', 'batch_1'),
        ended('b0001', 'batch_1', 'expired'),
        collected(
          'b0001',
          'batch_1',
          [a],
          [
            { customId: b, outcome: 'expired', reason: 'batch_expired' },
            { customId: c, outcome: 'errored', reason: '400 bad request' },
            { customId: d, outcome: 'batch-failed', reason: 'the whole batch failed' },
          ],
        ),
      ];
      const first = progress(entries, [a]);
      expect(first.recorded).toBe(1);
      expect(first.pending.map((i) => i.customId)).toEqual([b, d]);
      expect([...first.resubmit.keys()]).toEqual([b, d]);
      expect(first.givenUp.get(c)).toMatchObject({ outcome: 'errored', attempts: 1, batchId: 'batch_1' });
      expect(progress(entries, [a], { maxAttempts: 2, retryErrored: true }).pending.map((i) => i.customId)).toEqual([
        b,
        c,
        d,
      ]);
      // Second attempt expires too: with maxAttempts 2 that is final.
      const again = [
        ...entries,
        prepared('b0002', [b, d], [b, d]),
        created('b0002', 'batch_2'),
        ended('b0002', 'batch_2', 'expired'),
        collected('b0002', 'batch_2', [d], [{ customId: b, outcome: 'expired', reason: 'batch_expired' }]),
      ];
      const second = progress(again, [a, d]);
      expect(second.pending).toEqual([]);
      expect(second.givenUp.get(b)).toMatchObject({ outcome: 'expired', attempts: 2 });
      expect(second.recorded + second.givenUp.size).toBe(4);
    },
  );

  it('does not re-send items of a batch the user cancelled', () => {
    const entries: JournalEntry[] = [
      planEntry,
      prepared('b0001', [a, b, c, d]),
      created('b0001', 'batch_1'),
      { type: 'cancel-requested', at, key: 'b0001', batchId: 'batch_1' },
      ended('b0001', 'batch_1', 'cancelled'),
    ];
    const failed = [b, c, d].map((customId) => ({ customId, outcome: 'cancelled', reason: 'batch_cancelled' }));
    const p = progress([...entries, collected('b0001', 'batch_1', [a], failed)], [a]);
    expect(p.pending).toEqual([]);
    expect([...p.givenUp.values()].every((g) => g.cancelledByUser)).toBe(true);
  });

  it(
    'the recording decides what is recorded; a sample the journal says was written but the recording ' +
      'lacks is an error',
    () => {
      const entries = [
        planEntry,
        prepared('b0001', [a, b]),
        created('b0001', 'batch_1'),
        ended('b0001', 'batch_1', 'completed'),
        collected('b0001', 'batch_1', [a, b], []),
      ];
      expect(progress(entries, [a, b]).recorded).toBe(2);
      expect(() => progress(entries, [a])).toThrow(
        /recording.jsonl: the journal says 1 samples were written to the recording, but it does not contain them/,
      );
    },
  );

  it('rejects a journal whose steps do not fit together', () => {
    expect(() => replayJournal([prepared('b0001', [a])], 'j')).toThrow(
      /j: line 1: the journal does not start with the plan step/,
    );
    expect(() => replayJournal([planEntry, created('b0009', 'x')], 'j')).toThrow(
      /line 2: step created for a batch that was never prepared/,
    );
    expect(() =>
      replayJournal([planEntry, prepared('b0001', [a]), created('b0001', 'x'), ended('b0001', 'y', 'completed')], 'j'),
    ).toThrow(/line 4: step ended names another batch id/);
  });
});

describe('journal file', () => {
  it('appends entries that read back as written, each fsynced', async () => {
    const path = join(tempDir(), 'journal.jsonl');
    const journal = new Journal(path, () => new Date(at));
    journal.append({
      type: 'plan',
      schema: 'stratalign.batch-journal/v1',
      planHash: 'h',
      items: 4,
      provider: 'openai',
      model: 'm',
    });
    journal.append({ type: 'created', key: 'b0001', batchId: 'batch_1', status: 'validating', adopted: false });
    journal.close();
    expect(await readJournal(path)).toEqual([planEntry, created('b0001', 'batch_1')]);
  });

  it('drops a last line cut off mid-write, and says how many bytes', async () => {
    const path = join(tempDir(), 'journal.jsonl');
    writeFileSync(path, `${JSON.stringify(planEntry)}\n{"type":"created","key":"b00`);
    const journal = new Journal(path);
    expect(journal.repairedBytes).toBe('{"type":"created","key":"b00'.length);
    journal.append({
      type: 'prepared',
      key: 'b0001',
      file: 'f',
      sha256: 'x',
      bytes: 1,
      customIds: [a],
      resubmitted: [],
    });
    journal.close();
    const entries = await readJournal(path);
    expect(entries.map((e) => e.type)).toEqual(['plan', 'prepared']);
  });

  it('stops at a damaged line in the middle, naming the file and line', async () => {
    const path = join(tempDir(), 'journal.jsonl');
    writeFileSync(path, `${JSON.stringify(planEntry)}\nnot json\n${JSON.stringify(created('b0001', 'x'))}\n`);
    await expect(readJournal(path)).rejects.toThrow(/journal.jsonl: line 2: not valid JSON/);
    writeFileSync(path, `${JSON.stringify({ ...planEntry, items: 'four' })}\n`);
    await expect(readJournal(path)).rejects.toThrow(/line 1, field items: /);
  });
});

describe('AppendLog', () => {
  it('removes a torn tail of any length, including a file that is one torn line', () => {
    const dir = tempDir();
    const path = join(dir, 'recording.jsonl');
    writeFileSync(path, `line one\n${'x'.repeat(100_000)}`);
    const log = new AppendLog(path);
    expect(log.repairedBytes).toBe(100_000);
    log.writeLine('line two');
    log.close();
    expect(readFileSync(path, 'utf8')).toBe('line one\nline two\n');
    const only = join(dir, 'only.jsonl');
    writeFileSync(only, '{"half":');
    const torn = new AppendLog(only);
    torn.close();
    expect(torn.repairedBytes).toBe(8);
    expect(readFileSync(only, 'utf8')).toBe('');
    appendFileSync(only, 'ok\n');
    const whole = new AppendLog(only);
    whole.close();
    expect(whole.repairedBytes).toBe(0);
  });
});
