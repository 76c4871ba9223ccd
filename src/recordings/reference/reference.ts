import type { Tally } from '../types.js';

export const REFERENCE_SCHEMA = 'stratalign.reference/v1';

/** The teacher's answer distribution for one scenario: what assertions score against. */
export type ReferenceEntry = {
  /**
   * Valid answers per action, keyed by String(action). Expected counts (fractions) when `readings`
   * says the answers are log-probability readings (src/recordings/logprob-reading.ts).
   */
  counts: Record<string, number>;
  /** Number of valid answers (the denominator of every probability). */
  n: number;
  /** Answers that could not be parsed; kept to show how thin or noisy the reference is. */
  failures: Tally['failures'];
  /**
   * Fewer valid answers than the builder's minimum, kept on request (`--allow-thin`); scores against it deserve saying
   * so.
   */
  thin?: true;
  /** How many of the n valid answers are log-probability readings, each counted as its distribution. */
  readings?: number;
};

export type Reference = {
  schema: typeof REFERENCE_SCHEMA;
  /** Which model the reference describes and where its answers came from. */
  model: string;
  role: string | null;
  source: { origin: string; kind: Tally['source']; built: string; catalogue: string };
  scenarios: Record<string, ReferenceEntry>;
};

/** Probability of an action under the reference for a scenario; 0 for actions never chosen. */
export function referenceProbability(entry: ReferenceEntry, action: string | number): number {
  return entry.n === 0 ? 0 : (entry.counts[String(action)] ?? 0) / entry.n;
}
