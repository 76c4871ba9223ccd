/**
 * What each batch API accepts in one batch. A collection larger than this is split into several
 * batches; users may ask for smaller batches (never larger ones).
 *
 * - OpenAI Batch: "The file can contain up to 50,000 requests, and can be up to 200 MB in size"
 *   (BatchCreateParams.input_file_id in openai-node 6.49.0, resources/batches.d.ts; the same text
 *   is on platform.openai.com/docs/api-reference/batch/create). Measured on the uploaded JSONL file.
 * - Anthropic Message Batches: `requests` has "minItems: 1, maxItems: 100000" and each custom_id
 *   "minLength: 1, maxLength: 64, pattern: ^[a-zA-Z0-9_-]{1,64}$"
 *   (platform.claude.com/docs/en/api/messages/batches/create); a batch is limited to 100,000
 *   requests or 256 MB, whichever is reached first (platform.claude.com/docs/en/build-with-claude/
 *   batch-processing). Measured on the JSON body of the create request.
 *
 * "MB" is read as 10^6 bytes, the smaller of its two readings, so a batch never exceeds either.
 */
export type BatchLimits = { maxRequests: number; maxBytes: number };

export type BatchProvider = 'openai' | 'anthropic';

export const API_LIMITS: Readonly<Record<BatchProvider, BatchLimits>> = {
  openai: { maxRequests: 50_000, maxBytes: 200_000_000 },
  anthropic: { maxRequests: 100_000, maxBytes: 256_000_000 },
};

/**
 * Anthropic's custom_id rule. OpenAI documents no pattern for custom_id (only "must be unique for
 * each request in a batch"), so the stricter rule is used for both.
 */
export const CUSTOM_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
