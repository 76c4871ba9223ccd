// Anthropic's Message Batches API through the official SDK: create the batch from the request
// file's lines, poll it, stream its results. All wire parsing is in src/batch.
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { anthropicErrorFacts } from '../anthropic-errors.js';
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
  const facts = anthropicErrorFacts(error);
  // The SDK throws a plain AnthropicError when an ended batch has no results_url.
  if (facts.kind === 'other' && error instanceof Anthropic.AnthropicError) return { kind: 'malformed', detail: error.message };
  return facts;
}
