// The OpenAI Batch API through the official SDK: upload the request file (purpose "batch"),
// create the batch, poll it, read its output and error files. All wire parsing is in src/batch.
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import OpenAI from 'openai';
import { openAIErrorFacts } from '../openai-errors.js';
import {
  AttemptCounter,
  BATCH_MAX_RETRIES,
  listNewestSince,
  describeBatchError,
  redactFailure,
  jsonlValues,
  requireApiKey,
} from '../../src/sources/batch/adapter-support.js';
import { unwrapCallError, type BatchApi, type BatchStatus, type ListedBatch } from '../../src/sources/batch/api.js';
import type { CollectionPlan } from '../../src/sources/batch/plan.js';
import { OPENAI_ENDPOINT, openAIResult, openAIStatus } from '../../src/sources/batch/wire-openai.js';

const TAG_KEY = 'stratalign_tag';

export function openAIBatchApi(plan: CollectionPlan, env: Record<string, string | undefined> = process.env): BatchApi {
  const key = requireApiKey(plan, env);
  const attempts = new AttemptCounter();
  // Keyless servers ignore the header, but the SDK refuses to start without a key.
  const client = new OpenAI({
    apiKey: key ?? 'no-key',
    baseURL: plan.baseUrl,
    maxRetries: BATCH_MAX_RETRIES,
    fetch: attempts.fetch,
  });
  const listed = (batch: OpenAI.Batches.Batch, offset: number | null): ListedBatch => ({
    ...openAIStatus(batch),
    createdAtMs: typeof batch.created_at === 'number' ? batch.created_at * 1000 - (offset ?? 0) : null,
    tag: typeof batch.metadata?.[TAG_KEY] === 'string' ? batch.metadata[TAG_KEY] : null,
  });
  return {
    provider: 'openai',
    tagsBatches: true,
    async upload(file, signal) {
      // A file-backed Blob, not a stream: the SDK can send it again after a 429 or 5xx.
      const blob = await openAsBlob(file.path);
      const upload = await attempts.call(() =>
        client.files.create({ file: new File([blob], basename(file.path)), purpose: 'batch' }, { signal }),
      );
      return upload.id;
    },
    async create(file, uploaded) {
      if (uploaded === null) throw new Error('bug: OpenAI batches are created from an uploaded file');
      const params = {
        input_file_id: uploaded,
        endpoint: OPENAI_ENDPOINT,
        completion_window: '24h',
        metadata: { [TAG_KEY]: file.tag },
      } as const;
      return openAIStatus(await attempts.call(() => client.batches.create(params, { maxRetries: 0 })));
    },
    retrieve: async (id, signal) => {
      const batch = await attempts.call(() => client.batches.retrieve(id, { signal }));
      return listed(batch, null);
    },
    cancel: async (id, signal) => openAIStatus(await attempts.call(() => client.batches.cancel(id, { signal }))),
    async *results(batch: BatchStatus, signal?: AbortSignal) {
      for (const fileId of batch.resultFiles) {
        const response = await attempts.call(() => client.files.content(fileId, { signal }));
        if (!response.body) continue;
        for await (const value of jsonlValues(response.body)) yield redactFailure(openAIResult(value), key);
      }
    },
    listRecent: (since, signal) =>
      listNewestSince(attempts, () => client.batches.list({ limit: 100 }, { signal }).withResponse(), listed, since),
    errorFacts: (error) => openAIErrorFacts(unwrapCallError(error).error),
    describeError: (error) => describeBatchError(error, openAIErrorFacts, plan, key),
  };
}
