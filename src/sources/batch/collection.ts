import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Catalogue } from '../../catalogue/catalogue.js';
import { StratalignError } from '../../shared/errors.js';
import type { BatchApi, BatchStatus, RequestFile } from './api.js';
import { collectBatch, firstForeignId } from './collect.js';
import { REQUESTS_DIR } from './collection-dir.js';
import { openCollectionFiles, type CollectionFiles } from './collection-files.js';
import { createOnce, CreateNeedsDecision, type CreationContext } from './creation.js';
import { JOURNAL_FILE, type JournalEntry, type NewJournalEntry } from './journal.js';
import type { BatchLimits } from './limits.js';
import type { LoadedPlan } from './plan.js';
import { countBy, countsOf, endedLine, plural } from './progress-lines.js';
import { RECORDING_FILE, type ParseTally } from './recording.js';
import { chunkRequests, collectionLimits, writeRequestFile } from './request-files.js';
import { withRequestSignal } from '../live/abort-scope.js';
import {
  progressOf,
  replayJournal,
  type BatchRecord,
  type CollectionState,
  type ItemProgress,
  type RetryPolicy,
} from './state.js';

export const DEFAULT_MAX_ATTEMPTS = 3;
export { REQUESTS_DIR };

export type CollectionOptions = {
  dir: string;
  api: BatchApi;
  catalogue: Catalogue;
  /** Batch limits given on the command line: they must agree with the plan's. */
  limits?: Partial<BatchLimits>;
  policy?: Partial<RetryPolicy>;
  /** A corrected base URL, journalled when it differs from the one in use (the api must already use it). */
  baseUrl?: string | null;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
  signal?: AbortSignal;
  now?: () => Date;
  /** Waits between create attempts; tests pass their own. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** How commands printed for the user name the collection, e.g. `--dir runs/teacher`. */
  dirArg?: string;
  /**
   * Test seam: runs after a step's effect (batch created, results written) and before its journal entry, to simulate a
   * crash there.
   */
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
  /** The batch whose create request is in flight, if any: an interrupt waits for its answer. */
  private creating: string | null = null;
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
    this.limits = collectionLimits(files.loaded.plan, options.limits);
    this.policy = {
      maxAttempts: options.policy?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      retryErrored: options.policy?.retryErrored ?? false,
    };
    this.state = replayJournal(this.entries, this.path(JOURNAL_FILE));
    options.signal?.addEventListener('abort', () => {
      if (this.creating === null) return;
      const reason =
        options.signal?.reason instanceof Error
          ? options.signal.reason.message.replace(/^interrupted by /, '')
          : 'interrupt';
      this.log(
        `${reason}: waiting for the create request of ${this.creating} to be answered, so its batch is not lost; ` +
          `a second ${reason} stops at once (resume then looks the batch up)`,
      );
    });
  }

  static async open(options: CollectionOptions): Promise<Collection> {
    const files = await openCollectionFiles(
      options.dir,
      options.catalogue,
      options.now,
      (line) => options.log?.(line),
      options.baseUrl ?? null,
    );
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
    for (const batch of this.state.batches.filter((b) => b.batchId === null)) await this.create(batch);
    const progress = this.progress();
    if (progress.pending.length === 0) return;
    if (progress.resubmit.size > 0) {
      const why = countBy([...progress.resubmit.values()].map((f) => f.outcome));
      this.log(
        `re-submitting ${progress.resubmit.size} items that ended without an answer in an earlier batch (${why}) ` +
          `in a new batch`,
      );
    }
    mkdirSync(this.path(REQUESTS_DIR), { recursive: true });
    for (const chunk of chunkRequests(progress.pending, this.loaded.plan, this.limits)) {
      this.throwIfAborted();
      const key = `b${String(this.state.batches.length + 1).padStart(4, '0')}`;
      const path = this.path(REQUESTS_DIR, `${key}.jsonl`);
      const written = writeRequestFile(path, chunk.lines);
      const customIds = chunk.items.map((i) => i.customId);
      this.record({
        type: 'prepared',
        key,
        file: relative(this.options.dir, path),
        sha256: written.sha256,
        bytes: chunk.bytes,
        customIds,
        resubmitted: customIds.filter((id) => progress.resubmit.has(id)),
      });
      await this.create(this.state.batches.at(-1)!);
    }
  }

  /** Retrieves every created batch that has not ended; writes status changes and ends to the journal. */
  async poll(): Promise<void> {
    for (const batch of this.state.batches) {
      if (batch.batchId === null || batch.ended) continue;
      this.throwIfAborted();
      let status = await withRequestSignal(this.options.signal, (signal) =>
        this.options.api.retrieve(batch.batchId!, signal),
      );
      if (batch.cancelRequested && !status.cancelling) {
        // `batch cancel` journals first and then asks the API; that request may never have arrived.
        const again = 'sending the cancel asked for earlier again (the API has not started cancelling)';
        this.log(`${batch.key} ${batch.batchId}: ${again}`);
        status = await withRequestSignal(this.options.signal, (signal) =>
          this.options.api.cancel(batch.batchId!, signal),
        );
      }
      this.statuses.set(batch.key, status);
      const counts = countsOf(status);
      if (status.ended) {
        this.record({
          type: 'ended',
          key: batch.key,
          batchId: batch.batchId,
          status: status.status,
          endedAs: status.endedAs!,
          errors: status.errors,
        });
        this.log(endedLine(batch.key, status));
      } else if (status.status !== batch.status || counts !== this.lastCounts.get(batch.key)) {
        if (status.status !== batch.status)
          this.record({
            type: 'status',
            key: batch.key,
            batchId: batch.batchId,
            status: status.status,
            counts: status.counts,
          });
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
      const status =
        this.statuses.get(batch.key) ??
        (await withRequestSignal(this.options.signal, (signal) => this.options.api.retrieve(batch.batchId!, signal)));
      if (batch.match === 'count-and-time') await this.checkMatchedBatch(batch, status);
      const { recording, errors, errorKeys } = this.files;
      const base = {
        recording,
        errors,
        errorKeys,
        api: this.options.api,
        plan: this.loaded.plan,
        planHash: this.loaded.hash,
        byCustomId: this.loaded.byCustomId,
        recorded: this.recorded,
        parse: this.parse,
        now: this.now,
      };
      const entry = await withRequestSignal(this.options.signal, (signal) =>
        collectBatch({ ...base, signal }, batch, status),
      );
      this.options.beforeJournal?.('collected', batch.key);
      this.record(entry);
      const already = entry.alreadyRecorded.length ? `, ${entry.alreadyRecorded.length} already recorded` : '';
      const unreadable = entry.unreadableLines
        ? `; skipped ${plural(entry.unreadableLines, 'unreadable result line')} (not JSON, or without a custom_id)`
        : '';
      const ignored = entry.ignoredLines
        ? `; ignored ${plural(entry.ignoredLines, 'result line')} with an unknown, foreign or repeated custom_id`
        : '';
      const samples = plural(entry.recorded.length, 'sample');
      const failed = `${entry.failed.length} without an answer`;
      this.log(`${batch.key} ${batch.batchId}: collected ${samples}${already}, ${failed}${unreadable}${ignored}`);
    }
  }

  /**
   * Asks the API to cancel every batch that has not ended; their unfinished items are not
   * re-submitted. The intent is journalled before each request, so a crash right after the API
   * accepted it cannot send those items again; a cancel that never arrived is sent again by the next poll.
   */
  async cancel(): Promise<number> {
    let asked = 0;
    const cancelOne = async (batch: BatchRecord) => {
      this.throwIfAborted();
      if (!batch.cancelRequested) this.record({ type: 'cancel-requested', key: batch.key, batchId: batch.batchId! });
      this.statuses.set(
        batch.key,
        await withRequestSignal(this.options.signal, (signal) => this.options.api.cancel(batch.batchId!, signal)),
      );
      asked++;
    };
    for (const batch of this.state.batches) if (batch.batchId !== null && !batch.ended) await cancelOne(batch);
    // A batch whose create got no clear answer may exist: look it up, and cancel it if found.
    for (const key of this.state.batches.filter((b) => b.batchId === null && b.intent !== null).map((b) => b.key)) {
      await this.create(this.batch(key), { lookUpOnly: true });
      const found = this.batch(key);
      if (found.batchId !== null && !found.ended) await cancelOne(found);
    }
    return asked;
  }

  /**
   * Settles a batch whose create got no clear answer when the look-up could not: takes the batch
   * the user names for it, or (`batchId` null) records that none was created so the next run
   * creates it. Also replaces a batch that was taken by its size and creation time and is not collected yet.
   */
  async adopt(key: string | null, batchId: string | null): Promise<void> {
    const open = this.state.batches.filter(
      (b) => (b.batchId === null && b.intent !== null) || (b.match === 'count-and-time' && !b.collected),
    );
    const batch =
      key === null ? (open.length === 1 ? open[0] : undefined) : this.state.batches.find((b) => b.key === key);
    if (!batch) {
      const keys = open.map((b) => b.key);
      const problem =
        open.length === 0
          ? 'no batch of this collection waits for a decision (none has a create request without an answer)'
          : `${open.length} batches wait for a decision: ${keys.join(', ')}`;
      throw new StratalignError(
        key === null ? { field: '--key' } : { field: '--key', value: key },
        key === null ? problem : `no batch ${key} in this collection`,
        keys.length
          ? `name one with --key (${keys.join(', ')})`
          : 'nothing to adopt; continue with `stratalign batch resume`',
      );
    }
    if (!open.includes(batch)) {
      throw new StratalignError(
        { field: '--key', value: batch.key },
        batch.batchId === null
          ? `${batch.key} has no create request without an answer`
          : `${batch.key} already has its batch ${batch.batchId}`,
        'nothing to adopt for it',
      );
    }
    if (batch.batchId !== null)
      this.record({
        type: 'released',
        key: batch.key,
        batchId: batch.batchId,
        reason: `replaced with stratalign batch adopt ${batchId === null ? '--none' : `--batch-id ${batchId}`}`,
      });
    if (batchId === null) {
      this.record({
        type: 'create-failed',
        key: batch.key,
        reason: 'stratalign batch adopt --none: no batch was created for it',
      });
      this.log(`${batch.key}: no batch adopted; the next run creates it again`);
      return;
    }
    const owner = this.state.batches.find((b) => b.batchId === batchId);
    if (owner)
      throw new StratalignError(
        { field: '--batch-id', value: batchId },
        `batch ${batchId} is already this collection's batch ${owner.key}`,
        'adopt the batch that holds these requests',
      );
    const status = await withRequestSignal(this.options.signal, (signal) => this.options.api.retrieve(batchId, signal));
    const file = this.requestFile(batch);
    if (status.counts.total !== null && status.counts.total > 0 && status.counts.total !== file.requests) {
      throw new StratalignError(
        { field: '--batch-id', value: batchId },
        `batch ${batchId} holds ${status.counts.total} requests, but ${batch.key} has ${file.requests}`,
        'adopt the batch that holds these requests',
      );
    }
    if (status.tag && status.tag !== file.tag) {
      throw new StratalignError(
        { field: '--batch-id', value: batchId },
        `batch ${batchId} carries the tag ${status.tag} of another batch or collection (${batch.key}'s is ${file.tag})`,
        'adopt the batch that holds these requests',
      );
    }
    this.record({ type: 'created', key: batch.key, batchId, status: status.status, adopted: true, match: 'user' });
    this.statuses.set(batch.key, status);
    this.log(
      `${batch.key}: adopted batch ${batchId} (${file.requests} requests); continue with stratalign batch resume`,
    );
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

  private batch(key: string): BatchRecord {
    return this.state.batches.find((b) => b.key === key)!;
  }

  /** The request file of a prepared batch, checked against the hash the journal recorded. */
  private requestFile(batch: BatchRecord): RequestFile {
    const path = this.path(batch.file);
    const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
    if (sha256 !== batch.sha256)
      throw new StratalignError(
        { file: path },
        'the request file changed after it was written',
        'restore it, or start a new collection in a new --dir',
      );
    return {
      key: batch.key,
      path,
      requests: batch.customIds.length,
      bytes: batch.bytes,
      sha256,
      tag: `${this.loaded.hash.slice(0, 16)}-${batch.key}`,
    };
  }

  private async create(batch: BatchRecord, options: { lookUpOnly?: boolean } = {}): Promise<void> {
    this.throwIfAborted();
    const file = this.requestFile(batch);
    const ctx: CreationContext = {
      api: this.options.api,
      record: (entry) => this.record(entry),
      log: (line) => this.log(line),
      signal: this.options.signal,
      sleep: this.options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal })),
      now: this.now,
      knownIds: () =>
        new Set(this.state.batches.flatMap((b) => (b.batchId === null ? b.rejected : [b.batchId, ...b.rejected]))),
      dirArg: this.options.dirArg ?? `--dir ${this.options.dir}`,
      beforeJournal: (key) => this.options.beforeJournal?.('created', key),
      lookUpOnly: options.lookUpOnly,
      onSending: (sending) => (this.creating = sending ? batch.key : null),
    };
    const status = await createOnce(ctx, batch, file);
    if (status) this.statuses.set(batch.key, status);
  }

  /**
   * A batch taken for this one by its size and creation time (Anthropic batches carry no tag) is
   * read before anything is written from it: results of requests this batch never had mean it
   * belongs to someone else, and the user decides.
   */
  private async checkMatchedBatch(batch: BatchRecord, status: BatchStatus): Promise<void> {
    const foreign = await withRequestSignal(this.options.signal, (signal) =>
      firstForeignId(this.options.api, status, new Set(batch.customIds), undefined, signal),
    );
    if (foreign === null) return;
    const dirArg = this.options.dirArg ?? `--dir ${this.options.dir}`;
    throw new CreateNeedsDecision(
      [
        `${batch.key}: batch ${batch.batchId} was taken for it as the only unknown batch of its size created ` +
          `when its create request got no clear answer, but its results hold ${foreign}, a request ${batch.key} ` +
          "never had: it is someone else's batch. Nothing was recorded from it.",
        'If you know the batch that holds these requests, adopt it:',
        `  stratalign batch adopt ${dirArg} --key ${batch.key} --batch-id <id>`,
        'otherwise let the next run create it again:',
        `  stratalign batch adopt ${dirArg} --key ${batch.key} --none`,
      ].join('\n'),
    );
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
