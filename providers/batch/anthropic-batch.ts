// Anthropic's Message Batches API through the official SDK: create the batch from the request
// file's lines, poll it, stream its results. All wire parsing is in src/batch.
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { anthropicErrorFacts } from '../anthropic-errors.js';
import {
  AttemptCounter,
  BATCH_MAX_RETRIES,
  listNewestSince,
  describeBatchError,
  jsonlValues,
  redactFailure,
  requireApiKey,
} from '../../src/sources/batch/adapter-support.js';
import { unwrapCallError, type BatchApi, type ListedBatch } from '../../src/sources/batch/api.js';
import type { CollectionPlan } from '../../src/sources/batch/plan.js';
import { anthropicResult, anthropicStatus } from '../../src/sources/batch/wire-anthropic.js';
import type { SdkErrorFacts } from '../../src/sources/live/sdk-errors.js';

type BatchRequest = Anthropic.Messages.Batches.BatchCreateParams.Request;

export function anthropicBatchApi(
  plan: CollectionPlan,
  env: Record<string, string | undefined> = process.env,
): BatchApi {
  const key = requireApiKey(plan, env);
  const attempts = new AttemptCounter();
  // An explicit key and a null authToken keep the SDK from reading other credentials on its own.
  const client = new Anthropic({
    apiKey: key ?? 'no-key',
    authToken: null,
    baseURL: plan.baseUrl,
    maxRetries: BATCH_MAX_RETRIES,
    fetch: attempts.fetch,
  });
  const listed = (batch: Anthropic.Messages.Batches.MessageBatch, offset: number | null): ListedBatch => {
    const created = Date.parse(batch.created_at);
    return {
      ...anthropicStatus(batch),
      createdAtMs: Number.isFinite(created) ? created - (offset ?? 0) : null,
      tag: null,
    };
  };
  return {
    provider: 'anthropic',
    // Message batches carry no metadata: a lost create is found by its size and creation time.
    tagsBatches: false,
    async create(file) {
      // The request file is ours, written and hash-checked by src/sources/batch: one request per line.
      const requests = readFileSync(file.path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as BatchRequest);
      return anthropicStatus(
        await attempts.call(() => client.messages.batches.create({ requests }, { maxRetries: 0 })),
      );
    },
    retrieve: async (id, signal) =>
      listed(await attempts.call(() => client.messages.batches.retrieve(id, { signal })), null),
    cancel: async (id, signal) =>
      anthropicStatus(await attempts.call(() => client.messages.batches.cancel(id, { signal }))),
    async *results(batch, signal) {
      // The SDK's own results() stops at the first line that is not JSON; reading the stream here
      // lets such a line be counted and skipped like any unreadable line.
      const status = await attempts.call(() => client.messages.batches.retrieve(batch.id, { signal }));
      if (!status.results_url)
        throw new Anthropic.AnthropicError(`batch ${batch.id} has no results_url (status ${status.processing_status})`);
      const url = status.results_url;
      const response = await attempts.call(() =>
        client.get(url, { headers: { Accept: 'application/binary' }, __binaryResponse: true, signal }).asResponse(),
      );
      if (!response.body) return;
      for await (const value of jsonlValues(response.body)) yield redactFailure(anthropicResult(value), key);
    },
    listRecent: (since, signal) =>
      listNewestSince(
        attempts,
        () => client.messages.batches.list({ limit: 100 }, { signal }).withResponse(),
        listed,
        since,
      ),
    errorFacts: (error) => factsOf(unwrapCallError(error).error),
    describeError: (error) => describeBatchError(error, factsOf, plan, key),
  };
}

function factsOf(error: unknown): SdkErrorFacts {
  const facts = anthropicErrorFacts(error);
  // The SDK throws a plain AnthropicError when an ended batch has no results_url.
  if (facts.kind === 'other' && error instanceof Anthropic.AnthropicError)
    return { kind: 'malformed', detail: error.message };
  return facts;
}
