// The decision behind "a batch is paid for once": which failures of a create request may have
// created the batch, and which listed batch is taken for the one a lost request made.
import { describe, expect, it } from 'vitest';
import type { BatchApi, BatchStatus, ListedBatch, RequestFile } from '../src/sources/batch/api.js';
import { CLOCK_SLACK_MS, matchCreated, type CreateQuery } from '../src/sources/batch/create-lookup.js';
import {
  classifyCreateFailure,
  createBackoffMs,
  createOnce,
  CreateNeedsDecision,
  type CreationContext,
} from '../src/sources/batch/creation.js';
import type { NewJournalEntry } from '../src/sources/batch/journal.js';
import type { BatchRecord } from '../src/sources/batch/state.js';
import type { SdkErrorFacts } from '../src/sources/live/sdk-errors.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const headers = (entries: Record<string, string> = {}) => ({ get: (name: string) => entries[name] ?? null });

function listed(id: string, total: number, createdAtMs: number | null, extra: Partial<ListedBatch> = {}): ListedBatch {
  return {
    id,
    status: 'in_progress',
    ended: false,
    endedAs: null,
    counts: { total, succeeded: 0, failed: 0 },
    resultFiles: [],
    errors: [],
    cancelling: false,
    createdAtMs,
    tag: null,
    ...extra,
  };
}

const query = (extra: Partial<CreateQuery> = {}): CreateQuery => ({
  tag: 'abc-b0001',
  requests: 6,
  sentAt: T0,
  latestAt: T0 + 2_000,
  known: new Set(),
  tagged: false,
  ...extra,
});

describe('matchCreated', () => {
  it('by tag: certain, whatever the size or time; a second batch with the tag is reported as created twice', () => {
    const batches = [
      listed('b_new', 0, T0 + 9e6, { tag: 'abc-b0001' }),
      listed('b_other', 6, T0, { tag: 'abc-b0002' }),
      listed('b_old', 0, T0 + 1, { tag: 'abc-b0001' }),
    ];
    expect(matchCreated(batches, query({ tagged: true }), true)).toEqual({
      kind: 'found',
      batch: batches[2],
      how: 'tag',
      others: [batches[0]],
    });
    expect(matchCreated([batches[1]!], query({ tagged: true }), true)).toEqual({ kind: 'none', searched: 1 });
  });

  it('by size and time: the only unknown batch of that size created in the window', () => {
    const ours = listed('ours', 6, T0 + 800);
    const batches = [
      listed('bigger', 7, T0 + 500),
      ours,
      listed('before', 6, T0 - CLOCK_SLACK_MS.checked - 1),
      listed('after', 6, T0 + 2_000 + CLOCK_SLACK_MS.checked + 1),
    ];
    expect(matchCreated(batches, query(), true)).toMatchObject({ kind: 'found', batch: ours, how: 'count-and-time' });
  });

  it('never takes a batch the collection knows, and asks when two fit', () => {
    const a = listed('a', 6, T0 + 100);
    const b = listed('b', 6, T0 + 900);
    expect(matchCreated([a, b], query({ known: new Set(['a']) }), true)).toMatchObject({ kind: 'found', batch: b });
    expect(matchCreated([b, a], query(), true)).toEqual({ kind: 'ambiguous', candidates: [a, b] });
  });

  it('without the API clock the window is wider: a batch 5 minutes off still fits, one 11 minutes off does not', () => {
    const off5 = listed('off5', 6, T0 - 5 * 60_000);
    const off11 = listed('off11', 6, T0 - 11 * 60_000);
    expect(matchCreated([off5], query(), true).kind).toBe('none');
    expect(matchCreated([off5], query(), false).kind).toBe('found');
    expect(matchCreated([off11], query(), false).kind).toBe('none');
  });
});

describe('classifyCreateFailure', () => {
  const http = (status: number, extra: Record<string, string> = {}): SdkErrorFacts => ({
    kind: 'http',
    status,
    headers: headers(extra),
    message: '',
  });
  // A refused connection never reached the API; 5xx, 429, resets, timeouts and unreadable replies may have created it.
  it('a refusal is final; other failures may have created the batch, except a refused connection', () => {
    expect(classifyCreateFailure(http(400))).toMatchObject({ kind: 'rejected', retryable: false });
    expect(classifyCreateFailure(http(401))).toMatchObject({ kind: 'rejected', retryable: false });
    expect(classifyCreateFailure(http(500))).toMatchObject({ kind: 'maybe', retryable: true });
    expect(classifyCreateFailure(http(503, { 'x-should-retry': 'false' }))).toMatchObject({
      kind: 'rejected',
      retryable: false,
    });
    expect(classifyCreateFailure(http(429, { 'retry-after': '2' }))).toEqual({
      kind: 'maybe',
      retryable: true,
      retryAfterMs: 2000,
    });
    expect(classifyCreateFailure({ kind: 'timeout' })).toMatchObject({ kind: 'maybe', retryable: true });
    expect(classifyCreateFailure({ kind: 'malformed', detail: 'x' })).toMatchObject({ kind: 'maybe', retryable: true });
    expect(classifyCreateFailure({ kind: 'connection', cause: { code: 'ECONNRESET' } })).toMatchObject({
      kind: 'maybe',
    });
    expect(classifyCreateFailure({ kind: 'connection', cause: { cause: { code: 'ECONNREFUSED' } } })).toMatchObject({
      kind: 'not-sent',
      retryable: true,
    });
  });

  it('backs off like the SDKs, or as the server asks within a minute', () => {
    expect(createBackoffMs(1, null, () => 0)).toBe(500);
    expect(createBackoffMs(3, null, () => 0)).toBe(2000);
    expect(createBackoffMs(9, null, () => 1)).toBe(6000);
    expect(createBackoffMs(1, 1500)).toBe(1500);
    expect(createBackoffMs(1, 3_600_000, () => 0)).toBe(500);
  });
});

/** A batch API whose create fails as scripted and whose list shows what the test puts there. */
function fakeApi(script: {
  createFailures: SdkErrorFacts[];
  createdBy?: 'failure' | 'never';
  tagged?: boolean;
  list?: ListedBatch[];
}) {
  const calls: string[] = [];
  const listedNow: ListedBatch[] = [...(script.list ?? [])];
  let made = 0;
  const status = (id: string): BatchStatus => ({
    id,
    status: 'in_progress',
    ended: false,
    endedAs: null,
    counts: { total: 6, succeeded: 0, failed: 0 },
    resultFiles: [],
    errors: [],
    cancelling: false,
  });
  const api: BatchApi = {
    provider: 'anthropic',
    tagsBatches: script.tagged ?? false,
    async create(file) {
      calls.push('create');
      const id = `batch_${made++}`;
      const failure = script.createFailures.shift();
      if (failure && script.createdBy !== 'failure') throw failure;
      listedNow.unshift({ ...status(id), createdAtMs: Date.now(), tag: script.tagged ? file.tag : null });
      if (failure) throw failure;
      return status(id);
    },
    retrieve: async (id) => status(id),
    async *results() {},
    cancel: async (id) => status(id),
    async listRecent() {
      calls.push('list');
      return { batches: [...listedNow], clockChecked: true };
    },
    errorFacts: (error) => error as SdkErrorFacts,
    describeError: (error) => `failure ${(error as { failure?: SdkErrorFacts }).failure?.kind ?? 'unknown'}`,
  };
  return { api, calls };
}

const file: RequestFile = {
  key: 'b0001',
  path: '/nonexistent',
  requests: 6,
  bytes: 600,
  sha256: 'x',
  tag: 'abc-b0001',
};
const record = (intent: BatchRecord['intent'] = null): BatchRecord => ({
  key: 'b0001',
  file: 'requests/b0001.jsonl',
  sha256: 'x',
  bytes: 600,
  customIds: ['a_0', 'a_1', 'a_2', 'a_3', 'a_4', 'a_5'],
  resubmitted: [],
  batchId: null,
  adopted: false,
  match: null,
  intent,
  rejected: [],
  sentAt: intent?.at ?? null,
  status: null,
  ended: null,
  cancelRequested: false,
  collected: null,
});

function context(api: BatchApi): { ctx: CreationContext; journal: NewJournalEntry[]; log: string[] } {
  const journal: NewJournalEntry[] = [];
  const log: string[] = [];
  const ctx: CreationContext = {
    api,
    record: (e) => journal.push(e),
    log: (l) => log.push(l),
    sleep: async () => {},
    now: () => new Date(),
    knownIds: () => new Set(),
    dirArg: '--dir d',
  };
  return { ctx, journal, log };
}

describe('createOnce', () => {
  it('a timeout after the API created the batch: one create, one look-up, the batch taken', async () => {
    const { api, calls } = fakeApi({ createFailures: [{ kind: 'timeout' }], createdBy: 'failure' });
    const { ctx, journal } = context(api);
    const status = await createOnce(ctx, record(), file);
    expect(status?.id).toBe('batch_0');
    expect(calls).toEqual(['create', 'list']);
    expect(journal.map((e) => e.type)).toEqual(['creating', 'created']);
    expect(journal[1]).toMatchObject({ batchId: 'batch_0', adopted: true, match: 'count-and-time' });
  });

  it('a refused connection is not looked up: nothing can have been created', async () => {
    const { api, calls } = fakeApi({ createFailures: [{ kind: 'connection', cause: { code: 'ECONNREFUSED' } }] });
    const { ctx, journal } = context(api);
    expect((await createOnce(ctx, record(), file))?.id).toBe('batch_1');
    expect(calls).toEqual(['create', 'create']);
    expect(journal.map((e) => e.type)).toEqual(['creating', 'create-failed', 'creating', 'created']);
  });

  it('an open intent from a crash is looked up first; an ambiguous look-up sends nothing', async () => {
    const sentAt = new Date(Date.now() - 5_000).toISOString();
    const twins = [listed('x', 6, Date.now() - 4_000), listed('y', 6, Date.now() - 3_000)];
    const { api, calls } = fakeApi({ createFailures: [], list: twins });
    const { ctx, journal } = context(api);
    const run = createOnce(ctx, record({ at: sentAt, attempt: 1 }), file);
    await expect(run).rejects.toBeInstanceOf(CreateNeedsDecision);
    await expect(createOnce(ctx, record({ at: sentAt, attempt: 1 }), file)).rejects.toThrow(
      /adopt --dir d --key b0001 --batch-id x\n {2}stratalign batch adopt --dir d --key b0001 --batch-id y/,
    );
    expect(calls.filter((c) => c === 'create')).toEqual([]);
    expect(journal).toEqual([]);
  });
});
