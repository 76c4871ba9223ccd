import { resolve } from 'node:path';
import type { Catalogue } from '../catalogue/catalogue.js';
import { answersFileKind } from './answers-file.js';
import { readCountsTable } from './counts-table.js';
import { readSampleFile } from './jsonl.js';
import { logprobReading } from './logprob-reading.js';
import { actionKey, showsFailureRecording, type SampleRecord, type Tally } from './types.js';

// Tallies, whatever the answers came from: every answers file read into them (loadInputs), and the
// fold of samples into one tally per split, model and scenario (TallyBuilder) that the converter,
// the end-of-eval summary and the reference builder share.

export type TallyFileKind = 'counts-table' | 'recording' | 'promptfoo-results';

/** Rows of a promptfoo run that produced no sample; a gate must see them, a pass rate hides them. */
export type LostAnswers = {
  providerErrors: number;
  /** Answers asked for and not delivered: all answers of the error rows and the envelopes' missing samples. */
  missingSamples: number;
  /** Of `missingSamples`, those asked for by the provider error rows. */
  errorRowAnswers?: number;
  /** The first provider errors, for messages. */
  examples: { row: number; provider: string; scenario?: string; error: string }[];
};

export type LoadedTallies = { tallies: Tally[]; origin: string; kind: TallyFileKind; lost: LostAnswers | null };

/** Every answers file of a command line, read into one list of tallies (a report's or a gate's input). */
export type LoadedInputs = {
  tallies: Tally[];
  inputs: { file: string; kind: TallyFileKind }[];
  /** Provider errors and missing samples summed over the promptfoo files; null when none was read. */
  lost: LostAnswers | null;
};

const KEPT_EXAMPLES = 5;

/**
 * Loads every answers file named on the command line (paths relative to `cwd`) into one list of
 * tallies, so e.g. a recorded teacher and a freshly evaluated student can be reported together.
 */
export async function loadInputs(files: readonly string[], catalogue: Catalogue, cwd: string): Promise<LoadedInputs> {
  const tallies: Tally[] = [];
  const inputs: LoadedInputs['inputs'] = [];
  let lost: LostAnswers | null = null;
  for (const file of files) {
    const loaded = await loadTallies(resolve(cwd, file), catalogue);
    tallies.push(...loaded.tallies);
    inputs.push({ file, kind: loaded.kind });
    if (loaded.lost) {
      lost ??= { providerErrors: 0, missingSamples: 0, examples: [] };
      lost.providerErrors += loaded.lost.providerErrors;
      lost.missingSamples += loaded.lost.missingSamples;
      lost.errorRowAnswers = (lost.errorRowAnswers ?? 0) + (loaded.lost.errorRowAnswers ?? 0);
      lost.examples.push(...loaded.lost.examples);
    }
  }
  return { tallies, inputs, lost };
}

/**
 * Reads answers from any of the three places they live (see detectAnswersFile): counts tables,
 * recordings and promptfoo output. Parse failures stay in the tallies; provider errors are returned apart.
 */
export async function loadTallies(file: string, catalogue: Catalogue): Promise<LoadedTallies> {
  const kind = answersFileKind(file);
  if (kind === 'counts-table') return { tallies: readCountsTable(file, catalogue), origin: file, kind, lost: null };
  if (kind === 'recording')
    return { tallies: await tallySamples(readSampleFile(file, catalogue)), origin: file, kind, lost: null };
  return loadPromptfooResults(file, catalogue);
}

async function loadPromptfooResults(file: string, catalogue: Catalogue): Promise<LoadedTallies> {
  // Loaded on demand: the converter pulls in the answer parser, which counts tables never need.
  const { samplesFromPromptfooResults, createConversionSummary, lostAnswerCount } = await import(
    './convert/promptfoo-results.js'
  );
  const summary = createConversionSummary(file);
  const examples: LostAnswers['examples'] = [];
  const onProviderError = (e: LostAnswers['examples'][number]) => {
    if (examples.length < KEPT_EXAMPLES) examples.push(e);
  };
  const tallies = await tallySamples(samplesFromPromptfooResults(file, catalogue, { summary, onProviderError }));
  const { providerErrors, errorRowAnswers } = summary;
  const lost = { providerErrors, missingSamples: lostAnswerCount(summary), errorRowAnswers, examples };
  return { tallies, origin: file, kind: 'promptfoo-results', lost };
}

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
