import { errorCode, retryAfterMs as retryAfterOf, sdkRetries, type SdkErrorFacts } from '../live/sdk-errors.js';
import { BATCH_MAX_RETRIES } from './adapter-support.js';
import { BatchCallError, type BatchApi, type BatchStatus, type ListedBatch, type RequestFile } from './api.js';
import { CREATE_WINDOW_MS, listSince, matchCreated, type CreateLookup } from './create-lookup.js';
import { firstForeignId } from './collect.js';
import type { NewJournalEntry } from './journal.js';
import { withRequestSignal } from '../live/abort-scope.js';
import type { BatchRecord } from './state.js';

/**
 * Creating a batch is the one call that costs money if it is repeated, so it is never retried
 * blindly (the SDKs' own retry is off for it). Before the call a `creating` step is journalled;
 * after it, either `created` (with the batch id) or `create-failed` (the API refused, nothing was
 * created). A create whose answer is lost (5xx, reset, timeout, malformed reply) or whose
 * process died leaves `creating` open: then the batch is looked up before anything is sent
 * again, here right away and on resume at the start.
 */
export type CreationContext = {
  api: BatchApi;
  record(entry: NewJournalEntry): void;
  log(line: string): void;
  /** Aborts waits and look-ups; never the create request itself (see `create`). */
  signal?: AbortSignal;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): Date;
  /** Batch ids the journal knows, for any key: never taken for another batch. */
  knownIds(): Set<string>;
  /** How to name the collection in commands printed for the user, e.g. `--dir runs/teacher`. */
  dirArg: string;
  /** Test seam: runs after the API answered and before the journal entry. */
  beforeJournal?: (key: string) => void;
  /** Only look up an open `creating` (for `batch cancel`); never send a create. */
  lookUpOnly?: boolean;
  /** Told when a create request goes out and when it has been answered. */
  onSending?: (sending: boolean) => void;
};

/** What went wrong with a create request, and whether the batch may exist anyway. */
export type CreateFailure = {
  /** rejected: the API answered with a refusal; not-sent: the request never reached it; maybe: no clear answer. */
  kind: 'rejected' | 'not-sent' | 'maybe';
  retryable: boolean;
  retryAfterMs: number | null;
};

export function classifyCreateFailure(facts: SdkErrorFacts): CreateFailure {
  switch (facts.kind) {
    case 'http': {
      const retryable = sdkRetries(facts.status, facts.headers);
      // A 4xx the SDKs would not retry is the API refusing the batch: nothing was created.
      // Anything retryable (408, 409, 429, 5xx) may come from a proxy after the API acted.
      return { kind: retryable ? 'maybe' : 'rejected', retryable, retryAfterMs: retryAfterOf(facts.headers) };
    }
    case 'connection': {
      const code = errorCode(facts.cause);
      const neverSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
      return { kind: neverSent ? 'not-sent' : 'maybe', retryable: true, retryAfterMs: null };
    }
    case 'timeout':
    case 'malformed':
      return { kind: 'maybe', retryable: true, retryAfterMs: null };
    case 'aborted':
    case 'other':
      return { kind: 'maybe', retryable: false, retryAfterMs: null };
  }
}

/** The SDKs' backoff (0.5 s doubling to 8 s, up to 25 % jitter), or the server's retry-after up to a minute. */
export function createBackoffMs(retry: number, retryAfterMs: number | null, random = Math.random): number {
  if (retryAfterMs !== null && retryAfterMs >= 0 && retryAfterMs <= 60_000) return retryAfterMs;
  return Math.min(500 * 2 ** (retry - 1), 8_000) * (1 - random() * 0.25);
}

/** Stopped because a person must choose: several batches may be the one a lost create made. */
export class CreateNeedsDecision extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CreateNeedsDecision';
  }
}

/**
 * Brings a prepared batch to `created`: looks up an open `creating` first, then creates (and
 * uploads, where the API needs that) with at most BATCH_MAX_RETRIES more attempts, each after
 * a look-up. Returns the batch as the API reports it.
 */
export async function createOnce(
  ctx: CreationContext,
  batch: BatchRecord,
  file: RequestFile,
): Promise<BatchStatus | null> {
  if (batch.intent) {
    const sentAt = Date.parse(batch.intent.at);
    const latestAt = Math.min(ctx.now().getTime(), sentAt + CREATE_WINDOW_MS);
    ctx.log(
      `${batch.key}: its create request was sent at ${batch.intent.at} and never answered before the interruption; ` +
        'looking for the batch before creating it again',
    );
    const found = await lookUp(ctx, batch, file, sentAt, latestAt);
    if (found || ctx.lookUpOnly) return found;
  }
  if (ctx.lookUpOnly) return null;
  let uploaded: string | null = null;
  // A batch made by an earlier attempt of this call may show up in the list late: the window starts at the first.
  let firstSentAt: number | null = null;
  for (let attempt = 1; ; attempt++) {
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    if (ctx.api.upload && uploaded === null)
      uploaded = await withRequestSignal(ctx.signal, (signal) => ctx.api.upload!(file, signal));
    ctx.record({ type: 'creating', key: batch.key, attempt });
    firstSentAt ??= ctx.now().getTime();
    let status: BatchStatus;
    ctx.onSending?.(true);
    try {
      // No abort signal: once sent, the request is allowed to finish so its answer is journalled
      // (Ctrl-C waits for it; a second Ctrl-C or a kill leaves `creating` open for the look-up).
      status = await ctx.api.create(file, uploaded);
    } catch (err) {
      ctx.onSending?.(false);
      const failure = classifyCreateFailure(ctx.api.errorFacts(err));
      const reason = ctx.api.describeError(BatchCallError.after(err, 1));
      if (failure.kind !== 'maybe') ctx.record({ type: 'create-failed', key: batch.key, reason });
      if (!failure.retryable || attempt > BATCH_MAX_RETRIES) {
        if (failure.kind === 'maybe')
          ctx.log(
            `${batch.key}: the create request got no clear answer (${reason}); ` +
              'the batch may exist, so resume looks for it before creating it again',
          );
        throw BatchCallError.after(err, attempt);
      }
      const wait = createBackoffMs(attempt, failure.retryAfterMs);
      if (failure.kind === 'not-sent') {
        ctx.log(`${batch.key}: the create request did not reach the API (${reason}); trying again in ${seconds(wait)}`);
        await ctx.sleep(wait, ctx.signal);
        continue;
      }
      ctx.log(
        `${batch.key}: the create request got no clear answer (${reason}); ` +
          `looking for the batch in ${seconds(wait)} before creating it again`,
      );
      await ctx.sleep(wait, ctx.signal);
      const found = await lookUp(ctx, batch, file, firstSentAt, ctx.now().getTime());
      if (found) return found;
      continue;
    }
    ctx.onSending?.(false);
    ctx.beforeJournal?.(batch.key);
    ctx.record({ type: 'created', key: batch.key, batchId: status.id, status: status.status, adopted: false });
    const bytes = file.bytes.toLocaleString('en-US');
    ctx.log(`${batch.key}: created batch ${status.id} with ${file.requests} requests (${bytes} bytes)`);
    return status;
  }
}

/** Looks for the batch a lost create may have made; journals and returns it when found. */
async function lookUp(
  ctx: CreationContext,
  batch: BatchRecord,
  file: RequestFile,
  sentAt: number,
  latestAt: number,
): Promise<BatchStatus | null> {
  const { api } = ctx;
  const listed = await withRequestSignal(ctx.signal, (signal) =>
    api.listRecent(new Date(listSince(sentAt, api.tagsBatches)), signal),
  );
  const known = ctx.knownIds();
  for (const id of batch.rejected) known.add(id);
  const query = { tag: file.tag, requests: file.requests, sentAt, latestAt, known, tagged: api.tagsBatches };
  let lookup = matchCreated(listed.batches, query, listed.clockChecked);
  if (lookup.kind !== 'none' && !api.tagsBatches)
    lookup = await withoutForeignResults(ctx, lookup, batch, listed.batches, query, listed.clockChecked);
  if (lookup.kind === 'ambiguous')
    throw new CreateNeedsDecision(ambiguityMessage(ctx, batch, file, sentAt, lookup.candidates));
  if (lookup.kind === 'none') {
    const checked = `${lookup.searched} recent batches checked${api.tagsBatches ? ' for its tag' : ''}`;
    ctx.log(`${batch.key}: no batch of ${file.requests} requests was created by that request (${checked})`);
    return null;
  }
  const how =
    lookup.how === 'tag'
      ? `its tag ${file.tag}`
      : `its ${file.requests} requests and creation time ${iso(lookup.batch.createdAtMs)}, ` +
        'the only unknown batch that fits';
  ctx.beforeJournal?.(batch.key);
  ctx.record({
    type: 'created',
    key: batch.key,
    batchId: lookup.batch.id,
    status: lookup.batch.status,
    adopted: true,
    match: lookup.how,
  });
  ctx.log(
    `${batch.key}: found batch ${lookup.batch.id} with ${file.requests} requests, ` +
      `created by the request whose answer was lost (matched by ${how}); not creating it again`,
  );
  for (const other of lookup.others) {
    ctx.log(
      `${batch.key}: batch ${other.id} carries the same tag and was created ${iso(other.createdAtMs)}: ` +
        `the API created this batch twice. Cancel ${other.id} at ${api.provider} if it is still running; ` +
        'its answers are not collected',
    );
  }
  return lookup.batch;
}

/**
 * Candidates that have ended can be read: one whose first results hold a custom_id this batch
 * never had belongs to someone else. In-progress batches cannot be checked this way.
 */
async function withoutForeignResults(
  ctx: CreationContext,
  lookup: Exclude<CreateLookup, { kind: 'none' }>,
  batch: BatchRecord,
  listed: readonly ListedBatch[],
  query: Parameters<typeof matchCreated>[1],
  clockChecked: boolean,
): Promise<CreateLookup> {
  const candidates = lookup.kind === 'found' ? [lookup.batch] : lookup.candidates;
  const ours = new Set(batch.customIds);
  const foreign = new Set<string>();
  for (const candidate of candidates) {
    if (!candidate.ended) continue;
    if (await holdsForeignResults(ctx, candidate, ours)) foreign.add(candidate.id);
  }
  if (foreign.size === 0) return lookup;
  return matchCreated(
    listed.filter((b) => !foreign.has(b.id)),
    query,
    clockChecked,
  );
}

/** Results read per ended candidate: the first line of someone else's batch already names another request. */
const RESULTS_CHECKED = 20;

async function holdsForeignResults(
  ctx: CreationContext,
  candidate: ListedBatch,
  ours: ReadonlySet<string>,
): Promise<boolean> {
  return (
    (await withRequestSignal(ctx.signal, (signal) =>
      firstForeignId(ctx.api, candidate, ours, RESULTS_CHECKED, signal),
    )) !== null
  );
}

function ambiguityMessage(
  ctx: CreationContext,
  batch: BatchRecord,
  file: RequestFile,
  sentAt: number,
  candidates: readonly ListedBatch[],
): string {
  const lines = [
    `${batch.key}: its create request (${file.requests} requests, sent ${iso(sentAt)}) got no clear answer, ` +
      `and ${candidates.length} batches at ${ctx.api.provider} could be the one it created; ` +
      `they cannot be told apart (${ctx.api.provider} batches carry no tag):`,
    ...candidates.map((c) => `  ${c.id}: ${c.counts.total} requests, created ${iso(c.createdAtMs)}, ${c.status}`),
    "Nothing was created again. Check which one holds this collection's requests " +
      '(e.g. in the console; its results name the custom_ids), then adopt it:',
    ...candidates.map((c) => `  stratalign batch adopt ${ctx.dirArg} --key ${batch.key} --batch-id ${c.id}`),
    "or, if none of them is this collection's batch, let the next run create it:",
    `  stratalign batch adopt ${ctx.dirArg} --key ${batch.key} --none`,
  ];
  return lines.join('\n');
}

function iso(ms: number | null): string {
  return ms === null ? 'at an unknown time' : new Date(ms).toISOString();
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
