import { resolve } from 'node:path';
import type { Catalogue } from '../catalogue/catalogue.js';
import { answersFileKind } from './answers-file.js';
import { readCountsTable } from './counts-table.js';
import { readSampleFile } from './jsonl.js';
import { tallySamples } from './tally-builder.js';
import type { Tally } from './types.js';

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
 * recordings and promptfoo output. Parse failures stay in the tallies; provider errors are
 * returned apart.
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
