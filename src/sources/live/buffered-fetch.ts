import { errorCode, retryAfterMs, rootMessage, sdkRetries } from './sdk-errors.js';
import { RETRIES_HEADER, RETRY_AFTER_REFUSED_HEADER } from './sdk-errors.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Thrown when a response's body breaks off after its status and headers arrived. */
export class BodyCutError extends Error {
  readonly code: string | null;
  readonly afterHeaders = true;
  constructor(cause: unknown) {
    super(`response body cut short after the headers: ${rootMessage(cause) ?? 'unknown error'}`, { cause });
    this.name = 'BodyCutError';
    this.code = errorCode(cause);
  }
}

/** Statuses whose responses have no body; `new Response(body)` refuses one for them. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * The `fetch` both SDKs are given. It reads each response's body before handing the response on,
 * so that everything that can go wrong on the wire happens inside fetch, where the SDK's one
 * retry policy applies:
 * - a connection reset after the headers (mid-body) is thrown from fetch, and the SDK retries it
 *   like any connection error (read by the SDK itself, the body would fail outside its retries);
 * - a retryable error asking to wait longer than `maxRetryAfterMs` is marked `x-should-retry:
 *   false`, which the SDKs obey, so no row stalls for an hour on `retry-after: 3600`; the answer
 *   is then missing with that reason.
 * The SDK's timeout now covers the body too, as its signal aborts this read.
 */
export function bufferedFetch(options: { maxRetryAfterMs: number; fetch?: FetchLike }): FetchLike {
  const base: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  return async (input, init) => {
    const response = await base(input, init);
    let body: ArrayBuffer | null = null;
    try {
      if (!NULL_BODY.has(response.status)) body = await response.arrayBuffer();
    } catch (err) {
      // A timeout or an abort also stops the read; the SDK tells those apart by its signal.
      if (init?.signal?.aborted) throw err;
      throw new BodyCutError(err);
    }
    const headers = new Headers(response.headers);
    const retries = retriesBefore(init?.headers);
    if (retries !== null) headers.set(RETRIES_HEADER, String(retries));
    if (!response.ok && sdkRetries(response.status, lookup(headers))) {
      const wait = retryAfterMs(lookup(headers));
      if (wait !== null && wait > options.maxRetryAfterMs) {
        headers.set('x-should-retry', 'false');
        headers.set(RETRY_AFTER_REFUSED_HEADER, String(Math.round(wait)));
      }
    }
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  };
}

/** Both SDKs number their attempts in `x-stainless-retry-count` (0 = first try). */
function retriesBefore(headers: RequestInit['headers']): number | null {
  if (!headers) return null;
  const value = new Headers(headers as HeadersInit).get('x-stainless-retry-count');
  const n = value === null ? Number.NaN : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

const lookup = (headers: Headers) => ({ get: (name: string) => headers.get(name) });
