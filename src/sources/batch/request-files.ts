import { StratalignError } from '../../shared/errors.js';
import { writeFileAtomic, type WrittenFile } from '../../shared/files/atomic-file.js';
import { API_LIMITS, type BatchLimits, type BatchProvider } from './limits.js';
import type { CollectionPlan, RequestItem } from './plan.js';
import { anthropicRequestLine } from './wire-anthropic.js';
import { openAIRequestLine } from './wire-openai.js';

type BatchFormat = {
  requestLine(item: RequestItem, plan: CollectionPlan): unknown;
  /** Bytes the API counts against its size limit for `count` lines totalling `lineBytes`. */
  batchBytes(count: number, lineBytes: number): number;
};

/**
 * OpenAI limits the uploaded JSONL file (each line plus its newline); Anthropic limits the JSON
 * body of the create request, `{"requests":[` + lines joined by commas + `]}`.
 */
const FORMATS: Record<BatchProvider, BatchFormat> = {
  openai: { requestLine: openAIRequestLine, batchBytes: (count, lineBytes) => lineBytes + count },
  anthropic: {
    requestLine: anthropicRequestLine,
    batchBytes: (count, lineBytes) => '{"requests":['.length + lineBytes + Math.max(count - 1, 0) + ']}'.length,
  },
};

export type RequestChunk = { items: RequestItem[]; lines: string[]; bytes: number };

/**
 * Checks user-chosen limits: smaller than the API's is fine (smaller batches finish and can be
 * collected sooner), larger would be rejected by the API.
 */
export function effectiveLimits(provider: BatchProvider, requested: Partial<BatchLimits> = {}): BatchLimits {
  const api = API_LIMITS[provider];
  const check = (value: number | undefined, max: number, option: string): number => {
    if (value === undefined) return max;
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new StratalignError(
        { field: option, value },
        `must be a whole number from 1 to ${max.toLocaleString('en-US')}, the ${provider} batch limit`,
        `give ${option} at most ${max}`,
      );
    }
    return value;
  };
  return {
    maxRequests: check(requested.maxRequests, api.maxRequests, '--max-requests'),
    maxBytes: check(requested.maxBytes, api.maxBytes, '--max-bytes'),
  };
}

/**
 * Splits requests, in order, into batches within the limits: a batch closes when one more request
 * would exceed either the request count or the byte size. One chunk is held in memory at a time.
 */
export function* chunkRequests(
  items: Iterable<RequestItem>,
  plan: CollectionPlan,
  limits: BatchLimits,
): Generator<RequestChunk> {
  const format = FORMATS[plan.provider];
  let chunk: RequestChunk = { items: [], lines: [], bytes: 0 };
  let lineBytes = 0;
  for (const item of items) {
    const line = JSON.stringify(format.requestLine(item, plan));
    const size = Buffer.byteLength(line, 'utf8');
    if (format.batchBytes(1, size) > limits.maxBytes) {
      throw new StratalignError(
        { field: 'request', value: item.customId },
        `this one request is ${format.batchBytes(1, size)} bytes, more than a whole batch may be ` +
          `(${limits.maxBytes} bytes)`,
        'raise --max-bytes (up to the API limit) or use a shorter prompt protocol',
      );
    }
    const count = chunk.items.length;
    if (
      count > 0 &&
      (count + 1 > limits.maxRequests || format.batchBytes(count + 1, lineBytes + size) > limits.maxBytes)
    ) {
      yield chunk;
      chunk = { items: [], lines: [], bytes: 0 };
      lineBytes = 0;
    }
    chunk.items.push(item);
    chunk.lines.push(line);
    lineBytes += size;
    chunk.bytes = format.batchBytes(chunk.items.length, lineBytes);
  }
  if (chunk.items.length > 0) yield chunk;
}

/** Writes a request file atomically: it exists complete, with the hash the journal records, or not at all. */
export function writeRequestFile(path: string, lines: readonly string[]): WrittenFile {
  return writeFileAtomic(path, lines.map((line) => `${line}\n`).join(''));
}

const LIMIT_OPTIONS = [
  ['maxRequests', '--max-requests', 'requests'],
  ['maxBytes', '--max-bytes', 'bytes'],
] as const;

/**
 * A collection's batch limits are its plan's (the API's where the plan names none), so a resumed
 * collection makes batches of the same size. The options given again must agree with them.
 */
export function collectionLimits(plan: CollectionPlan, given: Partial<BatchLimits> = {}): BatchLimits {
  const limits = effectiveLimits(plan.provider, plan.batchLimits);
  for (const [key, option, unit] of LIMIT_OPTIONS) {
    const value = given[key];
    if (value === undefined || value === limits[key]) continue;
    const source = plan.batchLimits?.[key] === undefined ? ` (the ${plan.provider} limit)` : '';
    throw new StratalignError(
      { field: option, value },
      `the plan sets ${limits[key]} ${unit} per batch${source}; a collection keeps its batch sizes`,
      `leave ${option} out or give the planned value; for other batch sizes start a new collection in a new --dir`,
    );
  }
  return limits;
}
