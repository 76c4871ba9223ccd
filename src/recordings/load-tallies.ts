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

const KEPT_EXAMPLES = 5;

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
