import type { ActionSpace } from '../../catalogue/games/action-space.js';

export type ExtractorReply =
  | { kind: 'choice'; label: string | number }
  | { kind: 'none' }
  | { kind: 'invalid'; reason: string };

/**
 * Reads the extractor's reply strictly: after trimming white space it must be exactly one option
 * label as shown (case as shown), a whole number in the game's range written as digits alone, or
 * "none" (any case). Anything else (a sentence, two labels, "$7", "C.", a number out of range) is
 * invalid and reads nothing: the extractor is trusted with nothing but its exact answer.
 */
export function readExtractorReply(reply: string | null | undefined, space: ActionSpace): ExtractorReply {
  if (reply === null || reply === undefined) return { kind: 'invalid', reason: 'the extractor returned no text' };
  const text = reply.trim();
  if (text.toLowerCase() === 'none') return { kind: 'none' };
  if (space.kind === 'choice') {
    if (space.options.includes(text)) return { kind: 'choice', label: text };
    return {
      kind: 'invalid',
      reason: `the reply ${quote(text)} is not exactly one of ${space.options.join(', ')} or none`,
    };
  }
  if (/^\d{1,6}$/.test(text)) {
    const value = Number(text);
    if (value >= space.min && value <= space.max) return { kind: 'choice', label: value };
    return { kind: 'invalid', reason: `the reply ${quote(text)} is outside ${space.min}..${space.max}` };
  }
  return {
    kind: 'invalid',
    reason: `the reply ${quote(text)} is not a whole number from ${space.min} to ${space.max} or none`,
  };
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
