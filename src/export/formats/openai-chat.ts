import { z } from 'zod';
import { chatMessage, chatMessages, checkWith, readMessages, type ExportFormat } from './format.js';

/**
 * OpenAI chat fine-tuning JSONL: {"messages":[system,user,assistant]}. The conversation must end
 * with the assistant turn the model is trained on; `weight` (0|1) is allowed on assistant turns.
 */
const line = z.strictObject({
  messages: z.tuple([chatMessage('system'), chatMessage('user'), chatMessage('assistant').extend({ weight: z.union([z.literal(0), z.literal(1)]).optional() })]),
});

export const openaiChat: ExportFormat = {
  id: 'openai-chat',
  describe: 'OpenAI chat fine-tuning JSONL ({"messages":[system,user,assistant]})',
  files: () => [],
  toLine: (example) => ({ messages: chatMessages(example) }),
  validate: checkWith(line),
  readBack: (value) => readMessages((value as z.infer<typeof line>).messages),
};
