import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Catalogue } from '../catalogue/catalogue.js';
import { StratalignError } from '../errors.js';
import { readCountsTable } from './counts-table.js';
import { readSampleFile } from './jsonl.js';
import { TallyBuilder } from './tally-builder.js';
import { SAMPLE_SCHEMA, type Tally } from './types.js';

export type TallyFileKind = 'counts-table' | 'recording' | 'promptfoo-results';

/** Rows of a promptfoo run that produced no sample; a gate must see them, a pass rate hides them. */
export type LostAnswers = {
  providerErrors: number;
  /** Samples a provider was asked for but did not deliver. */
  missingSamples: number;
  /** The first provider errors, for messages. */
  examples: { row: number; provider: string; scenario?: string; error: string }[];
};

export type LoadedTallies = { tallies: Tally[]; origin: string; kind: TallyFileKind; lost: LostAnswers | null };

const KEPT_EXAMPLES = 5;
const FIX_KIND = 'give a counts table (.csv), a stratalign recording (.jsonl, one stratalign.sample/v1 line per answer) or promptfoo output (`promptfoo eval -o results.json`, or .jsonl)';

/**
 * Reads answers from any of the three places they live, by file extension: counts tables (.csv),
 * recordings (.jsonl) and promptfoo output (.json, or a .jsonl whose first line is not a
 * stratalign sample). Parse failures stay in the tallies; provider errors are returned apart.
 */
export async function loadTallies(file: string, catalogue: Catalogue): Promise<LoadedTallies> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) return { tallies: readCountsTable(file, catalogue), origin: file, kind: 'counts-table', lost: null };
  if (lower.endsWith('.jsonl') && (await isRecording(file))) {
    const builder = new TallyBuilder();
    for await (const sample of readSampleFile(file, catalogue)) builder.add(sample);
    return { tallies: builder.tallies(), origin: file, kind: 'recording', lost: null };
  }
  if (lower.endsWith('.json') || lower.endsWith('.jsonl')) return loadPromptfooResults(file, catalogue);
  throw new StratalignError({ file }, 'unknown kind of answers file', FIX_KIND);
}

async function loadPromptfooResults(file: string, catalogue: Catalogue): Promise<LoadedTallies> {
  // Loaded on demand: the converter pulls in the answer parser, which counts tables never need.
  const { samplesFromPromptfooResults, createConversionSummary } = await import('../convert/promptfoo-results.js');
  const summary = createConversionSummary(file);
  const examples: LostAnswers['examples'] = [];
  const builder = new TallyBuilder();
  const onProviderError = (e: LostAnswers['examples'][number]) => {
    if (examples.length < KEPT_EXAMPLES) examples.push(e);
  };
  for await (const sample of samplesFromPromptfooResults(file, catalogue, { summary, onProviderError })) builder.add(sample);
  return { tallies: builder.tallies(), origin: file, kind: 'promptfoo-results', lost: { providerErrors: summary.providerErrors, missingSamples: summary.missingSamples, examples } };
}

/** A .jsonl file is a stratalign recording when its first non-blank line says so. */
async function isRecording(file: string): Promise<boolean> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      try {
        return (JSON.parse(line) as { schema?: unknown })?.schema === SAMPLE_SCHEMA;
      } catch {
        return true; // let the recording reader report the broken line with its number
      }
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StratalignError({ file }, 'file not found', 'check the path');
    throw err;
  } finally {
    lines.close();
    stream.destroy();
  }
}
