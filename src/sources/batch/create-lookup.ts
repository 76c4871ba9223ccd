import type { ListedBatch } from './api.js';

/**
 * Deciding whether a create request whose answer never came (a 5xx, a reset, a timeout, a crash
 * or a second Ctrl-C while it was in flight) created a batch, from the batches the API lists.
 *
 * - With a tag (OpenAI's batch metadata), the answer is certain: the batch carrying the tag.
 * - Without one (Anthropic's batches have no metadata), a batch is taken for ours when it is the
 *   only one, among the batches this collection does not know, that has exactly as many requests
 *   as the request file and was created while the request could have been creating it. Two or
 *   more such batches cannot be told apart: the user decides (`stratalign batch adopt`).
 */
export type CreateQuery = {
  tag: string;
  requests: number;
  /** Local time the create request was journalled as about to be sent. */
  sentAt: number;
  /** Local time after which the request can no longer have created anything. */
  latestAt: number;
  /** Batch ids this collection already knows (its own batches, and ones it rejected). */
  known: ReadonlySet<string>;
  /** Whether the API carries our tag on its batches. */
  tagged: boolean;
};

export type CreateLookup =
  | { kind: 'found'; batch: ListedBatch; how: 'tag' | 'count-and-time'; others: ListedBatch[] }
  | { kind: 'none'; searched: number }
  | { kind: 'ambiguous'; candidates: ListedBatch[] };

/**
 * Slack around the window for the difference between the local clock and the API's: small when
 * the API's clock was read from its Date header (1 s resolution, plus the round trip), large
 * when it could not be.
 */
export const CLOCK_SLACK_MS = { checked: 30_000, unchecked: 10 * 60_000 } as const;

/** How long after it was sent a create request can still create a batch: the SDKs' request timeout. */
export const CREATE_WINDOW_MS = 10 * 60_000;

/**
 * Where listing can stop: batches are listed newest first, and older ones cannot be ours. The
 * API's clock is not known before the first page, so the wide slack applies; a tag is certain
 * wherever it is found, so tagged APIs are searched a day back, whatever the clocks say.
 */
export function listSince(sentAt: number, tagged: boolean): number {
  return sentAt - (tagged ? 24 * 3600_000 : CLOCK_SLACK_MS.unchecked);
}

export function matchCreated(listed: readonly ListedBatch[], query: CreateQuery, clockChecked: boolean): CreateLookup {
  const unknown = listed.filter((b) => !query.known.has(b.id));
  if (query.tagged) {
    const tagged = unknown.filter((b) => b.tag === query.tag).sort(byCreation);
    if (tagged.length === 0) return { kind: 'none', searched: listed.length };
    return { kind: 'found', batch: tagged[0]!, how: 'tag', others: tagged.slice(1) };
  }
  const slack = clockChecked ? CLOCK_SLACK_MS.checked : CLOCK_SLACK_MS.unchecked;
  const candidates = unknown
    .filter((b) => b.counts.total === query.requests)
    .filter(
      (b) => b.createdAtMs !== null && b.createdAtMs >= query.sentAt - slack && b.createdAtMs <= query.latestAt + slack,
    )
    .sort(byCreation);
  if (candidates.length === 0) return { kind: 'none', searched: listed.length };
  if (candidates.length === 1) return { kind: 'found', batch: candidates[0]!, how: 'count-and-time', others: [] };
  return { kind: 'ambiguous', candidates };
}

function byCreation(a: ListedBatch, b: ListedBatch): number {
  return (a.createdAtMs ?? 0) - (b.createdAtMs ?? 0);
}
