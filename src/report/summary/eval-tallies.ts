import type { Catalogue } from '../../catalogue/catalogue.js';
import type { StratalignError } from '../../shared/errors.js';
import {
  createConversionSummary,
  samplesFromRows,
  type ConversionSummary,
} from '../../recordings/convert/promptfoo-results.js';
import { rowsInMemory } from '../../recordings/convert/promptfoo-source.js';
import { TallyBuilder } from '../../recordings/load-tallies.js';
import type { Tally } from '../../recordings/types.js';
import type { Scenario } from '../../catalogue/scenarios/scenario.js';
import type { ResolvedScenarios } from '../../catalogue/scenarios/resolved-scenarios.js';

export type EvalTallies = {
  tallies: Tally[];
  /** Each row's scenario as resolved when its row was read, by id: the summary and report carry these. */
  scenarios: ResolvedScenarios;
  conversion: ConversionSummary;
  /** Rows that could not become samples (not stratalign rows, unknown scenarios), with the first reason. */
  skipped: { rows: number; firstReason: string | null };
  /** Provider error rows per provider label, with the first error: what the user has to fix. */
  errorsByProvider: Map<string, { rows: number; firstError: string }>;
};

/**
 * Folds the rows of a finished eval, in memory, into tallies through exactly the path `stratalign
 * convert` takes on `promptfoo eval -o results.jsonl` (`samplesFromRows`), so the end-of-eval
 * summary, the converter, the report and the gate count answers, parse failures, provider errors
 * and missing samples the same way.
 */
export async function tallyEvalRows(rows: readonly unknown[], catalogue: Catalogue): Promise<EvalTallies> {
  const source = rowsInMemory(rows, 'this eval');
  const conversion = createConversionSummary(source.file);
  // Log-probability rows count as their distribution here and in every other consumer (logprob-reading.ts).
  const builder = new TallyBuilder();
  const skipped: EvalTallies['skipped'] = { rows: 0, firstReason: null };
  // Name the row of the eval: the user has no file to open.
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
  const scenarios = new Map<string, Scenario>();
  const options = { summary: conversion, origin: 'this eval', onUnreadableRow, onProviderError, resolved: scenarios };
  for await (const sample of samplesFromRows(source, catalogue, options)) builder.add(sample);
  return { tallies: builder.tallies(), scenarios, conversion, skipped, errorsByProvider };
}
