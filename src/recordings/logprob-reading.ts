import type { SampleRecord, Tally } from './types.js';

/**
 * How every consumer reads a log-probability row (the end-of-eval summary, convert, report, gate,
 * reference): one reading is one answer split by its probabilities, an expected count, never the
 * one token the call happened to sample. A row whose options held less than `minInSpaceMass` of
 * the first token's probability never gets here: the provider records it as a lost answer with
 * its reason, and every consumer counts it as one.
 */

const GRID = 2 ** 20;

/** What a tally holding log-probability readings is called wherever its numbers are shown. */
export const READINGS_LABEL = 'log-probability readings';

/**
 * A reading's probabilities on a 2^-20 grid, the last option taking the rest: sums of such numbers
 * are exact in floating point, so n readings add up to exactly n answers. Null when the sample
 * carries no distribution (it is then an ordinary answer).
 */
export function logprobReading(sample: SampleRecord): [string, number][] | null {
  const d = sample.provenance.distribution as { probabilities?: unknown } | undefined;
  const probabilities = d && typeof d === 'object' ? d.probabilities : undefined;
  if (!probabilities || typeof probabilities !== 'object') return null;
  const entries = Object.entries(probabilities as Record<string, unknown>);
  if (entries.length === 0 || entries.some(([, p]) => typeof p !== 'number' || !(p >= 0 && p <= 1))) return null;
  const shares: [string, number][] = [];
  let used = 0;
  entries.forEach(([action, p], i) => {
    const share = i === entries.length - 1 ? GRID - used : Math.min(GRID - used, Math.round((p as number) * GRID));
    used += share;
    shares.push([action, share / GRID]);
  });
  return shares;
}

/** Log-probability readings among a tally's valid answers. */
export function readingCount(tally: Pick<Tally, 'readings'>): number {
  return tally.readings ?? 0;
}

/** A source label with the readings named, so an expected count never passes as sampled answers. */
export function withReadings(label: string, tallies: readonly Tally[]): string {
  return tallies.some((t) => readingCount(t) > 0) ? `${label} (${READINGS_LABEL})` : label;
}

/**
 * How the numbers of log-probability readings are to be read, for reports. A reading's choice
 * probability varies no more than the sampled answer it stands for (Var p <= E[p](1 - E[p])), so
 * an interval that treats each reading as one answer over n readings is conservative, never
 * narrower than the data supports.
 */
export function readingsNote(models: readonly string[]): string {
  return (
    `${models.join(', ')}: answers are ${READINGS_LABEL} (mode: logprobs): ` +
    'each reading counts as its distribution over the options, so counts are expected counts, not sampled answers; ' +
    'intervals treat each reading as one answer (n = the number of readings), which is conservative, ' +
    'since a reading varies no more than the answer it stands for. ' +
    'Readings whose options held less than minInSpaceMass of the first token were not scored ' +
    'and are counted as lost answers.'
  );
}
