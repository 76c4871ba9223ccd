import { z } from 'zod';
import { checkWith, content, type ExportFormat } from './format.js';
import { datasetInfo } from './llamafactory-info.js';

/**
 * LLaMA-Factory alpaca format (the paper trained with LLaMA-Factory): the user turn is the
 * instruction, `input` stays empty, `output` is the target and `system` the role-play framing.
 */
const line = z.strictObject({ instruction: content, input: z.literal(''), output: content, system: content });

export const llamafactoryAlpaca: ExportFormat = {
  id: 'llamafactory-alpaca',
  describe: 'LLaMA-Factory alpaca (instruction/input/output/system) with its dataset_info.json entries',
  trainer: 'LLaMA-Factory',
  tokenizer: 'llama2',
  files: ({ name, dataFiles }) =>
    datasetInfo(name, dataFiles, {
      formatting: 'alpaca',
      columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system' },
    }),
  toLine: (example) => ({ instruction: example.user, input: '', output: example.target, system: example.system }),
  validate: checkWith(line),
  readBack: (value) => {
    const v = value as z.infer<typeof line>;
    return { system: v.system, user: v.instruction, target: v.output };
  },
};
