// The OpenAI Batch API through the official SDK: upload the request file (purpose "batch"),
// create the batch, poll it, read its output and error files. All wire parsing is in src/batch.
import { createReadStream } from 'node:fs';
import OpenAI from 'openai';
import { openAIErrorFacts } from '../openai-errors.js';
import { BATCH_MAX_RETRIES, describeBatchError, redactFailure, jsonlValues, requireApiKey } from '../../src/batch/adapter-support.js';
import type { BatchApi, BatchStatus } from '../../src/batch/api.js';
import type { CollectionPlan } from '../../src/batch/plan.js';
import { OPENAI_ENDPOINT, openAIResult, openAIStatus } from '../../src/batch/wire-openai.js';

/** Batches searched for a tag after a crash; a collection's own batches are among the newest. */
const FIND_LIMIT = 500;

export function openAIBatchApi(plan: CollectionPlan, env: Record<string, string | undefined> = process.env): BatchApi {
  const key = requireApiKey(plan, env);
  // Keyless servers ignore the header, but the SDK refuses to start without a key.
  const client = new OpenAI({ apiKey: key ?? 'no-key', baseURL: plan.baseUrl, maxRetries: BATCH_MAX_RETRIES });
  return {
    provider: 'openai',
    async create(file, signal) {
      const upload = await client.files.create({ file: createReadStream(file.path), purpose: 'batch' }, { signal });
      const batch = await client.batches.create(
        { input_file_id: upload.id, endpoint: OPENAI_ENDPOINT, completion_window: '24h', metadata: { stratalign_tag: file.tag } },
        { signal },
      );
      return openAIStatus(batch);
    },
    retrieve: async (id, signal) => openAIStatus(await client.batches.retrieve(id, { signal })),
    cancel: async (id, signal) => openAIStatus(await client.batches.cancel(id, { signal })),
    async *results(batch: BatchStatus, signal?: AbortSignal) {
      for (const fileId of batch.resultFiles) {
        const response = await client.files.content(fileId, { signal });
        if (!response.body) continue;
        for await (const value of jsonlValues(response.body)) yield redactFailure(openAIResult(value), key);
      }
    },
    async findCreated(tag, signal) {
      let seen = 0;
      for await (const batch of client.batches.list({ limit: 100 }, { signal })) {
        if (batch.metadata?.stratalign_tag === tag) return openAIStatus(batch);
        if (++seen >= FIND_LIMIT) break;
      }
      return null;
    },
    describeError: (error) => describeBatchError(error, openAIErrorFacts, plan, key),
  };
}

