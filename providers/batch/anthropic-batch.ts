// Anthropic's Message Batches API through the official SDK: create the batch from the request
// file's lines, poll it, stream its results. All wire parsing is in src/batch.
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { BATCH_MAX_RETRIES, describeBatchError, redactFailure, requireApiKey } from '../../src/batch/adapter-support.js';
import type { BatchApi } from '../../src/batch/api.js';
import type { CollectionPlan } from '../../src/batch/plan.js';
import { anthropicResult, anthropicStatus } from '../../src/batch/wire-anthropic.js';
import type { SdkErrorFacts } from '../../src/live/sdk-errors.js';

type BatchRequest = Anthropic.Messages.Batches.BatchCreateParams.Request;

export function anthropicBatchApi(plan: CollectionPlan, env: Record<string, string | undefined> = process.env): BatchApi {
  const key = requireApiKey(plan, env);
  // An explicit key and a null authToken keep the SDK from reading other credentials on its own.
  const client = new Anthropic({ apiKey: key ?? 'no-key', authToken: null, baseURL: plan.baseUrl, maxRetries: BATCH_MAX_RETRIES });
  return {
    provider: 'anthropic',
    async create(file, signal) {
      // The request file is ours, written and hash-checked by src/batch: one request per line.
      const requests = readFileSync(file.path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as BatchRequest);
      return anthropicStatus(await client.messages.batches.create({ requests }, { signal }));
    },
    retrieve: async (id, signal) => anthropicStatus(await client.messages.batches.retrieve(id, { signal })),
    cancel: async (id, signal) => anthropicStatus(await client.messages.batches.cancel(id, { signal })),
    async *results(batch, signal) {
      for await (const line of await client.messages.batches.results(batch.id, { signal })) yield redactFailure(anthropicResult(line), key);
    },
    describeError: (error) => describeBatchError(error, factsOf, plan, key),
  };
}

function factsOf(error: unknown): SdkErrorFacts {
  if (error instanceof Anthropic.APIUserAbortError) return { kind: 'aborted' };
  if (error instanceof Anthropic.APIConnectionTimeoutError) return { kind: 'timeout' };
  if (error instanceof Anthropic.APIConnectionError) return { kind: 'connection', cause: error.cause };
  if (error instanceof Anthropic.APIError && typeof error.status === 'number') {
    // The SDK stringifies the whole error body; the server's own sentence is nested inside it.
    const nested = (error.error as { error?: { message?: unknown } } | undefined)?.error?.message;
    return { kind: 'http', status: error.status, headers: error.headers, message: typeof nested === 'string' ? nested : error.message };
  }
  if (error instanceof SyntaxError) return { kind: 'malformed', detail: `invalid JSON (${error.message})` };
  // The SDK throws a plain AnthropicError when an ended batch has no results_url.
  if (error instanceof Anthropic.AnthropicError) return { kind: 'malformed', detail: error.message };
  return { kind: 'other', error };
}
