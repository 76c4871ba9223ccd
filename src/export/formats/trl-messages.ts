import { z } from 'zod';
import { chatMessage, messagesFormat, type ExportFormat } from './format.js';

/**
 * Hugging Face TRL conversational language-modeling format: {"messages":[...]}. SFTTrainer
 * applies the model's chat template; with `assistant_only_loss` it trains on the assistant turn.
 */
const line = z.strictObject({
  messages: z.tuple([chatMessage('system'), chatMessage('user'), chatMessage('assistant')]),
});

const describe = 'Hugging Face TRL conversational format ({"messages":[...]})';

export const trlMessages: ExportFormat = messagesFormat('trl-messages', describe, line, {
  trainer: "TRL's SFTTrainer",
  tokenizer: 'llama2',
});
