import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalogue } from '../catalogue/catalogue.js';
import { createConversionSummary, samplesFromPromptfooResults, type ConversionSummary } from '../convert/promptfoo-results.js';
import { TallyBuilder } from '../recordings/tally-builder.js';
import type { Tally } from '../recordings/types.js';

export type EvalTallies = { tallies: Tally[]; conversion: ConversionSummary };

/**
 * Folds the rows of a finished eval into tallies through exactly the path `stratalign convert`
 * takes on `promptfoo eval -o results.jsonl`, so the end-of-eval summary, the converter, the report
 * and the gate count answers, parse failures, provider errors and missing samples the same way.
 */
export async function tallyEvalRows(rows: readonly unknown[], catalogue: Catalogue): Promise<EvalTallies> {
  const dir = mkdtempSync(join(tmpdir(), 'stratalign-summary-'));
  try {
    const file = join(dir, 'results.jsonl');
    writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n'));
    const conversion = createConversionSummary(file);
    const builder = new TallyBuilder();
    for await (const sample of samplesFromPromptfooResults(file, catalogue, { summary: conversion, origin: 'this eval' })) builder.add(sample);
    return { tallies: builder.tallies(), conversion };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
