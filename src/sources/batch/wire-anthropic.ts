import { normaliseAnthropicStopReason } from '../live/transport.js';
import { STRUCTURED_NAME } from '../../catalogue/structured/answer-schema.js';
import { anthropicStructuredFields } from '../../catalogue/structured/request-fields.js';
import { BatchWireError, type BatchStatus, type ItemResult } from './api.js';
import { describe, num, record } from './json-shape.js';
import type { CollectionPlan, RequestItem } from './plan.js';

/**
 * Anthropic Message Batches wire format: one `{custom_id, params}` request per line of our
 * request file (sent as the `requests` array), the batch object, and the result lines.
 */
export function anthropicRequestLine(item: RequestItem, plan: CollectionPlan): unknown {
  const { max_tokens, temperature, top_p } = plan.sampling;
  const { messages } = item.prompt;
  return {
    custom_id: item.customId,
    params: {
      model: plan.model,
      // buildPlan rejects an Anthropic plan without max_tokens.
      max_tokens,
      system: messages
        .filter((m) => m.role === 'system')
        .map((m) => m.content)
        .join('\n\n'),
      messages: messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role, content: m.content })),
      ...(temperature === undefined ? {} : { temperature }),
      ...(top_p === undefined ? {} : { top_p }),
      // Structured protocol: the answer is the input of a tool the model is forced to call.
      ...(item.prompt.answerSchema ? anthropicStructuredFields(item.prompt.answerSchema) : {}),
    },
  };
}

export function anthropicStatus(raw: unknown): BatchStatus {
  const b = record(raw);
  if (!b || typeof b.id !== 'string' || typeof b.processing_status !== 'string') {
    throw new BatchWireError(`expected an Anthropic message batch with id and processing_status, got ${describe(raw)}`);
  }
  const c = record(b.request_counts);
  const count = (key: string) => num(c?.[key]) ?? 0;
  const ended = b.processing_status === 'ended';
  const cancelled = typeof b.cancel_initiated_at === 'string' && b.cancel_initiated_at !== '';
  return {
    id: b.id,
    status: b.processing_status,
    ended,
    endedAs: ended ? (cancelled ? 'cancelled' : 'completed') : null,
    counts: {
      total: c
        ? count('processing') + count('succeeded') + count('errored') + count('canceled') + count('expired')
        : null,
      succeeded: count('succeeded'),
      failed: count('errored') + count('canceled') + count('expired'),
    },
    resultFiles: [],
    errors: [],
    cancelling: cancelled || ended || b.processing_status === 'canceling',
  };
}

export function anthropicResult(raw: unknown): ItemResult {
  const line = record(raw);
  const customId = typeof line?.custom_id === 'string' ? line.custom_id : null;
  const result = record(line?.result);
  if (!line || customId === null)
    return { kind: 'malformed', customId: null, reason: `result line without custom_id: ${describe(raw)}` };
  switch (result?.type) {
    case 'expired':
      return { kind: 'expired', customId, reason: 'expired: not processed within the 24-hour window' };
    case 'canceled':
      return { kind: 'cancelled', customId, reason: 'canceled: the batch was cancelled before this request ran' };
    case 'errored': {
      const inner = record(record(result.error)?.error) ?? record(result.error);
      const type = typeof inner?.type === 'string' ? inner.type : 'error';
      return {
        kind: 'errored',
        customId,
        reason: `${type}: ${typeof inner?.message === 'string' ? inner.message : 'no message'}`,
      };
    }
    case 'succeeded': {
      const message = record(result.message);
      if (!message || !Array.isArray(message.content))
        return { kind: 'malformed', customId, reason: 'succeeded result without a message content array' };
      const texts = message.content
        .map(record)
        .filter((b) => b?.type === 'text' && typeof b.text === 'string')
        .map((b) => b!.text as string);
      // Only structured requests send the tool (and force it): its input is the answer, as JSON text.
      const call = message.content.map(record).find((b) => b?.type === 'tool_use' && b.name === STRUCTURED_NAME);
      const text = call ? JSON.stringify(call.input ?? null) : texts.length ? texts.join('') : null;
      const usage = record(message.usage);
      const input = num(usage?.input_tokens);
      const output = num(usage?.output_tokens);
      return {
        kind: 'answer',
        customId,
        choice: {
          text,
          finishReason: normaliseAnthropicStopReason(
            typeof message.stop_reason === 'string' ? message.stop_reason : null,
          ),
        },
        usage:
          input === null || output === null
            ? null
            : {
                prompt:
                  input + (num(usage?.cache_creation_input_tokens) ?? 0) + (num(usage?.cache_read_input_tokens) ?? 0),
                completion: output,
              },
        model: typeof message.model === 'string' ? message.model : null,
      };
    }
    default:
      return { kind: 'malformed', customId, reason: `unknown result type ${describe(result?.type)}` };
  }
}
