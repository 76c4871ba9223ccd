import { StratalignError } from '../../shared/errors.js';
import { lookupApiKey, redactSecret } from '../live/api-key.js';
import { describeFault } from '../live/faults.js';
import { SDK_DEFAULT_MAX_RETRIES, SDK_DEFAULT_TIMEOUT_MS } from '../live/provider-config.js';
import { faultFromSdkError, type SdkErrorFacts } from '../live/sdk-errors.js';
import {
  BatchCallError,
  BatchWireError,
  unwrapCallError,
  type ItemResult,
  type ListedBatch,
  type RecentBatches,
} from './api.js';
import type { CollectionPlan } from './plan.js';

/** What the SDK adapters share: the key from the environment, and one sentence per failure. */
export function requireApiKey(
  plan: CollectionPlan,
  env: Record<string, string | undefined> = process.env,
): string | null {
  const lookup = lookupApiKey(plan.apiKeyEnv, env);
  if (lookup.ok) return lookup.key;
  const fault = lookup.fault as Extract<typeof lookup.fault, { kind: 'missing-key' }>;
  throw new StratalignError(
    { file: 'plan.json', field: 'apiKeyEnv', value: fault.envVar },
    `the environment variable ${fault.envVar} is ${fault.empty ? 'empty' : 'not set'}`,
    `export ${fault.envVar}=<your ${plan.provider} API key> (keys are read only from the environment)`,
  );
}

/**
 * Retries after a failed call: the SDKs' own policy for every call but create (which
 * src/sources/batch/creation.ts retries itself, after looking the batch up).
 */
export const BATCH_MAX_RETRIES = SDK_DEFAULT_MAX_RETRIES;

/** One sentence for a failed call, with the retries that really happened (never a key). */
export function describeBatchError(
  error: unknown,
  facts: (error: unknown) => SdkErrorFacts,
  plan: CollectionPlan,
  key: string | null,
): string {
  const { error: inner, attempts } = unwrapCallError(error);
  const text =
    inner instanceof BatchWireError
      ? `malformed response from ${plan.baseUrl}: ${inner.message}`
      : describeFault(faultFromSdkError(facts(inner), attempts - 1), {
          baseUrl: plan.baseUrl,
          model: plan.model,
          timeoutMs: SDK_DEFAULT_TIMEOUT_MS,
        });
  return redactSecret(text, key);
}

/**
 * Counts the HTTP requests the SDK sends (its retries included), for honest messages: the SDKs
 * do not say how many attempts a failed call took. Calls run one at a time in a collection.
 */
export class AttemptCounter {
  private count = 0;

  readonly fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    // The openai SDK probes FormData support once with a `data:` URL: not a request to the API.
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('data:')) this.count++;
    return fetch(input, init);
  };

  /** Runs one API call; a failure is rethrown as a BatchCallError carrying the attempts it took. */
  async call<T>(run: () => Promise<T>): Promise<T> {
    this.count = 0;
    try {
      return await run();
    } catch (err) {
      throw new BatchCallError(err, Math.max(1, this.count));
    }
  }
}

/**
 * How far the API's clock is ahead of ours, from a response's Date header (1 s resolution), so
 * creation times it reports can be compared with times in the journal. Null without the header.
 */
export function clockOffsetMs(dateHeader: string | null | undefined, receivedAt: number): number | null {
  const server = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  return Number.isFinite(server) ? server - receivedAt : null;
}

/**
 * Servers echo keys in error bodies ("Incorrect API key provided: sk-…"); failure reasons reach the errors
 * file and the terminal.
 */
export function redactFailure(result: ItemResult, key: string | null): ItemResult {
  return result.kind === 'answer' ? result : redactSecret(result, key);
}

/**
 * Splits a byte stream into JSONL values; a line that is not JSON comes through as its text, so the wire reader reports
 * it.
 */
export async function* jsonlValues(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let rest = '';
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      return line;
    }
  };
  for await (const chunk of chunks) {
    rest += decoder.decode(chunk, { stream: true });
    let newline = rest.indexOf('\n');
    while (newline >= 0) {
      const line = rest.slice(0, newline).trim();
      rest = rest.slice(newline + 1);
      if (line) yield parse(line);
      newline = rest.indexOf('\n');
    }
  }
  rest += decoder.decode();
  if (rest.trim()) yield parse(rest.trim());
}

/** One page of a list endpoint, as both SDKs page them (newest first). */
export type ListPage<T> = { data: T[]; hasNextPage(): boolean; getNextPage(): Promise<ListPage<T>> };
/** The first page with its HTTP response (the SDKs' `.withResponse()`), whose Date header gives the API's clock. */
export type FirstPage<T> = { data: ListPage<T>; response: { headers: { get(name: string): string | null } } };

/** Batches listed at most while looking for a lost one, whatever the time window says. */
const LIST_CAP = 10_000;

/**
 * Lists batches newest first until they are older than `since`: the API's created_at times are
 * moved onto the local clock with the offset read from the first page's Date header.
 */
export async function listNewestSince<T>(
  attempts: AttemptCounter,
  first: () => Promise<FirstPage<T>>,
  toListed: (item: T, offsetMs: number | null) => ListedBatch,
  since: Date,
): Promise<RecentBatches> {
  const { data, response } = await attempts.call(first);
  const offset = clockOffsetMs(response.headers.get('date'), Date.now());
  let page = data;
  const batches: ListedBatch[] = [];
  const done = () => ({ batches, clockChecked: offset !== null });
  for (;;) {
    for (const raw of page.data) {
      const batch = toListed(raw, offset);
      if (batch.createdAtMs !== null && batch.createdAtMs < since.getTime()) return done();
      batches.push(batch);
      if (batches.length >= LIST_CAP) return done();
    }
    if (!page.hasNextPage()) return done();
    const current = page;
    page = await attempts.call(() => current.getNextPage());
  }
}
