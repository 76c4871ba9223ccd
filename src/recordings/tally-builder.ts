import { actionKey, showsFailureRecording, type SampleRecord, type Tally } from './types.js';

export type TallyOptions = {
  /**
   * Count a log-probability reading (a sample whose provenance carries the row's `distribution`)
   * as one answer split by its probabilities, not as the one token it sampled. Counts then hold
   * fractions (kept on a 2^-20 grid, so each reading adds exactly 1); off by default, since
   * references and exact intervals need whole counts.
   */
  readDistributions?: boolean;
};

/** Folds samples into one tally per (split, model, scenario), in first-seen order. */
export class TallyBuilder {
  private readonly byKey = new Map<string, Tally>();
  /** Tallies with at least one sample whose source would have recorded a parse failure. */
  private readonly recordsFailures = new Set<Tally>();

  constructor(private readonly options: TallyOptions = {}) {}

  add(sample: SampleRecord): void {
    const key = `${sample.split}\u0000${sample.model}\u0000${sample.scenario}`;
    let tally = this.byKey.get(key);
    if (!tally) {
      tally = { split: sample.split, scenario: sample.scenario, model: sample.model, role: sample.role, counts: {}, failures: {}, source: sample.provenance.source };
      this.byKey.set(key, tally);
    }
    if (showsFailureRecording(sample)) this.recordsFailures.add(tally);
    const reading = this.options.readDistributions ? readingOf(sample) : null;
    if (reading) {
      for (const [action, share] of reading) tally.counts[action] = (tally.counts[action] ?? 0) + share;
    } else if (sample.parse.ok) {
      const k = actionKey(sample.parse.action);
      tally.counts[k] = (tally.counts[k] ?? 0) + 1;
      if (sample.parse.readBy === 'extractor') tally.extracted = (tally.extracted ?? 0) + 1;
    } else {
      tally.failures[sample.parse.failure] = (tally.failures[sample.parse.failure] ?? 0) + 1;
    }
  }

  /**
   * The tallies so far. One made only of recorded choices without text (a replayed counts table)
   * is marked `failuresRecorded: false`: its zero parse failures mean "not recorded", not "none".
   */
  tallies(): Tally[] {
    return [...this.byKey.values()].map((t) => (this.recordsFailures.has(t) ? t : { ...t, failuresRecorded: false }));
  }
}

const GRID = 2 ** 20;

/**
 * A reading's probabilities on a 2^-20 grid, the last option taking the rest: sums of such numbers
 * are exact in floating point, so n readings add up to exactly n answers. Null when the sample
 * carries no usable distribution.
 */
function readingOf(sample: SampleRecord): [string, number][] | null {
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

/** Reads a stream of samples to the end and returns their tallies. */
export async function tallySamples(samples: AsyncIterable<SampleRecord>, options: TallyOptions = {}): Promise<Tally[]> {
  const builder = new TallyBuilder(options);
  for await (const sample of samples) builder.add(sample);
  return builder.tallies();
}
