import type { OkBehaviour, RecordedRequest } from './behaviours.js';

/**
 * Response bodies in the two wire formats. Token counts are word counts of the request and the
 * answers, so usage and cost are deterministic and checkable.
 */
export type WireFormat = 'openai' | 'anthropic';

export function wireFormatOf(path: string): WireFormat | null {
  if (path === '/v1/chat/completions') return 'openai';
  if (path === '/v1/messages') return 'anthropic';
  return null;
}

export function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function promptWords(request: RecordedRequest): number {
  const messages: { content?: unknown }[] = Array.isArray(request.body?.messages) ? request.body.messages : [];
  const system = typeof request.body?.system === 'string' ? words(request.body.system) : 0;
  return system + messages.reduce((sum, m) => sum + (typeof m.content === 'string' ? words(m.content) : 0), 0);
}

export function openAIOk(b: OkBehaviour, request: RecordedRequest): unknown {
  const n = Number.isInteger(request.body?.n) ? request.body.n : 1;
  const texts = b.texts ?? Array.from({ length: n }, () => b.text ?? '');
  const wantLogprobs = request.body?.logprobs === true && !b.ignoreLogprobs;
  const choices = texts.map((text, index) => ({
    index,
    message: { role: 'assistant', content: text, refusal: null },
    finish_reason: b.finish ?? 'stop',
    logprobs: wantLogprobs ? { content: [firstTokenLogprobs(text, b.topLogprobs, request.body?.top_logprobs)] } : null,
  }));
  const completion = texts.reduce((sum, t) => sum + Math.max(1, words(t)), 0);
  return {
    id: `chatcmpl-loopback-${request.index}`,
    object: 'chat.completion',
    created: 0,
    model: request.body?.model ?? 'unknown',
    choices,
    ...(b.noUsage
      ? {}
      : {
          usage: {
            prompt_tokens: promptWords(request),
            completion_tokens: completion,
            total_tokens: promptWords(request) + completion,
          },
        }),
  };
}

function firstTokenLogprobs(text: string, top: Record<string, number> | undefined, limit: unknown) {
  const alternatives = Object.entries(top ?? { [text]: 0 })
    .sort((a, b) => b[1] - a[1])
    .slice(0, typeof limit === 'number' ? limit : 0)
    .map(([token, logprob]) => ({ token, logprob, bytes: [...Buffer.from(token)] }));
  const sampled = alternatives[0] ?? { token: text, logprob: 0, bytes: [...Buffer.from(text)] };
  return { ...sampled, top_logprobs: alternatives };
}

export function openAIEmpty(request: RecordedRequest): unknown {
  return {
    id: `chatcmpl-loopback-${request.index}`,
    object: 'chat.completion',
    created: 0,
    model: request.body?.model ?? 'unknown',
    choices: [],
  };
}

const ANTHROPIC_STOP = { stop: 'end_turn', length: 'max_tokens', content_filter: 'refusal' } as const;

export function anthropicOk(b: OkBehaviour, request: RecordedRequest): unknown {
  const text = b.texts?.[0] ?? b.text ?? '';
  const forced =
    request.body?.tool_choice?.type === 'tool' && !b.ignoreTools ? String(request.body.tool_choice.name) : null;
  const input = forced === null ? undefined : b.toolInput !== undefined ? b.toolInput : jsonOrUndefined(text);
  if (forced !== null && input !== undefined) {
    const block = { type: 'tool_use', id: `toolu_loopback_${request.index}`, name: forced, input };
    const stop = b.finish === 'length' ? 'max_tokens' : 'tool_use';
    return anthropicMessage(request, [block], stop, b.noUsage ? null : Math.max(1, words(JSON.stringify(input))));
  }
  return anthropicMessage(
    request,
    text ? [{ type: 'text', text }] : [],
    ANTHROPIC_STOP[b.finish ?? 'stop'],
    b.noUsage ? null : Math.max(1, words(text)),
  );
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function anthropicEmpty(request: RecordedRequest): unknown {
  return anthropicMessage(request, [], 'end_turn', 0);
}

function anthropicMessage(
  request: RecordedRequest,
  content: unknown[],
  stopReason: string,
  outputTokens: number | null,
): unknown {
  return {
    id: `msg_loopback_${request.index}`,
    type: 'message',
    role: 'assistant',
    model: request.body?.model ?? 'unknown',
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    ...(outputTokens === null ? {} : { usage: { input_tokens: promptWords(request), output_tokens: outputTokens } }),
  };
}

export function errorBody(format: WireFormat, status: number, message: string): unknown {
  if (format === 'openai')
    return { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', code: null } };
  const type =
    status === 429
      ? 'rate_limit_error'
      : status === 529
        ? 'overloaded_error'
        : status >= 500
          ? 'api_error'
          : 'invalid_request_error';
  return { type: 'error', error: { type, message } };
}
