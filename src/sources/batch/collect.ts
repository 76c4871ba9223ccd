import { classifyChoice } from '../live/choice-outcome.js';
import { formatSampleLine } from '../../recordings/jsonl.js';
import type { AppendLog } from './append-log.js';
import type { BatchApi, BatchEnd, BatchStatus } from './api.js';
import type { FailedItem, FailureOutcome, NewJournalEntry } from './journal.js';
import type { CollectionPlan, RequestItem } from './plan.js';
import { batchSample, countParse, errorKey, type ParseTally } from './recording.js';
import type { BatchRecord } from './state.js';

export type CollectContext = {
  api: BatchApi;
  plan: CollectionPlan;
  planHash: string;
  byCustomId: ReadonlyMap<string, RequestItem>;
  /** custom_ids in the recording; updated as samples are written. */
  recorded: Set<string>;
  /** Parse outcomes of the recording; updated as samples are written. */
  parse: ParseTally;
  recording: AppendLog;
  errors: AppendLog;
  errorKeys: Set<string>;
  now: () => Date;
  signal?: AbortSignal;
};

/** Lines between fsyncs while collecting a large batch; the journal entry always waits for the last one. */
const SYNC_EVERY = 1000;

/** What became of an item that has no result line, by how its batch ended. */
const UNANSWERED: Record<BatchEnd, { outcome: FailureOutcome; reason: string }> = {
  completed: { outcome: 'no-result', reason: 'the batch completed without a result line for this request' },
  expired: { outcome: 'expired', reason: 'the batch expired before this request ran' },
  cancelled: { outcome: 'cancelled', reason: 'the batch was cancelled before this request ran' },
  failed: { outcome: 'batch-failed', reason: 'the whole batch failed' },
};

/**
 * Reads an ended batch's results: each answer not yet recorded becomes a recording line, each
 * failure an errors-file line, every item of the batch is accounted for exactly once, and both
 * files are fsynced before the returned journal entry may be written.
 */
export async function collectBatch(
  ctx: CollectContext,
  batch: BatchRecord,
  status: BatchStatus,
): Promise<Extract<NewJournalEntry, { type: 'collected' }>> {
  const expected = new Set(batch.customIds);
  const seen = new Set<string>();
  const recorded: string[] = [];
  const alreadyRecorded: string[] = [];
  const failed: FailedItem[] = [];
  const usage = { prompt: 0, completion: 0, unreported: 0 };
  let ignoredLines = 0;
  let unreadableLines = 0;
  let sinceSync = 0;
  const when = ctx.now();
  try {
    for await (const result of ctx.api.results(status, ctx.signal)) {
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      const id = result.customId;
      if (id === null) {
        // Not JSON, or no custom_id: it cannot be anyone's answer; the item it may have been goes
        // without a result line and is handled like any such item.
        unreadableLines++;
        continue;
      }
      if (!expected.has(id) || seen.has(id)) {
        ignoredLines++;
        continue;
      }
      seen.add(id);
      if (result.kind !== 'answer') {
        failed.push({ customId: id, outcome: result.kind, reason: result.reason });
        continue;
      }
      if (result.usage) {
        usage.prompt += result.usage.prompt;
        usage.completion += result.usage.completion;
      } else usage.unreported++;
      const outcome = classifyChoice(result.choice);
      if (outcome.kind === 'missing') {
        failed.push({ customId: id, outcome: 'no-answer', reason: outcome.reason });
      } else if (ctx.recorded.has(id)) {
        alreadyRecorded.push(id);
      } else {
        const item = ctx.byCustomId.get(id)!;
        const answer = { text: outcome.sample.text!, finishReason: result.choice.finishReason, model: result.model };
        const sample = batchSample(ctx.plan, ctx.planHash, item, answer, status.id, when);
        ctx.recording.writeLine(formatSampleLine(sample));
        ctx.recorded.add(id);
        countParse(ctx.parse, sample.parse);
        recorded.push(id);
        if (++sinceSync >= SYNC_EVERY) {
          ctx.recording.sync();
          sinceSync = 0;
        }
      }
    }
    const end = status.endedAs ?? 'completed';
    for (const id of batch.customIds) if (!seen.has(id)) failed.push({ customId: id, ...UNANSWERED[end] });
    for (const f of failed) writeError(ctx, f, batch, status.id, when);
  } finally {
    // Whatever was written is made durable, also when interrupted: a resumed run skips it.
    ctx.recording.sync();
    ctx.errors.sync();
  }
  return {
    type: 'collected',
    key: batch.key,
    batchId: status.id,
    recorded,
    alreadyRecorded,
    failed,
    ignoredLines,
    unreadableLines,
    usage,
  };
}

/**
 * The first custom_id in a batch's results that is not one of `ours`, reading at most `limit`
 * results: a batch taken for ours by its size and creation time must hold our requests.
 */
export async function firstForeignId(
  api: BatchApi,
  status: BatchStatus,
  ours: ReadonlySet<string>,
  limit = Number.POSITIVE_INFINITY,
  signal?: AbortSignal,
): Promise<string | null> {
  let read = 0;
  for await (const result of api.results(status, signal)) {
    if (result.customId !== null && !ours.has(result.customId)) return result.customId;
    if (++read >= limit) break;
  }
  return null;
}

function writeError(ctx: CollectContext, failure: FailedItem, batch: BatchRecord, batchId: string, when: Date): void {
  const key = errorKey(batchId, failure.customId);
  if (ctx.errorKeys.has(key)) return;
  const item = ctx.byCustomId.get(failure.customId)!;
  ctx.errors.writeLine(
    JSON.stringify({
      customId: failure.customId,
      scenario: item.scenario.id,
      sampleIndex: item.sampleIndex,
      batchId,
      batch: batch.key,
      outcome: failure.outcome,
      reason: failure.reason,
      at: when.toISOString(),
    }),
  );
  ctx.errorKeys.add(key);
}
