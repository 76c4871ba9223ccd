import type { Action } from '../../catalogue/games/action-space.js';

/**
 * Why an answer could not be read as an action. Every failure is counted, never turned into a
 * guess. Declared once: the type and every schema (recordings, envelopes, extraction records)
 * come from this list.
 */
export const PARSE_FAILURE_KINDS = [
  'empty',
  'no-choice',
  'ambiguous',
  'out-of-range',
  'fractional-amount',
  'refusal',
  'truncated',
  /** A structured-protocol answer that is not exactly a JSON object of the requested schema. */
  'schema-violation',
  // The rules left the answer unread and the optional extractor (src/sources/extraction) did not read it either.
  'extractor-none',
  'extractor-invalid',
  'extractor-error',
] as const;

export type ParseFailureKind = (typeof PARSE_FAILURE_KINDS)[number];

export type ParseSuccess = {
  ok: true;
  action: Action;
  /** Which extraction step found the action (e.g. 'json', 'explicit-statement'), for audits. */
  rule: string;
  /** The text the action was read from, as it appears in the answer. */
  evidence: string;
  /** An amount with cents the game's stated rule rounded ("$7.50" read as 8); absent otherwise. */
  rounded?: { from: number; rule: 'round-half-up' };
  /**
   * Who read the action: the parser's rules (absent means rules) or the audited extractor model,
   * named with its model id and prompt version. See src/sources/extraction
   */
  readBy?: 'rules' | 'extractor';
  extractor?: { model: string; promptVersion: string };
};

export type ParseFailure = {
  ok: false;
  failure: ParseFailureKind;
  /** Human-readable explanation naming what was (not) found. */
  reason: string;
  /** For the extractor-* kinds: what the rules said before the extractor was asked, and which extractor. */
  ruleFailure?: ParseFailureKind;
  extractor?: { model: string; promptVersion: string };
};

export type ParseResult = ParseSuccess | ParseFailure;
