import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { StratalignError } from '../errors.js';
import { createConversionSummary, samplesFromPromptfooResults, type ConversionSummary } from '../convert/promptfoo-results.js';
import { TallyBuilder } from '../recordings/tally-builder.js';
import type { Tally } from '../recordings/types.js';

export type EvalTallies = {
  tallies: Tally[];
  conversion: ConversionSummary;
  /** Rows that could not become samples (not stratalign rows, unknown scenarios), with the first reason. */
  skipped: { rows: number; firstReason: string | null };
  /** Provider error rows per provider label, with the first error: what the user has to fix. */
  errorsByProvider: Map<string, { rows: number; firstError: string }>;
};

/**
 * Folds the rows of a finished eval into tallies through exactly the path `stratalign convert`
 * takes on `promptfoo eval -o results.jsonl`, so the end-of-eval summary, the converter, the report
 * and the gate count answers, parse failures, provider errors and missing samples the same way.
 */
export async function tallyEvalRows(rows: readonly unknown[], catalogue: Catalogue): Promise<EvalTallies> {
  const dir = mkdtempSync(join(tmpdir(), 'stratalign-summary-'));
  try {
    const file = join(dir, 'results.jsonl');
    // One line at a time: a whole run joined into one string can pass V8's string limit.
    const fd = openSync(file, 'w');
    try {
      for (const row of rows) writeSync(fd, `${JSON.stringify(row)}\n`);
    } finally {
      closeSync(fd);
    }
    const conversion = createConversionSummary(file);
    // Log-probability rows count as their distribution here and in every other consumer (logprob-reading.ts).
    const builder = new TallyBuilder();
    const skipped: EvalTallies['skipped'] = { rows: 0, firstReason: null };
    // The temp file is gone when the user reads a reason: name the row of the eval instead.
    const onUnreadableRow = ({ row, error }: { row: number; error: StratalignError }) => {
      skipped.rows++;
      skipped.firstReason ??= `result row ${row}: ${error.problem}`;
    };
    const errorsByProvider: EvalTallies['errorsByProvider'] = new Map();
    const onProviderError = ({ provider, error }: { provider: string; error: string }) => {
      const seen = errorsByProvider.get(provider);
      if (seen) seen.rows++;
      else errorsByProvider.set(provider, { rows: 1, firstError: error });
    };
    const options = { summary: conversion, origin: 'this eval', onUnreadableRow, onProviderError };
    for await (const sample of samplesFromPromptfooResults(file, catalogue, options)) builder.add(sample);
    return { tallies: builder.tallies(), conversion, skipped, errorsByProvider };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
