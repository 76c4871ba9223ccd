// The `stratalign batch` command: the core in src/sources/batch with the SDK adapters plugged in. Loaded by
// bin/stratalign.mjs; each adapter (and its SDK) is imported only when a step needs the API.
import { createBatchCommand } from '../../src/sources/batch/batch-command.js';

export const batchCommand = createBatchCommand(async (plan) =>
  plan.provider === 'openai'
    ? (await import('./openai-batch.js')).openAIBatchApi(plan)
    : (await import('./anthropic-batch.js')).anthropicBatchApi(plan),
);
