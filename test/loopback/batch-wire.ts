import type { Finish, RecordedRequest } from './behaviours.js';
import { anthropicOk, openAIOk } from './wire.js';

/**
 * Bodies of the loopback's batch endpoints, shaped like OpenAI's batch and file objects and
 * Anthropic's message batches, and the result lines each API writes per request.
 */
export type ItemOutcome =
  | { kind: 'ok'; text: string; finish?: Finish }
  | { kind: 'error'; status: number; message: string }
  | { kind: 'expire' };

export type LoopbackBatchItem = { customId: string; body: any };

export type LoopbackBatch = {
  id: string;
  provider: 'openai' | 'anthropic';
  /** Creation order, 0-based, over both providers. */
  index: number;
  /** Wall-clock creation time (ms), reported as created_at like the real APIs do. */
  createdAt: number;
  items: LoopbackBatchItem[];
  metadata: Record<string, string> | null;
  inputFileId: string | null;
  polls: number;
  cancelRequested: boolean;
  failure: string | null;
  /** Set when the batch ends: what each request got (cancelled batches: none ran). */
  outcomes: Map<string, ItemOutcome | 'cancelled'> | null;
  outputFileId: string | null;
  errorFileId: string | null;
};

/** A chat request as wire.ts's answer builders expect it. */
function asRequest(index: number, body: unknown): RecordedRequest {
  return { index, method: 'POST', path: '', headers: {}, body, behaviour: 'batch item' };
}

export function openAIStatusWord(b: LoopbackBatch): string {
  if (b.failure) return 'failed';
  if (b.outcomes)
    return b.cancelRequested
      ? 'cancelled'
      : [...b.outcomes.values()].some((o) => o !== 'cancelled' && o.kind === 'expire')
        ? 'expired'
        : 'completed';
  if (b.cancelRequested) return 'cancelling';
  return b.polls === 0 ? 'validating' : 'in_progress';
}

export function openAIBatchObject(b: LoopbackBatch): unknown {
  const outcomes = [...(b.outcomes?.values() ?? [])];
  const ok = outcomes.filter((o) => o !== 'cancelled' && o.kind === 'ok').length;
  return {
    id: b.id,
    object: 'batch',
    endpoint: '/v1/chat/completions',
    input_file_id: b.inputFileId,
    completion_window: '24h',
    status: openAIStatusWord(b),
    created_at: Math.floor(b.createdAt / 1000),
    output_file_id: b.outputFileId,
    error_file_id: b.errorFileId,
    errors: b.failure
      ? { object: 'list', data: [{ code: 'invalid_request', message: b.failure, param: null, line: null }] }
      : null,
    request_counts: { total: b.items.length, completed: ok, failed: b.outcomes ? b.items.length - ok : 0 },
    metadata: b.metadata,
  };
}

/** OpenAI's output-file line (answers) or error-file line (errors, expired and cancelled requests). */
export function openAIResultLine(
  b: LoopbackBatch,
  item: LoopbackBatchItem,
  n: number,
  outcome: ItemOutcome | 'cancelled',
): { error: boolean; line: unknown } {
  const base = { id: `batch_req_${b.index}_${n}`, custom_id: item.customId };
  if (outcome === 'cancelled')
    return {
      error: true,
      line: {
        ...base,
        response: null,
        error: { code: 'batch_cancelled', message: 'The batch was cancelled before this request ran.' },
      },
    };
  if (outcome.kind === 'expire')
    return {
      error: true,
      line: {
        ...base,
        response: null,
        error: {
          code: 'batch_expired',
          message: 'This request could not be executed before the completion window expired.',
        },
      },
    };
  if (outcome.kind === 'error') {
    const body = { error: { message: outcome.message, type: 'invalid_request_error', code: null } };
    return {
      error: true,
      line: { ...base, response: { status_code: outcome.status, request_id: `req_${n}`, body }, error: null },
    };
  }
  const body = openAIOk({ kind: 'ok', text: outcome.text, finish: outcome.finish }, asRequest(n, item.body));
  return { error: false, line: { ...base, response: { status_code: 200, request_id: `req_${n}`, body }, error: null } };
}

export function anthropicBatchObject(b: LoopbackBatch, host: string): unknown {
  const counts = { processing: b.outcomes ? 0 : b.items.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
  for (const o of b.outcomes?.values() ?? []) {
    if (o === 'cancelled') counts.canceled++;
    else if (o.kind === 'ok') counts.succeeded++;
    else if (o.kind === 'error') counts.errored++;
    else counts.expired++;
  }
  return {
    id: b.id,
    type: 'message_batch',
    processing_status: b.outcomes ? 'ended' : b.cancelRequested ? 'canceling' : 'in_progress',
    request_counts: counts,
    created_at: new Date(b.createdAt).toISOString(),
    expires_at: new Date(b.createdAt + 86_400_000).toISOString(),
    ended_at: b.outcomes ? '2026-01-01T01:00:00Z' : null,
    cancel_initiated_at: b.cancelRequested ? '2026-01-01T00:30:00Z' : null,
    archived_at: null,
    results_url: b.outcomes ? `http://${host}/v1/messages/batches/${b.id}/results` : null,
  };
}

export function anthropicResultLine(item: LoopbackBatchItem, n: number, outcome: ItemOutcome | 'cancelled'): unknown {
  if (outcome === 'cancelled') return { custom_id: item.customId, result: { type: 'canceled' } };
  if (outcome.kind === 'expire') return { custom_id: item.customId, result: { type: 'expired' } };
  if (outcome.kind === 'error')
    return {
      custom_id: item.customId,
      result: {
        type: 'errored',
        error: { type: 'error', error: { type: 'invalid_request_error', message: outcome.message } },
      },
    };
  const message = anthropicOk({ kind: 'ok', text: outcome.text, finish: outcome.finish }, asRequest(n, item.body));
  return { custom_id: item.customId, result: { type: 'succeeded', message } };
}
