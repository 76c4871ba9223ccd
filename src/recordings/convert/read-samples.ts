import type { Catalogue } from '../../catalogue/catalogue.js';
import { StratalignError, type ErrorLocation } from '../../shared/errors.js';
import { answersFileKind } from '../answers-file.js';
import { readNumberedSamples } from '../jsonl.js';
import type { SampleRecord } from '../types.js';
import { samplesFromPromptfooResults, type ConversionOptions } from './promptfoo-results.js';

export type LocatedSample = { sample: SampleRecord; where: ErrorLocation };

export type SampleInputKind = 'recording' | 'promptfoo-results';

/**
 * Which of the two inputs with answer texts a file is: a stratalign recording or promptfoo output
 * (results.json, or JSONL rows). A counts table has counts but no answers to read one by one.
 * The file is opened again to be read in full, so inputs must be regular files, not pipes.
 */
export function sampleInputKind(file: string): SampleInputKind {
  const kind = answersFileKind(file);
  if (kind === 'counts-table') {
    throw new StratalignError(
      { file },
      'this is a counts table: it holds counts per scenario, not the answers themselves',
      'pass counts tables straight to `stratalign report` or `stratalign reference`; this command needs a ' +
        'recording (.jsonl) or promptfoo output, which carry the answer texts',
    );
  }
  return kind === 'recording' ? 'recording' : 'promptfoo-results';
}

/** Streams samples from a recording or from promptfoo output, each with the line or row it came from. */
export async function* readLocatedSamples(
  file: string,
  catalogue: Catalogue,
  options: ConversionOptions = {},
): AsyncGenerator<LocatedSample> {
  if (sampleInputKind(file) === 'recording') {
    for await (const { sample, line } of readNumberedSamples(file, catalogue)) {
      yield { sample, where: { file, field: `line ${line}` } };
      options.onProgress?.(line);
    }
    return;
  }
  for await (const sample of samplesFromPromptfooResults(file, catalogue, options)) {
    const index = sample.provenance.sample;
    yield {
      sample,
      where: {
        file,
        field: `row ${String(sample.provenance.row)}${typeof index === 'number' ? `, sample ${index + 1}` : ''}`,
      },
    };
  }
}
