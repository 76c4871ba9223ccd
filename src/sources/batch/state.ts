import { StratalignError } from '../../shared/errors.js';
import type { BatchEnd } from './api.js';
import { JOURNAL_SCHEMA, type FailedItem, type FailureOutcome, type JournalEntry } from './journal.js';
import type { RequestItem } from './plan.js';

export type CollectedEntry = Extract<JournalEntry, { type: 'collected' }>;

/** One batch as the journal knows it. */
export type BatchRecord = {
  key: string;
  file: string;
  sha256: string;
  bytes: number;
  customIds: string[];
  resubmitted: string[];
  batchId: string | null;
  adopted: boolean;
  /** How an adopted batch was found. */
  match: 'tag' | 'count-and-time' | 'user' | null;
  /**
   * An open `creating` step: a create request was sent and neither its batch nor a refusal was
   * journalled, so the batch may exist and is looked up before anything is sent again.
   */
  intent: { at: string; attempt: number } | null;
  /** Batch ids released from this batch (taken for it by size and time, wrongly): never taken again. */
  rejected: string[];
  /** When the last create request was sent (or, in a v1 journal, prepared). */
  sentAt: string | null;
  status: string | null;
  ended: { status: string; endedAs: BatchEnd; errors: string[] } | null;
  cancelRequested: boolean;
  collected: CollectedEntry | null;
};

export type CollectionState = {
  planHash: string;
  batches: BatchRecord[];
  /** The base URL set with --base-url after planning (the last `base-url` step), or null. */
  baseUrl: string | null;
};

const FIX =
  'the journal is written only by stratalign batch; restore it from a backup, or start a new collection in a new --dir';

/** Rebuilds the collection's state from its journal, checking that the steps fit together. */
export function replayJournal(entries: readonly JournalEntry[], file: string): CollectionState {
  const first = entries[0];
  if (first?.type !== 'plan')
    throw new StratalignError({ file, field: 'line 1' }, 'the journal does not start with the plan step', FIX);
  const batches = new Map<string, BatchRecord>();
  // Before v2 no `creating` step was written: a prepared batch may have been sent.
  const legacy = first.schema !== JOURNAL_SCHEMA;
  let baseUrl: string | null = null;
  entries.forEach((entry, i) => {
    const where = { file, field: `line ${i + 1}` };
    if (entry.type === 'plan') {
      if (i > 0) throw new StratalignError(where, 'a second plan step', FIX);
      return;
    }
    if (entry.type === 'base-url') {
      baseUrl = entry.baseUrl;
      return;
    }
    if (entry.type === 'prepared') {
      if (batches.has(entry.key))
        throw new StratalignError({ ...where, value: entry.key }, 'batch prepared twice', FIX);
      const intent = legacy ? { at: entry.at, attempt: 0 } : null;
      batches.set(entry.key, {
        ...entry,
        batchId: null,
        adopted: false,
        match: null,
        intent,
        rejected: [],
        sentAt: legacy ? entry.at : null,
        status: null,
        ended: null,
        cancelRequested: false,
        collected: null,
      });
      return;
    }
    const batch = batches.get(entry.key);
    if (!batch)
      throw new StratalignError(
        { ...where, value: entry.key },
        `step ${entry.type} for a batch that was never prepared`,
        FIX,
      );
    if (entry.type === 'creating' || entry.type === 'create-failed') {
      if (batch.batchId !== null)
        throw new StratalignError(
          { ...where, value: entry.key },
          `step ${entry.type} for a batch already created`,
          FIX,
        );
      batch.intent = entry.type === 'creating' ? { at: entry.at, attempt: entry.attempt } : null;
      if (entry.type === 'creating') batch.sentAt = entry.at;
      return;
    }
    if (entry.type === 'created') {
      if (batch.batchId !== null) throw new StratalignError({ ...where, value: entry.key }, 'batch created twice', FIX);
      batch.batchId = entry.batchId;
      batch.status = entry.status;
      batch.adopted = entry.adopted;
      batch.match = entry.match ?? (entry.adopted ? 'tag' : null);
      batch.intent = null;
      return;
    }
    if (entry.type === 'released') {
      if (batch.batchId !== entry.batchId || batch.collected)
        throw new StratalignError(
          { ...where, value: entry.batchId },
          "released a batch that is not this batch's uncollected one",
          FIX,
        );
      // Back to "sent, outcome unknown": the next step looks up (or the user adopts) again.
      Object.assign(batch, {
        batchId: null,
        adopted: false,
        match: null,
        status: null,
        ended: null,
        cancelRequested: false,
        intent: { at: batch.sentAt ?? entry.at, attempt: 0 },
      });
      batch.rejected.push(entry.batchId);
      return;
    }
    if (batch.batchId !== entry.batchId)
      throw new StratalignError(
        { ...where, value: entry.batchId },
        `step ${entry.type} names another batch id than batch ${entry.key} was created with`,
        FIX,
      );
    if (entry.type === 'status') batch.status = entry.status;
    else if (entry.type === 'ended') {
      batch.status = entry.status;
      batch.ended = { status: entry.status, endedAs: entry.endedAs, errors: entry.errors };
    } else if (entry.type === 'cancel-requested') batch.cancelRequested = true;
    else batch.collected = entry;
  });
  return { planHash: first.planHash, batches: [...batches.values()], baseUrl };
}

export type RetryPolicy = {
  /** Batches an item may be sent in, the first one included. */
  maxAttempts: number;
  /** Also re-submit items that errored (4xx/5xx per request), malformed results and refusals. */
  retryErrored: boolean;
};

/** Outcomes that say nothing about the request itself: the batch ran out of time, was cancelled or failed whole. */
const RETRYABLE: ReadonlySet<FailureOutcome> = new Set(['expired', 'cancelled', 'batch-failed', 'no-result']);

export type GivenUp = FailedItem & { batchId: string; attempts: number; cancelledByUser: boolean };

export type ItemProgress = {
  recorded: number;
  /** custom_id → key of the batch it is waiting in. */
  inFlight: Map<string, string>;
  /** Items to send in a new batch, in plan order. */
  pending: RequestItem[];
  /** The part of `pending` that was in an earlier batch that ended without its answer. */
  resubmit: Map<string, FailedItem>;
  /** Items that will not be sent again, with their last failure. */
  givenUp: Map<string, GivenUp>;
};

/**
 * Where every item stands. The recording decides what is recorded (so a crash between writing
 * the recording and the journal cannot send or write anything twice); the journal decides what
 * is in flight, and the policy whether a failed item goes out again.
 */
export function progressOf(
  items: readonly RequestItem[],
  state: CollectionState,
  recorded: ReadonlySet<string>,
  policy: RetryPolicy,
  recordingFile: string,
): ItemProgress {
  const attempts = new Map<string, number>();
  const inFlight = new Map<string, string>();
  const lastFailure = new Map<string, { failure: FailedItem; batch: BatchRecord }>();
  const journalRecorded = new Set<string>();
  for (const batch of state.batches) {
    for (const id of batch.customIds) {
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      if (!batch.collected) inFlight.set(id, batch.key);
    }
    if (!batch.collected) continue;
    for (const failure of batch.collected.failed) lastFailure.set(failure.customId, { failure, batch });
    for (const id of batch.collected.recorded) journalRecorded.add(id);
  }
  const progress: ItemProgress = {
    recorded: 0,
    inFlight: new Map(),
    pending: [],
    resubmit: new Map(),
    givenUp: new Map(),
  };
  const lost: string[] = [];
  for (const item of items) {
    const id = item.customId;
    if (recorded.has(id)) {
      progress.recorded++;
      continue;
    }
    if (journalRecorded.has(id)) lost.push(id);
    const waitingIn = inFlight.get(id);
    if (waitingIn) {
      progress.inFlight.set(id, waitingIn);
      continue;
    }
    const last = lastFailure.get(id);
    if (!last) {
      progress.pending.push(item);
      continue;
    }
    const tries = attempts.get(id) ?? 0;
    const cancelledByUser = last.batch.cancelRequested && last.failure.outcome === 'cancelled';
    const retryable = !cancelledByUser && (RETRYABLE.has(last.failure.outcome) || policy.retryErrored);
    if (retryable && tries < policy.maxAttempts) {
      progress.pending.push(item);
      progress.resubmit.set(id, last.failure);
    } else {
      progress.givenUp.set(id, {
        ...last.failure,
        batchId: last.batch.batchId ?? last.batch.key,
        attempts: tries,
        cancelledByUser,
      });
    }
  }
  if (lost.length > 0) {
    throw new StratalignError(
      { file: recordingFile, value: lost.slice(0, 3) },
      `the journal says ${lost.length} samples were written to the recording, but it does not contain them: the ` +
        `file was truncated, edited or replaced`,
      'restore the recording from a backup; stratalign batch never removes samples from it',
    );
  }
  return progress;
}
