import { z } from 'zod';
import { chatMessage, messagesFormat, type ExportFormat } from './format.js';

/**
 * OpenAI chat fine-tuning JSONL: {"messages":[system,user,assistant]}. The conversation must end
 * with the assistant turn the model is trained on; `weight` (0|1) is allowed on assistant turns.
 */
const line = z.strictObject({
  messages: z.tuple([
    chatMessage('system'),
    chatMessage('user'),
    chatMessage('assistant').extend({ weight: z.union([z.literal(0), z.literal(1)]).optional() }),
  ]),
});

/** OpenAI's fine-tuning refuses a training file of fewer than 10 examples. */
const describe = 'OpenAI chat fine-tuning JSONL ({"messages":[system,user,assistant]})';

export const openaiChat: ExportFormat = messagesFormat('openai-chat', describe, line, {
  trainer: 'OpenAI fine-tuning',
  minTrainExamples: 10,
  tokenizer: 'o200k',
});
