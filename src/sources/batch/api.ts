import type { CompletionChoice, TokenCounts } from '../live/transport.js';
import type { SdkErrorFacts } from '../live/sdk-errors.js';
import type { BatchProvider } from './limits.js';

/** How a batch ended; Anthropic batches that were not cancelled end as 'completed' with per-item outcomes. */
export type BatchEnd = 'completed' | 'expired' | 'failed' | 'cancelled';

/** A batch as the core sees it, whichever API it lives on. */
export type BatchStatus = {
  id: string;
  /** The API's own status word (validating, in_progress, ended, ...), shown to the user. */
  status: string;
  ended: boolean;
  endedAs: BatchEnd | null;
  counts: { total: number | null; succeeded: number; failed: number };
  /** OpenAI: the output and error file ids; Anthropic: none (results are fetched by batch id). */
  resultFiles: string[];
  /** Batch-level errors, e.g. OpenAI's validation errors of a failed batch. */
  errors: string[];
  /** The API has accepted a cancel (OpenAI `cancelling`, Anthropic `cancel_initiated_at`) or the batch ended. */
  cancelling: boolean;
};

/**
 * A batch as the API lists it, for finding the batch a lost create request made: when it was
 * created (on the local clock, see `clockOffsetMs`) and the tag it carries (OpenAI metadata).
 */
export type ListedBatch = BatchStatus & { createdAtMs: number | null; tag: string | null };

export type RecentBatches = {
  /** Newest first, back to (at least) the time asked for. */
  batches: ListedBatch[];
  /** Whether the API's clock was read (its Date header), so created_at times are on the local clock. */
  clockChecked: boolean;
};

/** One result line, normalised. Only 'answer' can become a sample. */
export type ItemResult =
  | { kind: 'answer'; customId: string; choice: CompletionChoice; usage: TokenCounts | null; model: string | null }
  | { kind: 'errored' | 'expired' | 'cancelled'; customId: string; reason: string }
  | { kind: 'malformed'; customId: string | null; reason: string };

/** A request file on disk, ready to become one batch. */
export type RequestFile = {
  /** Local name of the batch in the journal, e.g. b0003. */
  key: string;
  path: string;
  requests: number;
  bytes: number;
  sha256: string;
  /** Unique across collections (plan hash + key); attached to the batch where the API allows metadata. */
  tag: string;
};

/**
 * What the collection needs from a batch API. The SDK adapters in providers/batch implement it;
 * `src/` never imports an SDK. Methods throw on transport or HTTP failure, after the SDK's own
 * retries, as a BatchCallError that says how many attempts were made; `describeError` turns that
 * into one sentence without secrets, and `errorFacts` into what src/sources/batch decides on.
 */
export interface BatchApi {
  readonly provider: BatchProvider;
  /** Whether `create` attaches the file's tag to the batch where `listRecent` shows it (OpenAI metadata). */
  readonly tagsBatches: boolean;
  /** Uploads the request file where the API needs that (OpenAI); safe to repeat and to abort. Returns its file id. */
  upload?(file: RequestFile, signal?: AbortSignal): Promise<string>;
  /**
   * Creates the batch with one request: no SDK retry, no abort signal. A repeated create is a
   * second batch paid for; src/sources/batch/creation.ts decides what happens after a failure.
   */
  create(file: RequestFile, uploaded: string | null): Promise<BatchStatus>;
  retrieve(
    batchId: string,
    signal?: AbortSignal,
  ): Promise<BatchStatus & Partial<Pick<ListedBatch, 'createdAtMs' | 'tag'>>>;
  /** Every result line of an ended batch, in the API's order; a line that is not JSON is a 'malformed' result. */
  results(batch: BatchStatus, signal?: AbortSignal): AsyncIterable<ItemResult>;
  cancel(batchId: string, signal?: AbortSignal): Promise<BatchStatus>;
  /** Batches created since `since` (local clock), newest first. */
  listRecent(since: Date, signal?: AbortSignal): Promise<RecentBatches>;
  errorFacts(error: unknown): SdkErrorFacts;
  describeError(error: unknown): string;
}

/**
 * A failed API call and how many requests it took (the SDK's retries included), so messages
 * say "after 2 retries" only when two retries happened.
 */
export class BatchCallError extends Error {
  constructor(
    readonly failure: unknown,
    readonly attempts: number,
  ) {
    super(failure instanceof Error ? failure.message : String(failure));
    this.name = 'BatchCallError';
  }

  /** The same failure, counted as `attempts` requests (a caller that retried the call itself). */
  static after(error: unknown, attempts: number): BatchCallError {
    return new BatchCallError(unwrapCallError(error).error, attempts);
  }
}

/** The SDK error inside a BatchCallError (or the error itself), and the attempts it took. */
export function unwrapCallError(error: unknown): { error: unknown; attempts: number } {
  return error instanceof BatchCallError ? { error: error.failure, attempts: error.attempts } : { error, attempts: 1 };
}

/** A response body the core cannot read (a proxy or a broken server may send anything). */
export class BatchWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchWireError';
  }
}
