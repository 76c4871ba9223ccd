// Reading the two APIs' batch objects and result lines, which are untrusted JSON.
import { describe, expect, it } from 'vitest';
import { jsonlValues } from '../src/sources/batch/adapter-support.js';
import { BatchWireError } from '../src/sources/batch/api.js';
import { anthropicResult, anthropicStatus } from '../src/sources/batch/wire-anthropic.js';
import { openAIResult, openAIStatus } from '../src/sources/batch/wire-openai.js';

const chat = (content: string | null, finish = 'stop', extra: Record<string, unknown> = {}) => ({
  status_code: 200,
  request_id: 'r',
  body: {
    model: 'gpt-x-2026',
    choices: [{ index: 0, message: { role: 'assistant', content, ...extra }, finish_reason: finish }],
    usage: { prompt_tokens: 30, completion_tokens: 2 },
  },
});

describe('OpenAI wire', () => {
  it('reads answers, per-request errors, expired and cancelled requests, and malformed lines', () => {
    expect(openAIResult({ custom_id: 'a', response: chat('C'), error: null })).toEqual({
      kind: 'answer',
      customId: 'a',
      choice: { text: 'C', finishReason: 'stop', refusal: null },
      usage: { prompt: 30, completion: 2 },
      model: 'gpt-x-2026',
    });
    expect(
      openAIResult({ custom_id: 'a', response: chat(null, 'stop', { refusal: 'no' }), error: null }),
    ).toMatchObject({ kind: 'answer', choice: { text: null, refusal: 'no' } });
    expect(
      openAIResult({
        custom_id: 'b',
        response: { status_code: 429, body: { error: { message: 'slow down' } } },
        error: null,
      }),
    ).toEqual({ kind: 'errored', customId: 'b', reason: '429 slow down' });
    expect(openAIResult({ custom_id: 'c', response: null, error: { code: 'batch_expired', message: 'late' } })).toEqual(
      { kind: 'expired', customId: 'c', reason: 'batch_expired: late' },
    );
    expect(
      openAIResult({ custom_id: 'd', response: null, error: { code: 'batch_cancelled', message: 'stop' } }),
    ).toMatchObject({ kind: 'cancelled' });
    expect(
      openAIResult({ custom_id: 'e', response: null, error: { code: 'request_timeout', message: 't' } }),
    ).toMatchObject({ kind: 'errored', reason: 'request_timeout: t' });
    expect(openAIResult('{"custom_id": "f", "resp')).toMatchObject({ kind: 'malformed', customId: null });
    expect(openAIResult({ custom_id: 'g', response: { status_code: 200, body: { choices: [] } } })).toEqual({
      kind: 'malformed',
      customId: 'g',
      reason: 'response body without choices',
    });
  });

  it('maps batch statuses, counts, result files and batch errors', () => {
    const running = openAIStatus({
      id: 'batch_1',
      status: 'in_progress',
      request_counts: { total: 10, completed: 4, failed: 1 },
      output_file_id: null,
    });
    expect(running).toEqual({
      id: 'batch_1',
      status: 'in_progress',
      ended: false,
      endedAs: null,
      counts: { total: 10, succeeded: 4, failed: 1 },
      resultFiles: [],
      errors: [],
      cancelling: false,
    });
    const failed = openAIStatus({
      id: 'batch_2',
      status: 'failed',
      errors: { data: [{ code: 'invalid_request', message: 'bad line', line: 3 }] },
    });
    expect(failed).toMatchObject({
      ended: true,
      endedAs: 'failed',
      errors: ['invalid_request: bad line (input line 3)'],
      counts: { total: null },
    });
    expect(
      openAIStatus({ id: 'b', status: 'expired', output_file_id: 'file-o', error_file_id: 'file-e' }),
    ).toMatchObject({ endedAs: 'expired', resultFiles: ['file-o', 'file-e'] });
    expect(openAIStatus({ id: 'b', status: 'cancelling' })).toMatchObject({ ended: false, cancelling: true });
    expect(() => openAIStatus({ error: 'nope' })).toThrow(BatchWireError);
  });
});

describe('Anthropic wire', () => {
  const message = (text: string, stop = 'end_turn') => ({
    model: 'claude-x',
    content: [{ type: 'text', text }],
    stop_reason: stop,
    usage: { input_tokens: 20, output_tokens: 1, cache_read_input_tokens: 5 },
  });

  it('reads succeeded, errored, expired and canceled results', () => {
    expect(
      anthropicResult({ custom_id: 'a', result: { type: 'succeeded', message: message('D', 'max_tokens') } }),
    ).toEqual({
      kind: 'answer',
      customId: 'a',
      choice: { text: 'D', finishReason: 'length' },
      usage: { prompt: 25, completion: 1 },
      model: 'claude-x',
    });
    expect(
      anthropicResult({
        custom_id: 'b',
        result: { type: 'errored', error: { type: 'error', error: { type: 'overloaded_error', message: 'busy' } } },
      }),
    ).toEqual({ kind: 'errored', customId: 'b', reason: 'overloaded_error: busy' });
    expect(anthropicResult({ custom_id: 'c', result: { type: 'expired' } })).toMatchObject({ kind: 'expired' });
    expect(anthropicResult({ custom_id: 'd', result: { type: 'canceled' } })).toMatchObject({ kind: 'cancelled' });
    expect(anthropicResult({ custom_id: 'e', result: { type: 'teleported' } })).toMatchObject({
      kind: 'malformed',
      reason: 'unknown result type "teleported"',
    });
    expect(anthropicResult({ result: { type: 'expired' } })).toMatchObject({ kind: 'malformed', customId: null });
  });

  it('maps processing status; a batch whose cancel was initiated ends as cancelled', () => {
    const counts = { processing: 0, succeeded: 7, errored: 1, canceled: 1, expired: 1 };
    expect(
      anthropicStatus({ id: 'm', processing_status: 'ended', request_counts: counts, cancel_initiated_at: null }),
    ).toMatchObject({ ended: true, endedAs: 'completed', counts: { total: 10, succeeded: 7, failed: 3 } });
    expect(
      anthropicStatus({
        id: 'm',
        processing_status: 'ended',
        request_counts: counts,
        cancel_initiated_at: '2026-01-01T00:00:00Z',
      }),
    ).toMatchObject({ endedAs: 'cancelled' });
    const busy = { ...counts, processing: 5 };
    const canceling = anthropicStatus({ id: 'm', processing_status: 'canceling', request_counts: busy });
    expect(canceling).toMatchObject({ ended: false, status: 'canceling', cancelling: true });
    expect(anthropicStatus({ id: 'm', processing_status: 'in_progress', request_counts: busy })).toMatchObject({
      cancelling: false,
    });
  });
});

describe('jsonlValues', () => {
  it(
    'splits lines across chunk boundaries, even inside a multi-byte character, and passes bad ' + 'lines on as text',
    async () => {
      const text = '{"custom_id":"a","t":"é"}\nnot json\n\n{"custom_id":"b"}';
      const bytes = Buffer.from(text, 'utf8');
      const cut = bytes.indexOf(0xa9); // second byte of é
      async function* chunks() {
        yield bytes.subarray(0, cut);
        yield bytes.subarray(cut, cut + 3);
        yield bytes.subarray(cut + 3);
      }
      const values: unknown[] = [];
      for await (const v of jsonlValues(chunks())) values.push(v);
      expect(values).toEqual([{ custom_id: 'a', t: 'é' }, 'not json', { custom_id: 'b' }]);
    },
  );
});
