import { z } from 'zod';
import { checkWith, content, type ExportFormat } from './format.js';
import { datasetInfo } from './llamafactory-info.js';

/**
 * LLaMA-Factory sharegpt format: `conversations` of {from, value} turns, human at odd and gpt at
 * even positions, with the system prompt in its own column.
 */
const turn = <F extends string>(from: F) => z.strictObject({ from: z.literal(from), value: content });
const line = z.strictObject({ conversations: z.tuple([turn('human'), turn('gpt')]), system: content });

export const llamafactorySharegpt: ExportFormat = {
  id: 'llamafactory-sharegpt',
  describe: 'LLaMA-Factory sharegpt (conversations of from/value, system) with its dataset_info.json entries',
  trainer: 'LLaMA-Factory',
  tokenizer: 'llama2',
  files: ({ name, dataFiles }) =>
    datasetInfo(name, dataFiles, {
      formatting: 'sharegpt',
      columns: { messages: 'conversations', system: 'system' },
      tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt' },
    }),
  toLine: (example) => ({
    conversations: [
      { from: 'human', value: example.user },
      { from: 'gpt', value: example.target },
    ],
    system: example.system,
  }),
  validate: checkWith(line),
  readBack: (value) => {
    const v = value as z.infer<typeof line>;
    return { system: v.system, user: v.conversations[0].value, target: v.conversations[1].value };
  },
};
