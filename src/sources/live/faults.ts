import { structuredRejectionHint, type StructuredMode } from '../../catalogue/structured/request-fields.js';

/**
 * Why a live call produced no answer, as data the providers fill from the SDKs' typed errors and
 * the core turns into one human sentence. A fault is never a choice: it becomes a provider
 * error or a missing sample, with this sentence as the reason.
 */
export type LiveFault =
  | { kind: 'missing-key'; envVar: string; empty: boolean }
  | {
      kind: 'http';
      status: number;
      message: string;
      retried: number;
      retryAfterMs: number | null;
      /** The server asked to wait longer than maxRetryAfterMs, so the call was not retried. */
      retryAfterRefused?: boolean;
    }
  | { kind: 'timeout'; retried: number }
  /** `afterHeaders`: the connection broke while the body was read, after a status line and headers arrived. */
  | { kind: 'connection'; code: string | null; detail: string | null; retried: number; afterHeaders?: boolean }
  | { kind: 'malformed'; detail: string }
  | { kind: 'no-choices' }
  | { kind: 'no-logprobs' }
  | { kind: 'aborted' }
  | { kind: 'unexpected'; detail: string };

/** Thrown by a transport for a response it cannot use (e.g. no choices array); carries the fault. */
export class LiveFaultError extends Error {
  readonly fault: LiveFault;
  constructor(fault: LiveFault) {
    super(`live call fault: ${fault.kind}`);
    this.name = 'LiveFaultError';
    this.fault = fault;
  }
}

export type FaultContext = {
  baseUrl: string;
  model: string;
  timeoutMs: number;
  maxRetryAfterMs?: number;
  /** Set when the request asked for a structured answer: a 400 about it then names the option to set. */
  structured?: { provider: 'openai-compatible' | 'anthropic'; mode: StructuredMode | null };
};

export function describeFault(fault: LiveFault, ctx: FaultContext): string {
  const url = ctx.baseUrl;
  switch (fault.kind) {
    case 'missing-key':
      return (
        `env var ${fault.envVar} is ${fault.empty ? 'empty' : 'not set'}: export it or set apiKeyEnv (null ` +
        `for a local server that needs no key)`
      );
    case 'http':
      return describeHttp(fault, ctx);
    case 'timeout':
      return (
        `no response from ${url} within ${ctx.timeoutMs} ms${afterRetries(fault.retried)}: raise timeoutMs ` +
        `or check the server`
      );
    case 'connection':
      return describeConnection(fault, url);
    case 'malformed':
      return `malformed response from ${url}: ${fault.detail}`;
    case 'no-choices':
      return `${url} returned no choices for model "${ctx.model}"`;
    case 'no-logprobs':
      return (
        `${url} returned no log-probabilities for model "${ctx.model}": the server or model may not support ` +
        `them; use mode: multi instead`
      );
    case 'aborted':
      return 'request aborted by promptfoo (eval timeout or interrupt)';
    case 'unexpected':
      return `unexpected failure calling ${url}: ${fault.detail}`;
  }
}

function describeHttp(fault: Extract<LiveFault, { kind: 'http' }>, ctx: FaultContext): string {
  const detail = fault.message ? `: ${fault.message}` : '';
  const retries = afterRetries(fault.retried);
  const wait = fault.retryAfterMs === null ? '' : ` (retry-after ${formatMs(fault.retryAfterMs)})`;
  const { status } = fault;
  if (fault.retryAfterRefused && fault.retryAfterMs !== null) {
    const bound = ctx.maxRetryAfterMs === undefined ? '' : ` (maxRetryAfterMs ${formatMs(ctx.maxRetryAfterMs)})`;
    const what = status === 429 ? `429 rate limited by ${ctx.baseUrl}` : `${status} from ${ctx.baseUrl}`;
    const wait = formatMs(fault.retryAfterMs);
    const asked = `the server asked to wait ${wait} before retrying, longer than allowed${bound}`;
    return `${what}${retries}: ${asked}; not retried${detail}`;
  }
  if (status === 429) return `429 rate limited by ${ctx.baseUrl}${retries}${wait}${detail}`;
  if (status === 401 || status === 403)
    return (
      `${status} authentication failed at ${ctx.baseUrl}${detail}: check the key and that it may use model ` +
      `"${ctx.model}"`
    );
  if (status === 404)
    return (
      `404 not found at ${ctx.baseUrl}${detail}: check model "${ctx.model}" and baseUrl (OpenAI-compatible ` +
      `servers usually end in /v1)`
    );
  if (status >= 500) return `${status} server error at ${ctx.baseUrl}${retries}${wait}${detail}`;
  const hint = ctx.structured ? structuredRejectionHint(status, fault.message, ctx.structured) : null;
  return `${status} error from ${ctx.baseUrl}${retries}${detail}${hint ? `: ${hint}` : ''}`;
}

function describeConnection(fault: Extract<LiveFault, { kind: 'connection' }>, url: string): string {
  const { code, detail } = fault;
  const retries = afterRetries(fault.retried);
  if (code === 'ECONNREFUSED') return `connection refused at ${url}${retries}: is the server running?`;
  const reset = code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE';
  if (reset && fault.afterHeaders) return `connection reset by ${url}${retries} (mid-body, after the response headers)`;
  if (reset) return `connection reset by ${url}${retries}`;
  if (fault.afterHeaders)
    return `response body from ${url} cut short after the headers${detail ? ` (${detail})` : ''}${retries}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `host not found for ${url}${retries}: check baseUrl and the network`;
  const why = [code, detail].filter(Boolean).join(': ');
  return `connection to ${url} failed${why ? ` (${why})` : ''}${retries}`;
}

function afterRetries(retried: number): string {
  return retried === 0 ? '' : ` after ${retried} ${retried === 1 ? 'retry' : 'retries'}`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))}s`;
}
