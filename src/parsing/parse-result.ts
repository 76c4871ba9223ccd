import type { Action } from '../games/action-space.js';

/** Why an answer could not be read as an action. Every failure is counted, never turned into a guess. */
export type ParseFailureKind =
  | 'empty'
  | 'no-choice'
  | 'ambiguous'
  | 'out-of-range'
  | 'fractional-amount'
  | 'refusal'
  | 'truncated'
  /** A structured-protocol answer that is not exactly a JSON object of the requested schema. */
  | 'schema-violation';

export const PARSE_FAILURE_KINDS: readonly ParseFailureKind[] = [
  'empty',
  'no-choice',
  'ambiguous',
  'out-of-range',
  'fractional-amount',
  'refusal',
  'truncated',
  'schema-violation',
];

export type ParseSuccess = {
  ok: true;
  action: Action;
  /** Which extraction step found the action (e.g. 'json', 'explicit-statement'), for audits. */
  rule: string;
  /** The text the action was read from, as it appears in the answer. */
  evidence: string;
  /** An amount with cents the game's stated rule rounded ("$7.50" read as 8); absent otherwise. */
  rounded?: { from: number; rule: 'round-half-up' };
};

export type ParseFailure = {
  ok: false;
  failure: ParseFailureKind;
  /** Human-readable explanation naming what was (not) found. */
  reason: string;
};

export type ParseResult = ParseSuccess | ParseFailure;
