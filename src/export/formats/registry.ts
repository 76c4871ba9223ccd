import type { ExportFormat } from './format.js';
import { llamafactoryAlpaca } from './llamafactory-alpaca.js';
import { llamafactorySharegpt } from './llamafactory-sharegpt.js';
import { openaiChat } from './openai-chat.js';
import { together } from './together.js';
import { trlMessages } from './trl-messages.js';
import { trlPromptCompletion } from './trl-prompt-completion.js';

/** Every export format, in the order `stratalign export --help` lists them. */
export const EXPORT_FORMATS: readonly ExportFormat[] = [
  openaiChat,
  trlMessages,
  trlPromptCompletion,
  llamafactoryAlpaca,
  llamafactorySharegpt,
  together,
];

export function findExportFormat(id: string): ExportFormat | undefined {
  return EXPORT_FORMATS.find((f) => f.id === id);
}
