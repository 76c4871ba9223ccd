import type { Action } from '../catalogue/games/action-space.js';
import type { ParseFailureKind } from '../answers/parsing/parse-result.js';
import type { SampleRecord, SampleSource } from './sample-schema.js';

// The sample type and its enums are declared once, in the zod schema every recording is checked with.
export { SAMPLE_SCHEMA, SAMPLE_SOURCES } from './sample-schema.js';
export type { Provenance, SampleRecord, SampleSource } from './sample-schema.js';

/**
 * Counts of one model's answers to one scenario. Statistics work on tallies, so counts tables,
 * text recordings and promptfoo results all meet here.
 */
export type Tally = {
  split: string;
  scenario: string;
  model: string;
  role: string | null;
  /** Valid answers per action, keyed by String(action). */
  counts: Record<string, number>;
  /** Answers that could not be read as an action, per failure kind. Never folded into counts. */
  failures: Partial<Record<ParseFailureKind, number>>;
  source: SampleSource;
  /**
   * False when the data could not have recorded parse failures (a counts table without failure
   * columns, replayed recorded choices): `failures` is then empty because nothing was counted, not
   * because every answer parsed, and no parse rate exists. Absent means true.
   */
  failuresRecorded?: boolean;
  /**
   * Of the valid answers in `counts`, those read by the audited extractor rather than the rules
   * (src/sources/extraction). Absent means none.
   */
  extracted?: number;
  /**
   * Of the valid answers, those that are log-probability readings (logprob-reading.ts): each adds
   * its probabilities, so `counts` then hold expected counts, not whole answers. Absent means none.
   */
  readings?: number;
};

/** Valid answers the extractor read (the rest of the valid answers were read by the rules). */
export function extractedCount(tally: Tally): number {
  return tally.extracted ?? 0;
}

export function validCount(tally: Tally): number {
  return Object.values(tally.counts).reduce((a, b) => a + b, 0);
}

export function failureCount(tally: Tally): number {
  return Object.values(tally.failures).reduce((a, b) => a + (b ?? 0), 0);
}

/** Whether a tally's failure counts were recorded at all (see Tally.failuresRecorded). */
export function failuresKnown(tally: Tally): boolean {
  return tally.failuresRecorded !== false;
}

/**
 * Whether a sample shows that its source records parse failures: a text (parsed, so a failure
 * would have been counted) or a failure itself. A recorded choice without text (a replayed counts
 * table) shows nothing; a tally made only of such samples should get `failuresRecorded: false`.
 */
export function showsFailureRecording(sample: SampleRecord): boolean {
  return sample.text !== null || !sample.parse.ok;
}

export function actionKey(action: Action): string {
  return String(action);
}
