import type { CompletionChoice, TokenCounts } from '../live/transport.js';
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
 * `src/` never imports an SDK. Methods throw on transport or HTTP failure (after the SDK's own
 * retries); `describeError` turns that into one sentence without secrets.
 */
export interface BatchApi {
  readonly provider: BatchProvider;
  /** Uploads the file where the API needs that (OpenAI) and creates the batch. */
  create(file: RequestFile, signal?: AbortSignal): Promise<BatchStatus>;
  retrieve(batchId: string, signal?: AbortSignal): Promise<BatchStatus>;
  /** Every result line of an ended batch, in the API's order. */
  results(batch: BatchStatus, signal?: AbortSignal): AsyncIterable<ItemResult>;
  cancel(batchId: string, signal?: AbortSignal): Promise<BatchStatus>;
  /**
   * Finds a batch created with this tag, for a crash between creating a batch and writing that
   * down. Only APIs with batch metadata (OpenAI) can answer; without it a resumed collection
   * creates the batch again (no sample is recorded twice either way).
   */
  findCreated?(tag: string, signal?: AbortSignal): Promise<BatchStatus | null>;
  describeError(error: unknown): string;
}

/** A response body the core cannot read (a proxy or a broken server may send anything). */
export class BatchWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchWireError';
  }
}
