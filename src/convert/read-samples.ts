import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Catalogue } from '../catalogue/catalogue.js';
import { StratalignError, type ErrorLocation } from '../errors.js';
import { parseSampleLine } from '../recordings/jsonl.js';
import { SAMPLE_SCHEMA, type SampleRecord } from '../recordings/types.js';
import { samplesFromPromptfooResults, type ConversionOptions } from './promptfoo-results.js';

export type LocatedSample = { sample: SampleRecord; where: ErrorLocation };

export type SampleInputKind = 'recording' | 'promptfoo-results';

/**
 * Tells a stratalign recording (JSONL whose lines carry `"schema":"stratalign.sample/v1"`) from
 * promptfoo output (results.json, or JSONL rows) by reading the first line. The file is opened
 * again to be read in full (results.json twice), so inputs must be regular files, not pipes.
 */
export async function sampleInputKind(file: string): Promise<SampleInputKind> {
  if (!/\.(jsonl|ndjson)$/i.test(file)) return 'promptfoo-results';
  const first = await firstLine(file);
  return first.includes(`"${SAMPLE_SCHEMA}"`) ? 'recording' : 'promptfoo-results';
}

/** Streams samples from a recording or from promptfoo output, each with the line or row it came from. */
export async function* readLocatedSamples(file: string, catalogue: Catalogue, options: ConversionOptions = {}): AsyncGenerator<LocatedSample> {
  if ((await sampleInputKind(file)) === 'recording') {
    yield* recordingSamples(file, catalogue, options.onProgress);
    return;
  }
  for await (const sample of samplesFromPromptfooResults(file, catalogue, options)) {
    const index = sample.provenance.sample;
    yield { sample, where: { file, field: `row ${String(sample.provenance.row)}${typeof index === 'number' ? `, sample ${index + 1}` : ''}` } };
  }
}

async function* recordingSamples(file: string, catalogue: Catalogue, onProgress?: (n: number) => void): AsyncGenerator<LocatedSample> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      yield { sample: parseSampleLine(line, file, lineNo, catalogue), where: { file, field: `line ${lineNo}` } };
      onProgress?.(lineNo);
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

async function firstLine(file: string): Promise<string> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) if (line.trim() !== '') return line;
    throw new StratalignError({ file }, 'file is empty', 'point at a recording (JSONL) or promptfoo output');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StratalignError({ file }, 'file not found', 'check the path');
    throw err;
  } finally {
    lines.close();
    stream.destroy();
  }
}
