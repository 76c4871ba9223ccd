import type { LiveFault } from './faults.js';

/** What a provider learns from an SDK error via its typed classes; `src/` never imports the SDKs. */
export type SdkErrorFacts =
  | { kind: 'aborted' }
  | { kind: 'timeout' }
  | { kind: 'connection'; cause: unknown }
  | { kind: 'http'; status: number; headers: HeaderLookup | undefined; message: string }
  | { kind: 'malformed'; detail: string }
  | { kind: 'other'; error: unknown };

export type HeaderLookup = { get(name: string): string | null };

/** Set by bufferedFetch on an error response whose retry-after was refused (value: the wait asked, ms). */
export const RETRY_AFTER_REFUSED_HEADER = 'x-stratalign-retry-after-refused';
/** Set by bufferedFetch on every response: how many retries came before this attempt. */
export const RETRIES_HEADER = 'x-stratalign-retries';

/**
 * Both SDKs (openai, @anthropic-ai/sdk) retry 408/409/429/5xx and connection failures up to
 * `maxRetries` and then throw; they do not report how many attempts were made. An HTTP error
 * carries the count bufferedFetch read from the request; otherwise it is derived from the same
 * policy: a retryable failure that still surfaced used them all.
 */
export function faultFromSdkError(facts: SdkErrorFacts, maxRetries: number): LiveFault {
  switch (facts.kind) {
    case 'aborted':
      return { kind: 'aborted' };
    case 'timeout':
      return { kind: 'timeout', retried: maxRetries };
    case 'connection': {
      const afterHeaders = causeChain(facts.cause).some((e) => (e as { afterHeaders?: unknown }).afterHeaders === true);
      const { cause } = facts;
      const where = afterHeaders ? { afterHeaders } : {};
      return { kind: 'connection', code: errorCode(cause), detail: rootMessage(cause), retried: maxRetries, ...where };
    }
    case 'http': {
      const counted = Number.parseInt(facts.headers?.get(RETRIES_HEADER) ?? '', 10);
      const refused = facts.headers?.get(RETRY_AFTER_REFUSED_HEADER) != null;
      return {
        kind: 'http',
        status: facts.status,
        message: serverMessage(facts.message, facts.status),
        retried: Number.isInteger(counted) ? counted : sdkRetries(facts.status, facts.headers) ? maxRetries : 0,
        retryAfterMs: retryAfterMs(facts.headers),
        ...(refused ? { retryAfterRefused: true } : {}),
      };
    }
    case 'malformed':
      return { kind: 'malformed', detail: facts.detail };
    case 'other':
      return { kind: 'unexpected', detail: facts.error instanceof Error ? facts.error.message : String(facts.error) };
  }
}

/** The SDKs' retry decision for an HTTP failure, header override first. */
export function sdkRetries(status: number, headers: HeaderLookup | undefined): boolean {
  const override = headers?.get('x-should-retry');
  if (override === 'true') return true;
  if (override === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** The wait the server asked for, read the way the SDKs read it (retry-after-ms, then retry-after). */
export function retryAfterMs(headers: HeaderLookup | undefined): number | null {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms)) return ms;
  const header = headers?.get('retry-after');
  if (!header) return null;
  const seconds = Number.parseFloat(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : null;
}

/** An error and its causes, outermost first (at most 5 deep). */
function causeChain(error: unknown): object[] {
  const chain: object[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** The socket-level code (ECONNREFUSED, ECONNRESET, ...) somewhere down the cause chain. */
export function errorCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** The innermost message of the cause chain ("bad port", "other side closed"); fetch's own is only "fetch failed". */
export function rootMessage(error: unknown): string | null {
  let current: unknown = error;
  let message: string | null = null;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const own = (current as { message?: unknown }).message;
    if (typeof own === 'string' && own) message = own;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}

/** The SDKs prefix the status to the server's message; keep the server's words, shortened. */
function serverMessage(message: string, status: number): string {
  const text = message.startsWith(`${status} `) ? message.slice(String(status).length + 1) : message;
  const clean = text === 'status code (no body)' ? '' : text.replace(/\s+/g, ' ').trim();
  return clean.length > 200 ? `${clean.slice(0, 199)}…` : clean;
}
