import { actionKey, type SampleRecord, type Tally } from './types.js';

/** Folds samples into one tally per (split, model, scenario), in first-seen order. */
export class TallyBuilder {
  private readonly byKey = new Map<string, Tally>();

  add(sample: SampleRecord): void {
    const key = `${sample.split}\u0000${sample.model}\u0000${sample.scenario}`;
    let tally = this.byKey.get(key);
    if (!tally) {
      tally = { split: sample.split, scenario: sample.scenario, model: sample.model, role: sample.role, counts: {}, failures: {}, source: sample.provenance.source };
      this.byKey.set(key, tally);
    }
    if (sample.parse.ok) {
      const k = actionKey(sample.parse.action);
      tally.counts[k] = (tally.counts[k] ?? 0) + 1;
    } else {
      tally.failures[sample.parse.failure] = (tally.failures[sample.parse.failure] ?? 0) + 1;
    }
  }

  tallies(): Tally[] {
    return [...this.byKey.values()];
  }
}

/** Reads a stream of samples to the end and returns their tallies. */
export async function tallySamples(samples: AsyncIterable<SampleRecord>): Promise<Tally[]> {
  const builder = new TallyBuilder();
  for await (const sample of samples) builder.add(sample);
  return builder.tallies();
}
