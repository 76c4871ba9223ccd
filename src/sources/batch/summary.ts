import type { ParseTally } from './recording.js';
import type { BatchRecord, ItemProgress } from './state.js';

export type MissingGroup = { reason: string; count: number };

/** Where a collection stands: every requested answer is either recorded or missing, with a reason. */
export type CollectionSummary = {
  requested: number;
  recorded: number;
  missing: number;
  /** Why answers are missing, largest group first: in flight, not sent yet, or given up after a failure. */
  missingBy: MissingGroup[];
  parse: ParseTally;
  /** Items that were sent in more than one batch. */
  resubmitted: number;
  batches: { key: string; batchId: string | null; status: string; requests: number; collected: boolean }[];
  usage: { prompt: number; completion: number; unreported: number };
  /** Result lines skipped while collecting: unreadable (not JSON, no custom_id), or another batch's / repeated. */
  skippedLines: { unreadable: number; ignored: number };
};

export function summarize(
  requested: number,
  progress: ItemProgress,
  batches: readonly BatchRecord[],
  parse: ParseTally,
): CollectionSummary {
  const groups = new Map<string, number>();
  const add = (reason: string) => groups.set(reason, (groups.get(reason) ?? 0) + 1);
  const byKey = new Map(batches.map((b) => [b.key, b]));
  for (const key of progress.inFlight.values()) {
    const batch = byKey.get(key)!;
    const where =
      batch.batchId !== null
        ? `in flight in ${key} (${batch.batchId}, ${batch.status ?? 'submitted'})`
        : batch.intent !== null
          ? `in ${key}, whose create request got no clear answer (the next step looks for its batch first)`
          : `prepared in ${key}, not yet created`;
    add(batch.ended ? `${where}, ended but not collected yet` : where);
  }
  for (const item of progress.pending)
    add(
      progress.resubmit.has(item.customId)
        ? `waiting to be re-submitted after ${progress.resubmit.get(item.customId)!.outcome}`
        : 'not submitted yet',
    );
  for (const given of progress.givenUp.values()) {
    const tries = given.attempts > 1 ? ` (after ${given.attempts} attempts)` : '';
    add(
      given.cancelledByUser
        ? `cancelled by stratalign batch cancel${tries}`
        : `${given.outcome}${tries}: ${given.reason}`,
    );
  }
  const missing = [...groups.values()].reduce((a, b) => a + b, 0);
  if (progress.recorded + missing !== requested)
    throw new Error(`bug: ${progress.recorded} recorded + ${missing} missing != ${requested} requested`);
  const sent = new Map<string, number>();
  const usage = { prompt: 0, completion: 0, unreported: 0 };
  const skippedLines = { unreadable: 0, ignored: 0 };
  for (const batch of batches) {
    for (const id of batch.customIds) sent.set(id, (sent.get(id) ?? 0) + 1);
    if (!batch.collected) continue;
    skippedLines.unreadable += batch.collected.unreadableLines ?? 0;
    skippedLines.ignored += batch.collected.ignoredLines;
    usage.prompt += batch.collected.usage.prompt;
    usage.completion += batch.collected.usage.completion;
    usage.unreported += batch.collected.usage.unreported;
  }
  return {
    requested,
    recorded: progress.recorded,
    missing,
    missingBy: [...groups].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
    parse,
    resubmitted: [...sent.values()].filter((n) => n > 1).length,
    batches: batches.map((b) => ({
      key: b.key,
      batchId: b.batchId,
      status: b.status ?? (b.batchId ? 'submitted' : 'prepared'),
      requests: b.customIds.length,
      collected: b.collected !== null,
    })),
    usage,
    skippedLines,
  };
}
