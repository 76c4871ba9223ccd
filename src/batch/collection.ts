import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Catalogue } from '../catalogue/catalogue.js';
import { StratalignError } from '../errors.js';
import type { BatchApi, BatchStatus } from './api.js';
import { collectBatch } from './collect.js';
import { openCollectionFiles, type CollectionFiles } from './collection-files.js';
import { JOURNAL_FILE, type JournalEntry, type NewJournalEntry } from './journal.js';
import type { BatchLimits } from './limits.js';
import type { LoadedPlan } from './plan.js';
import { countBy, countsOf, endedLine, plural } from './progress-lines.js';
import { RECORDING_FILE, type ParseTally } from './recording.js';
import { chunkRequests, effectiveLimits, writeRequestFile } from './request-files.js';
import { withScopedSignal } from './scoped-signal.js';
import { progressOf, replayJournal, type BatchRecord, type CollectionState, type ItemProgress, type RetryPolicy } from './state.js';

export const DEFAULT_MAX_ATTEMPTS = 3;
export const REQUESTS_DIR = 'requests';

export type CollectionOptions = {
  dir: string;
  api: BatchApi;
  catalogue: Catalogue;
  limits?: Partial<BatchLimits>;
  policy?: Partial<RetryPolicy>;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
  signal?: AbortSignal;
  now?: () => Date;
  /** Test seam: runs after a step's effect (batch created, results written) and before its journal entry, to simulate a crash there. */
  beforeJournal?: (step: 'created' | 'collected', key: string) => void;
};

/**
 * A collection directory opened for work: plan, journal, recording and errors file, locked
 * against a second process. Every method leaves the directory resumable whatever happens next.
 */
export class Collection {
  readonly limits: BatchLimits;
  readonly policy: RetryPolicy;
  private state: CollectionState;
  private readonly statuses = new Map<string, BatchStatus>();
  /** Last counts printed per batch: progress is printed when they change, journalled only when the status does. */
  private readonly lastCounts = new Map<string, string>();
  private entries: JournalEntry[];
  readonly loaded: LoadedPlan;
  readonly recorded: Set<string>;
  readonly parse: ParseTally;

  private constructor(
    private readonly options: CollectionOptions,
    private readonly files: CollectionFiles,
  ) {
    this.loaded = files.loaded;
    this.recorded = files.recorded;
    this.parse = files.parse;
    this.entries = files.entries;
    this.limits = effectiveLimits(files.loaded.plan.provider, options.limits);
    this.policy = { maxAttempts: options.policy?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, retryErrored: options.policy?.retryErrored ?? false };
    this.state = replayJournal(this.entries, this.path(JOURNAL_FILE));
  }

  static async open(options: CollectionOptions): Promise<Collection> {
    const files = await openCollectionFiles(options.dir, options.catalogue, options.now, (line) => options.log?.(line));
    try {
      const collection = new Collection(options, files);
      collection.progress(); // checks the recording against the journal before anything is sent
      return collection;
    } catch (err) {
      files.close();
      throw err;
    }
  }

  get batches(): readonly BatchRecord[] {
    return this.state.batches;
  }

  progress(): ItemProgress {
    return progressOf(this.loaded.items, this.state, this.recorded, this.policy, this.path(RECORDING_FILE));
  }

  /** Creates batches for prepared-but-not-created request files, then for every pending item. */
  async submit(): Promise<void> {
    // Prepared before an interruption but never recorded as created: the API may hold it already.
    for (const batch of this.state.batches.filter((b) => b.batchId === null)) await this.create(batch, true);
    const progress = this.progress();
    if (progress.pending.length === 0) return;
    if (progress.resubmit.size > 0) {
      const why = countBy([...progress.resubmit.values()].map((f) => f.outcome));
      this.log(`re-submitting ${progress.resubmit.size} items that ended without an answer in an earlier batch (${why}) in a new batch`);
    }
    mkdirSync(this.path(REQUESTS_DIR), { recursive: true });
    for (const chunk of chunkRequests(progress.pending, this.loaded.plan, this.limits)) {
      const key = `b${String(this.state.batches.length + 1).padStart(4, '0')}`;
      const path = this.path(REQUESTS_DIR, `${key}.jsonl`);
      const written = writeRequestFile(path, chunk.lines);
      const customIds = chunk.items.map((i) => i.customId);
      this.record({ type: 'prepared', key, file: relative(this.options.dir, path), sha256: written.sha256, bytes: chunk.bytes, customIds, resubmitted: customIds.filter((id) => progress.resubmit.has(id)) });
      await this.create(this.state.batches.at(-1)!, false);
    }
  }

  /** Retrieves every created batch that has not ended; writes status changes and ends to the journal. */
  async poll(): Promise<void> {
    for (const batch of this.state.batches) {
      if (batch.batchId === null || batch.ended) continue;
      this.throwIfAborted();
      const status = await withScopedSignal(this.options.signal, (signal) => this.options.api.retrieve(batch.batchId!, signal));
      this.statuses.set(batch.key, status);
      const counts = countsOf(status);
      if (status.ended) {
        this.record({ type: 'ended', key: batch.key, batchId: batch.batchId, status: status.status, endedAs: status.endedAs!, errors: status.errors });
        this.log(endedLine(batch.key, status));
      } else if (status.status !== batch.status || counts !== this.lastCounts.get(batch.key)) {
        if (status.status !== batch.status) this.record({ type: 'status', key: batch.key, batchId: batch.batchId, status: status.status, counts: status.counts });
        this.log(`${batch.key} ${batch.batchId}: ${status.status} (${counts})`);
      }
      this.lastCounts.set(batch.key, counts);
    }
  }

  /** Collects every ended batch not yet collected. */
  async collect(): Promise<void> {
    for (const batch of this.state.batches) {
      if (!batch.ended || batch.collected || batch.batchId === null) continue;
      this.throwIfAborted();
      const status = this.statuses.get(batch.key) ?? (await withScopedSignal(this.options.signal, (signal) => this.options.api.retrieve(batch.batchId!, signal)));
      const { recording, errors, errorKeys } = this.files;
      const base = { recording, errors, errorKeys, api: this.options.api, plan: this.loaded.plan, planHash: this.loaded.hash, byCustomId: this.loaded.byCustomId, recorded: this.recorded, parse: this.parse, now: this.now };
      const entry = await withScopedSignal(this.options.signal, (signal) => collectBatch({ ...base, signal }, batch, status));
      this.options.beforeJournal?.('collected', batch.key);
      this.record(entry);
      const already = entry.alreadyRecorded.length ? `, ${entry.alreadyRecorded.length} already recorded` : '';
      const ignored = entry.ignoredLines ? `; ignored ${plural(entry.ignoredLines, 'result line')} with an unknown, foreign or repeated custom_id` : '';
      this.log(`${batch.key} ${batch.batchId}: collected ${plural(entry.recorded.length, 'sample')}${already}, ${entry.failed.length} without an answer${ignored}`);
    }
  }

  /** Asks the API to cancel every batch that has not ended. Its unfinished items are not re-submitted. */
  async cancel(): Promise<number> {
    let asked = 0;
    for (const batch of this.state.batches) {
      if (batch.batchId === null || batch.ended) continue;
      this.statuses.set(batch.key, await withScopedSignal(this.options.signal, (signal) => this.options.api.cancel(batch.batchId!, signal)));
      this.record({ type: 'cancel-requested', key: batch.key, batchId: batch.batchId });
      asked++;
    }
    return asked;
  }

  /** Submits, polls and collects until no batch is in flight and nothing is left to send. */
  async run(pollIntervalMs: number, sleep: (ms: number, signal?: AbortSignal) => Promise<void>): Promise<void> {
    for (;;) {
      await this.submit();
      await this.poll();
      await this.collect();
      const progress = this.progress();
      if (progress.pending.length > 0) continue;
      if (progress.inFlight.size === 0) return;
      await sleep(pollIntervalMs, this.options.signal);
    }
  }

  close(): void {
    this.files.close();
  }

  path(...parts: string[]): string {
    return join(this.options.dir, ...parts);
  }

  private async create(batch: BatchRecord, recovering: boolean): Promise<void> {
    this.throwIfAborted();
    const path = this.path(batch.file);
    const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
    if (sha256 !== batch.sha256) throw new StratalignError({ file: path }, 'the request file changed after it was written', 'restore it, or start a new collection in a new --dir');
    const file = { key: batch.key, path, requests: batch.customIds.length, bytes: batch.bytes, sha256, tag: `${this.loaded.hash.slice(0, 16)}-${batch.key}` };
    const { api } = this.options;
    const found = recovering && api.findCreated ? await withScopedSignal(this.options.signal, (signal) => api.findCreated!(file.tag, signal)) : null;
    const status = found ?? (await withScopedSignal(this.options.signal, (signal) => api.create(file, signal)));
    this.options.beforeJournal?.('created', batch.key);
    this.record({ type: 'created', key: batch.key, batchId: status.id, status: status.status, adopted: found !== null });
    this.statuses.set(batch.key, status);
    this.log(`${batch.key}: ${found ? 'found batch' : 'created batch'} ${status.id} with ${batch.customIds.length} requests (${batch.bytes.toLocaleString('en-US')} bytes)${found ? ', created before an interruption' : ''}`);
  }

  private record(entry: NewJournalEntry): void {
    this.entries.push(this.files.journal.append(entry));
    this.state = replayJournal(this.entries, this.path(JOURNAL_FILE));
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private readonly now = (): Date => (this.options.now ?? (() => new Date()))();

  private throwIfAborted(): void {
    if (this.options.signal?.aborted) throw this.options.signal.reason;
  }
}
