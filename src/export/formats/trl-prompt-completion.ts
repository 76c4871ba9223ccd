import { z } from 'zod';
import { chatMessage, checkWith, readMessages, type ExportFormat } from './format.js';

/**
 * Hugging Face TRL conversational prompt-completion format:
 * {"prompt":[system,user],"completion":[assistant]}. SFTTrainer computes the loss on the
 * completion only by default, which is what distillation wants.
 */
const line = z.strictObject({
  prompt: z.tuple([chatMessage('system'), chatMessage('user')]),
  completion: z.tuple([chatMessage('assistant')]),
});

export const trlPromptCompletion: ExportFormat = {
  id: 'trl-prompt-completion',
  describe: 'Hugging Face TRL conversational prompt-completion ({"prompt":[system,user],"completion":[assistant]})',
  trainer: "TRL's SFTTrainer",
  tokenizer: 'llama2',
  files: () => [],
  toLine: (example) => ({
    prompt: [
      { role: 'system', content: example.system },
      { role: 'user', content: example.user },
    ],
    completion: [{ role: 'assistant', content: example.target }],
  }),
  validate: checkWith(line),
  readBack: (value) => {
    const v = value as z.infer<typeof line>;
    return readMessages([...v.prompt, ...v.completion]);
  },
};
