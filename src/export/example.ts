import type { ParseResult } from '../answers/parsing/parse-result.js';

/** One fine-tuning example before it takes a trainer's format: the prompt as the model sees it and the target. */
export type Example = {
  scenario: string;
  system: string;
  user: string;
  /** What the student should learn to answer: the teacher's answer with its motivation. */
  target: string;
};

/**
 * How the target is written:
 * - raw: the teacher's answer exactly as written (answer + motivation), the paper's Q&A pairs;
 * - normalised: "<action>\n\n<motivation>", the parsed action on the first line, then the motivation;
 * - action: the parsed action alone (for letter-only students; no motivation).
 */
export type TargetStyle = 'raw' | 'normalised' | 'action';

export const TARGET_STYLES: readonly TargetStyle[] = ['raw', 'normalised', 'action'];

/**
 * The target for a sample with text. Styles that need the action return null for unparsed
 * answers; the caller counts those, it never makes an action up.
 */
export function targetOf(text: string, parse: ParseResult, style: TargetStyle): string | null {
  if (style === 'raw') return text;
  if (!parse.ok) return null;
  const action = String(parse.action);
  if (style === 'action') return action;
  const motivation = motivationOf(text, action);
  return motivation === '' ? action : `${action}\n\n${motivation}`;
}

/**
 * The motivation is what follows the answer line: the reasoned protocol asks for the choice on the
 * first line, then the motivation. When the first line is not just the answer ("C", "**C**",
 * "Answer: C"), the choice is woven into the reasoning, and the whole text is kept as the
 * motivation rather than cutting it at a guessed place.
 */
export function motivationOf(text: string, action: string): string {
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first === -1) return '';
  if (isAnswerLine(lines[first]!, action))
    return lines
      .slice(first + 1)
      .join('\n')
      .trim();
  return text.trim();
}

const ANSWER_PREFIX = /^(?:my)?(?:final)?(?:answer|choice|decision|strategy|option|action|donation)?(?:is)?[:=-]?/i;

function isAnswerLine(line: string, action: string): boolean {
  const bare = line.replace(/[\s*_`#>"'()[\]]/g, '').replace(/[.!]$/, '');
  const rest = bare.replace(ANSWER_PREFIX, '');
  return rest === action || rest === `$${action}` || bare === action;
}

/**
 * The target of a structured answer under `--target normalised`: the JSON object in the schema's
 * field order, motivation then answer (src/catalogue/structured/answer-schema.ts), the answer as the prompt
 * showed it. It is exactly what the structured protocol asks the student to write.
 */
export function structuredTarget(motivation: string, shownAnswer: string | number): string {
  return JSON.stringify({ motivation, answer: shownAnswer });
}
