import { z } from 'zod';
import { chatMessage, messagesFormat, type ExportFormat } from './format.js';

/**
 * Together AI conversational fine-tuning JSONL: {"messages":[...]} with roles system, user,
 * assistant, starting with system or user and alternating after; Together's file check rejects
 * any key besides `messages` and a file that mixes formats (docs.together.ai, "Data preparation").
 */
const line = z.strictObject({
  messages: z.tuple([chatMessage('system'), chatMessage('user'), chatMessage('assistant')]),
});

const describe = 'Together AI conversational JSONL ({"messages":[...]}, no other keys)';

export const together: ExportFormat = messagesFormat('together', describe, line, {
  trainer: 'Together fine-tuning',
  tokenizer: 'llama2',
});
