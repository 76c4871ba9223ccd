import type { TokenCounts } from '../live/transport.js';
import { openAIStructuredFields } from '../../catalogue/structured/request-fields.js';
import { BatchWireError, type BatchEnd, type BatchStatus, type ItemResult } from './api.js';
import { describe, num, record } from './json-shape.js';
import type { CollectionPlan, RequestItem } from './plan.js';

/**
 * OpenAI Batch wire format: request lines of the input file, the batch object, and the lines
 * of the output and error files. Bodies are untrusted JSON; nothing here imports the SDK.
 */
export const OPENAI_ENDPOINT = '/v1/chat/completions';

/**
 * One input-file line. A configured seed is offset by the sample index, as the live provider
 * offsets it by promptfoo's repeat index: one seed for every sample would ask for the same answer N times.
 */
export function openAIRequestLine(item: RequestItem, plan: CollectionPlan): unknown {
  const { seed, ...sampling } = plan.sampling;
  return {
    custom_id: item.customId,
    method: 'POST',
    url: OPENAI_ENDPOINT,
    body: {
      model: plan.model,
      messages: item.prompt.messages,
      ...sampling,
      ...(seed === undefined ? {} : { seed: seed + item.sampleIndex }),
      // Structured protocol: the Batch API is OpenAI's own, which takes a strict json_schema.
      ...(item.prompt.answerSchema ? openAIStructuredFields(item.prompt.answerSchema, 'json_schema') : {}),
    },
  };
}

const ENDS: Record<string, BatchEnd> = {
  completed: 'completed',
  expired: 'expired',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function openAIStatus(raw: unknown): BatchStatus {
  const b = record(raw);
  if (!b || typeof b.id !== 'string' || typeof b.status !== 'string')
    throw new BatchWireError(`expected an OpenAI batch object with id and status, got ${describe(raw)}`);
  const counts = record(b.request_counts);
  const errors = record(b.errors);
  const endedAs = ENDS[b.status] ?? null;
  return {
    id: b.id,
    status: b.status,
    ended: endedAs !== null,
    endedAs,
    counts: { total: num(counts?.total), succeeded: num(counts?.completed) ?? 0, failed: num(counts?.failed) ?? 0 },
    resultFiles: [b.output_file_id, b.error_file_id].filter((id): id is string => typeof id === 'string' && id !== ''),
    errors: Array.isArray(errors?.data) ? errors.data.map(batchError) : [],
    cancelling: b.status === 'cancelling' || endedAs !== null,
  };
}

/** One line of the output or error file. */
export function openAIResult(raw: unknown): ItemResult {
  const line = record(raw);
  const customId = typeof line?.custom_id === 'string' ? line.custom_id : null;
  if (!line || customId === null)
    return { kind: 'malformed', customId: null, reason: `result line without custom_id: ${describe(raw)}` };
  const error = record(line.error);
  if (error) {
    const code = typeof error.code === 'string' ? error.code : 'error';
    const reason = `${code}: ${typeof error.message === 'string' ? error.message : 'no message'}`;
    if (code === 'batch_expired') return { kind: 'expired', customId, reason };
    if (code === 'batch_cancelled') return { kind: 'cancelled', customId, reason };
    return { kind: 'errored', customId, reason };
  }
  const response = record(line.response);
  const status = num(response?.status_code);
  if (!response || status === null)
    return { kind: 'malformed', customId, reason: 'result line with neither response nor error' };
  const body = record(response.body);
  if (status < 200 || status > 299) {
    const message = record(body?.error)?.message;
    return { kind: 'errored', customId, reason: `${status}${typeof message === 'string' ? ` ${message}` : ''}` };
  }
  const choices = Array.isArray(body?.choices) ? body.choices.map(record) : null;
  const choice = choices?.find((c) => (num(c?.index) ?? 0) === 0) ?? choices?.[0];
  if (!body || !choice) return { kind: 'malformed', customId, reason: 'response body without choices' };
  const message = record(choice.message);
  return {
    kind: 'answer',
    customId,
    choice: {
      text: typeof message?.content === 'string' ? message.content : null,
      finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : 'unknown',
      refusal: typeof message?.refusal === 'string' ? message.refusal : null,
    },
    usage: usageOf(record(body.usage)),
    model: typeof body.model === 'string' ? body.model : null,
  };
}

function usageOf(usage: Record<string, unknown> | null): TokenCounts | null {
  const prompt = num(usage?.prompt_tokens);
  const completion = num(usage?.completion_tokens);
  return prompt === null || completion === null ? null : { prompt, completion };
}

function batchError(raw: unknown): string {
  const e = record(raw);
  const line = num(e?.line);
  return (
    `${typeof e?.code === 'string' ? e.code : 'error'}: ` +
    `${typeof e?.message === 'string' ? e.message : 'no message'}${line === null ? '' : ` (input line ${line})`}`
  );
}
