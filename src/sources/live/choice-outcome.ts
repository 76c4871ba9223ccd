import type { EnvelopeSample } from '../../answers/samples/envelope.js';
import type { MissingKind } from './missing-answers.js';
import type { CompletionChoice } from './transport.js';

export type ChoiceOutcome =
  | { kind: 'sample'; sample: EnvelopeSample }
  | { kind: 'missing'; missingKind: MissingKind; reason: string };

/**
 * Decides whether one returned choice is a sample. Filtering and refusals by the API are not
 * the model's decision, so they are missing samples with a reason, never counted as a choice.
 * A truncated answer is a sample: its text is what the model said, and the parser reports
 * "truncated" when no choice made it into the text.
 */
export function classifyChoice(choice: CompletionChoice): ChoiceOutcome {
  const finish = choice.finishReason;
  const missing = (missingKind: MissingKind, reason: string) => ({ kind: 'missing' as const, missingKind, reason });
  if (finish === 'content_filter') {
    return missing('content-filter', 'content filtered by the API (finish_reason content_filter)');
  }
  if (finish === 'refusal') return missing('refusal', 'refused by the API (stop_reason refusal)');
  if (choice.refusal) return missing('refusal', `refused by the API: ${shorten(choice.refusal)}`);
  if (choice.text === null) return missing('no-text', `the API returned no text (finish reason ${finish})`);
  return { kind: 'sample', sample: { text: choice.text, finishReason: finish } };
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 119)}…` : flat);
}
