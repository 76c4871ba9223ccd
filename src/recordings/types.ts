import type { Action } from '../catalogue/games/action-space.js';
import type { ParseFailureKind, ParseResult } from '../answers/parsing/parse-result.js';

/** Version tag carried by every sample line and file we write; bump on any incompatible change. */
export const SAMPLE_SCHEMA = 'stratalign.sample/v1';

/**
 * Where a sample came from; shown wherever its numbers are shown. Declared once: sample lines,
 * references and reports all validate against this list.
 *   recorded-counts  published or recorded counts: the choice is known, the text is not
 *   recorded-text    a recorded raw answer text
 *   replay           a replay of a recording through the replay provider
 *   live             a live model call
 *   simulated        drawn from a parametric simulated player (providers/simulated.ts): no model exists behind it
 */
export const SAMPLE_SOURCES = ['recorded-counts', 'recorded-text', 'replay', 'live', 'simulated'] as const;
export type SampleSource = (typeof SAMPLE_SOURCES)[number];

export type Provenance = {
  source: SampleSource;
  /** File, run or dataset the sample came from. */
  origin: string;
  /** Free-form extras: config hash, model id, seed, time, sampling mode. */
  [key: string]: unknown;
};

/**
 * One answer of one model to one scenario: the common currency of providers, reference builder,
 * exporter and report. `parse` is the parse outcome; counts recordings carry
 * `{ ok: true, rule: 'recorded-choice' }` because their choice was recorded, not parsed.
 */
export type SampleRecord = {
  schema: typeof SAMPLE_SCHEMA;
  scenario: string;
  /** Group the sample is reported in, e.g. 'in-sample' or 'oos-context'; kept as given. */
  split: string;
  /** Model label, e.g. 'llama2-7b-chat'. */
  model: string;
  /** 'base', 'fine-tuned', 'teacher', or another role the user names; null when unknown. */
  role: string | null;
  text: string | null;
  parse: ParseResult;
  provenance: Provenance;
};

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
