import { z } from 'zod';
import { chatMessage, chatMessages, checkWith, readMessages, type ExportFormat } from './format.js';

/**
 * Together AI conversational fine-tuning JSONL: {"messages":[...]} with roles system, user,
 * assistant, starting with system or user and alternating after; Together's file check rejects
 * any key besides `messages` and a file that mixes formats (docs.together.ai, "Data preparation").
 */
const line = z.strictObject({ messages: z.tuple([chatMessage('system'), chatMessage('user'), chatMessage('assistant')]) });

export const together: ExportFormat = {
  id: 'together',
  describe: 'Together AI conversational JSONL ({"messages":[...]}, no other keys)',
  files: () => [],
  toLine: (example) => ({ messages: chatMessages(example) }),
  validate: checkWith(line),
  readBack: (value) => readMessages((value as z.infer<typeof line>).messages),
};
