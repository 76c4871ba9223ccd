import type { Catalogue } from '../catalogue/catalogue.js';
import type { ConversionSummary } from '../convert/promptfoo-results.js';
import { isStratalignError } from '../errors.js';
import { summariseForEval, type EvalSummary } from '../report/eval-summary.js';
import type { Reference } from '../reference/reference.js';
import { tallyEvalRows } from './eval-tallies.js';
import { agreementByModel, plainModelRows } from './model-summary.js';
import { renderSummary } from './render-summary.js';
import type { RowOutcome } from './scoring-coverage.js';

export type EvalOutcome = {
  /** The text printed at the end of the eval. */
  text: string;
  /** Answers asked for and not collected (provider errors, missing samples); exhausted replays excluded. */
  lostAnswers: number;
  /** Set when no summary could be made (e.g. rows without a scenario); the run then fails. */
  error?: string;
  summary: EvalSummary | null;
};

/**
 * Everything the end-of-eval hook reports, from the eval's result rows: answers are counted as
 * `stratalign convert` counts them, the figures come from the report, and teacher agreement is
 * measured against the reference the alignment assertion uses.
 */
export async function summariseEval(
  rows: readonly unknown[],
  reference: Reference | null,
  catalogue: Catalogue,
  outcomes?: Map<string, Map<string, RowOutcome>>,
): Promise<EvalOutcome> {
  // promptfoo hands the hook no rows when results are not kept (e.g. --no-write): nothing to count.
  if (rows.length === 0) return { text: '\nstratalign summary: this eval passed no result rows to the hook (run without --no-write to get one)\n', lostAnswers: 0, summary: null };
  let tallied;
  try {
    tallied = await tallyEvalRows(rows, catalogue);
  } catch (err) {
    if (!isStratalignError(err)) throw err;
    const error = `stratalign summary: cannot read the eval's rows: ${err.message}`;
    return { text: `${error}\n`, lostAnswers: 0, error, summary: null };
  }
  if (tallied.tallies.length === 0 && tallied.skipped.rows > 0) {
    const error = `stratalign summary: none of the eval's rows could be read (${tallied.skipped.rows} skipped; first: ${tallied.skipped.firstReason})`;
    return { text: `${error}\n`, lostAnswers: 0, error, summary: null };
  }
  const summary = summariseForEval(tallied.tallies, catalogue);
  const agreement = reference ? agreementByModel(tallied.tallies, reference, catalogue) : null;
  const conversion: ConversionSummary = tallied.conversion;
  const plain = summary.error ? plainModelRows(tallied.tallies, catalogue) : [];
  const { skipped, errorsByProvider } = tallied;
  const text = renderSummary({ skipped, summary, plain, agreement, reference, conversion, errorsByProvider, outcomes });
  return { text, lostAnswers: conversion.providerErrors + conversion.missingSamples, summary };
}
