import type { IncomingHttpHeaders } from 'node:http';

/** One request as the loopback server saw it, for asserting retries, `n`, logprobs and seeds. */
export type RecordedRequest = {
  index: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined if it was not JSON). */
  body: any;
  /** Which scripted behaviour answered it, e.g. 'ok', 'status 429', 'reset'. */
  behaviour: string;
};

/** Neutral finish reasons; the Anthropic endpoint says max_tokens / refusal for length / content_filter. */
export type Finish = 'stop' | 'length' | 'content_filter';

export type OkBehaviour = {
  kind: 'ok';
  /** One text, repeated for each of the request's `n` choices (OpenAI); Anthropic takes it once. */
  text?: string;
  /** Exactly these choices, whatever `n` asked for (simulates servers that ignore `n`). */
  texts?: string[];
  finish?: Finish;
  /** Alternatives for the first token as token → log-probability, sent when the request asks for logprobs. */
  topLogprobs?: Record<string, number>;
  /** Send no logprobs even when asked (a server without logprobs support). */
  ignoreLogprobs?: boolean;
  /** Omit `usage` from the body. */
  noUsage?: boolean;
  /**
   * Anthropic, when the request forces a tool: answer with a tool_use block of that tool carrying
   * this input. Without it, a forced-tool request whose `text` is JSON gets that JSON as the input.
   */
  toolInput?: unknown;
  /** Anthropic: answer a forced-tool request with plain text anyway (a proxy that ignores tools). */
  ignoreTools?: boolean;
};

export type StatusBehaviour = {
  kind: 'status';
  status: number;
  /** Seconds, sent as `retry-after`. */
  retryAfter?: number;
  /** Milliseconds, sent as `retry-after-ms` (both SDKs prefer it); keeps retrying tests fast. */
  retryAfterMs?: number;
  /** Sent as `x-should-retry`, which overrides the SDKs' status-based policy. */
  shouldRetry?: boolean;
  message?: string | ((request: RecordedRequest) => string);
};

export type Behaviour =
  | OkBehaviour
  | StatusBehaviour
  | { kind: 'delay'; ms: number; then: Behaviour }
  | { kind: 'reset' }
  /** Status 200 and headers announcing the whole body, half of `then`'s body, then the socket is destroyed. */
  | { kind: 'reset-mid-body'; then: OkBehaviour }
  | { kind: 'malformed' }
  | { kind: 'empty-choices' };

export const ok = (text: string, extra: Omit<OkBehaviour, 'kind' | 'text' | 'texts'> = {}): Behaviour => ({
  kind: 'ok',
  text,
  ...extra,
});
export const okTexts = (texts: string[], extra: Omit<OkBehaviour, 'kind' | 'text' | 'texts'> = {}): Behaviour => ({
  kind: 'ok',
  texts,
  ...extra,
});
export const okLogprobs = (text: string, topLogprobs: Record<string, number>): Behaviour => ({
  kind: 'ok',
  text,
  topLogprobs,
});
export const truncated = (text: string): Behaviour => ({ kind: 'ok', text, finish: 'length' });
/** OpenAI finish_reason content_filter; Anthropic stop_reason refusal. */
export const contentFilter = (): Behaviour => ({ kind: 'ok', text: '', finish: 'content_filter' });
export const status = (code: number, options: Omit<StatusBehaviour, 'kind' | 'status'> = {}): Behaviour => ({
  kind: 'status',
  status: code,
  ...options,
});
export const delay = (ms: number, then: Behaviour): Behaviour => ({ kind: 'delay', ms, then });
/** Reads the request, then destroys the socket without answering. */
export const reset = (): Behaviour => ({ kind: 'reset' });
/** A connection reset after the response headers: 200, half the body of `ok(text)`, then the socket is destroyed. */
// `then` is a plain data field (the behaviour after the reset), never a function, so the object is
// not a thenable.
// biome-ignore lint/suspicious/noThenProperty: see the comment above.
export const resetMidBody = (text = 'C'): Behaviour => ({ kind: 'reset-mid-body', then: { kind: 'ok', text } });
/** Status 200, JSON content type, body cut off mid-object. */
export const malformed = (): Behaviour => ({ kind: 'malformed' });
/** Status 200 with `choices: []` (OpenAI) or `content: []` (Anthropic). */
export const emptyChoices = (): Behaviour => ({ kind: 'empty-choices' });

export function describeBehaviour(b: Behaviour): string {
  if (b.kind === 'status') return `status ${b.status}`;
  if (b.kind === 'delay') return `delay ${b.ms} then ${describeBehaviour(b.then)}`;
  if (b.kind === 'ok' && b.finish && b.finish !== 'stop') return `ok ${b.finish}`;
  return b.kind;
}

/** The user turn of either wire format, for routing behaviours by scenario. */
export function userText(request: RecordedRequest): string {
  const messages: { role?: string; content?: unknown }[] = Array.isArray(request.body?.messages)
    ? request.body.messages
    : [];
  const system = typeof request.body?.system === 'string' ? request.body.system : '';
  return [system, ...messages.map((m) => (typeof m.content === 'string' ? m.content : ''))].join('\n');
}
