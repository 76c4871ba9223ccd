import type { Catalogue } from '../../catalogue/catalogue.js';
import { lostAnswerCount, type ConversionSummary } from '../../recordings/convert/promptfoo-results.js';
import { isStratalignError } from '../../shared/errors.js';
import { buildProbes, hasProbes, type ProbesReport } from '../probes/probes-report.js';
import { MIN_RESAMPLES } from '../build-report.js';
import { summariseForEval, type EvalSummary } from '../eval-summary.js';
import type { Reference } from '../../recordings/reference/reference.js';
import { tallyEvalRows } from './eval-tallies.js';
import { agreementByModel, plainModelRows } from './model-summary.js';
import { simulatedTruths } from '../../sources/simulated/simulated-truth.js';
import { renderProbesSummary } from './render-probes.js';
import { renderSummary } from './render-summary.js';
import { describeParseQuality, parseQualityByModel } from './parse-quality.js';
import { sanitizeForTerminal } from '../../shared/terminal.js';
import type { Tally } from '../../recordings/types.js';
import { describeExtractorErrors, extractorErrors } from './extractor-errors.js';

/** Per model, the share of answers the rules read and the failure kinds; only where failures were recorded. */
function parseQualityBlock(tallies: readonly Tally[]): string {
  const known = tallies.filter((t) => t.failuresRecorded !== false);
  if (known.length === 0) return '';
  const lines = parseQualityByModel(known).map((q) => `  ${sanitizeForTerminal(describeParseQuality(q))}`);
  return (
    `\nparse quality (answers read per model: by the rules, by the audited extractor, unread; unread ` +
    `answers are never guessed):\n${lines.join('\n')}\n`
  );
}
import type { RowOutcome } from './scoring-coverage.js';

export type EvalOutcome = {
  /** The text printed at the end of the eval. */
  text: string;
  /** Answers asked for and not collected (all answers of error rows, missing samples); exhausted replays excluded. */
  lostAnswers: number;
  /** Answers the configured extractor could not be asked about (failed calls); the run then fails. */
  extractorErrors?: number;
  /** Set when no summary could be made (e.g. rows without a scenario); the run then fails. */
  error?: string;
  summary: EvalSummary | null;
  /** Label bias, fingerprints and grid maps when the eval has label variants or grid points. */
  probes?: ProbesReport | null;
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
  if (rows.length === 0)
    return {
      text: '\nstratalign summary: this eval passed no result rows to the hook (run without --no-write to get one)\n',
      lostAnswers: 0,
      summary: null,
    };
  let tallied;
  try {
    tallied = await tallyEvalRows(rows, catalogue);
  } catch (err) {
    if (!isStratalignError(err)) throw err;
    const error = `stratalign summary: cannot read the eval's rows: ${err.message}`;
    return { text: `${error}\n`, lostAnswers: 0, error, summary: null };
  }
  if (tallied.tallies.length === 0 && tallied.skipped.rows > 0) {
    const error =
      `stratalign summary: none of the eval's rows could be read (${tallied.skipped.rows} skipped; ` +
      `first: ${tallied.skipped.firstReason})`;
    return { text: `${error}\n`, lostAnswers: 0, error, summary: null };
  }
  const withProbes = hasProbes(tallied.tallies);
  const truths = withProbes ? simulatedTruths(rows) : new Map();
  // Each scenario was resolved once, when its row was read; the summary and the report carry it on.
  const resolved = tallied.scenarios;
  const summary = summariseForEval(tallied.tallies, catalogue, {
    scenarios: resolved,
    ...(truths.size ? { simulatedTruths: truths } : {}),
  });
  // Without base, fine-tuned and teacher the report is not made, but each model's probes still are.
  const probeOptions = { resamples: MIN_RESAMPLES, seed: 'stratalign', level: 0.95, truths };
  const probes = !withProbes ? null : (summary.probes ?? buildProbes(tallied.tallies, catalogue, probeOptions));
  const agreement = reference ? agreementByModel(tallied.tallies, reference, catalogue, resolved) : null;
  const conversion: ConversionSummary = tallied.conversion;
  const probeLines = probes ? renderProbesSummary(probes, summary.regions, MIN_RESAMPLES) : undefined;
  const plain = summary.error ? plainModelRows(tallied.tallies, catalogue, resolved) : [];
  const extra = probeLines ? { probes: probeLines } : {};
  const { skipped, errorsByProvider } = tallied;
  const parts = { skipped, summary, plain, agreement, reference, conversion, errorsByProvider, outcomes, ...extra };
  const failedExtractions = extractorErrors(rows);
  const extractorLine =
    failedExtractions.answers > 0 ? `${sanitizeForTerminal(describeExtractorErrors(failedExtractions))}\n` : '';
  const text = renderSummary(parts) + parseQualityBlock(tallied.tallies) + extractorLine;
  const extracted = failedExtractions.answers > 0 ? { extractorErrors: failedExtractions.answers } : {};
  return { text, lostAnswers: lostAnswerCount(conversion), summary, ...extracted, ...(probes ? { probes } : {}) };
}
