import type { ParseFailureKind } from '../parsing/parse-result.js';

/**
 * The rule failures the extractor may be asked about, and only these. A kind not listed here
 * (including any added later) is never sent to the extractor, so a new failure kind stays a
 * counted failure until someone decides otherwise:
 * - no-choice: the rules found no decision in a style they do not know; a reader may find one.
 * - ambiguous: the rules found more than one candidate; a reader may see which one is final.
 * Never asked: refusal (the model declined; reading a choice into it would change what it did),
 * truncated (the model did not finish; its choice was not made), empty (nothing to read),
 * out-of-range and fractional-amount (the model did state a number; the game's rules decide it),
 * and the extractor's own kinds.
 */
export const EXTRACTABLE_FAILURES: readonly ParseFailureKind[] = ['no-choice', 'ambiguous'];

export function isExtractable(kind: ParseFailureKind): boolean {
  return EXTRACTABLE_FAILURES.includes(kind);
}
