import { logprobReading } from './logprob-reading.js';
import { actionKey, showsFailureRecording, type SampleRecord, type Tally } from './types.js';

/**
 * Folds samples into one tally per (split, model, scenario), in first-seen order. A log-probability
 * reading adds its probabilities (see logprob-reading.ts), so its counts hold expected counts.
 */
export class TallyBuilder {
  private readonly byKey = new Map<string, Tally>();
  /** Tallies with at least one sample whose source would have recorded a parse failure. */
  private readonly recordsFailures = new Set<Tally>();

  add(sample: SampleRecord): void {
    const key = `${sample.split}\u0000${sample.model}\u0000${sample.scenario}`;
    let tally = this.byKey.get(key);
    if (!tally) {
      tally = {
        split: sample.split,
        scenario: sample.scenario,
        model: sample.model,
        role: sample.role,
        counts: {},
        failures: {},
        source: sample.provenance.source,
      };
      this.byKey.set(key, tally);
    }
    if (showsFailureRecording(sample)) this.recordsFailures.add(tally);
    const reading = logprobReading(sample);
    if (reading) {
      for (const [action, share] of reading) tally.counts[action] = (tally.counts[action] ?? 0) + share;
      tally.readings = (tally.readings ?? 0) + 1;
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

/** Reads a stream of samples to the end and returns their tallies. */
export async function tallySamples(samples: AsyncIterable<SampleRecord>): Promise<Tally[]> {
  const builder = new TallyBuilder();
  for await (const sample of samples) builder.add(sample);
  return builder.tallies();
}
