import type { Catalogue } from '../../catalogue/catalogue.js';
import { StratalignError } from '../../shared/errors.js';
import type { ParseFailureKind } from '../../answers/parsing/parse-result.js';
import type { SampleRecord } from '../types.js';
import { lostSamples, type SampleEnvelope } from '../../answers/samples/envelope.js';
import { readMissingByKind, type MissingAnswers, type MissingKind } from '../../answers/samples/missing.js';
import type { Scenario } from '../../catalogue/scenarios/scenario.js';
import {
  answersLostByErrorRow,
  isProviderError,
  readRowFields,
  requireVar,
  type StratalignMeta,
} from './promptfoo-row.js';
import { openPromptfooResults, type PromptfooRows } from './promptfoo-source.js';
import { samplesFromRow } from './row-samples.js';
import type { RunProvenance } from './run-provenance.js';

/** `lostAnswers`: the answers the row asked for and lost, as it says; null when it does not say (counted as 1). */
export type ProviderErrorRow = {
  row: number;
  provider: string;
  scenario?: string;
  error: string;
  lostAnswers: number | null;
};

/** What a conversion saw besides the samples it yielded; filled in as the generator runs. */
export type ConversionSummary = {
  file: string;
  kind: 'json' | 'jsonl' | null;
  run: RunProvenance | null;
  rows: number;
  samples: number;
  /** Samples whose text is known (live or text replays) and samples that only know the choice. */
  textSamples: number;
  choiceOnlySamples: number;
  providerErrors: number;
  /**
   * Answers the provider error rows asked for, all lost: what each row's metadata says it asked
   * for (a multi row of 4 lost 4), one for a row that does not say.
   */
  errorRowAnswers: number;
  /** Provider error rows that did not say how many answers they asked for (each counted as one). */
  errorRowsWithoutCounts: number;
  /** Samples envelopes were asked for but did not deliver: lost answers (exhausted replays not included). */
  missingSamples: number;
  /** Samples asked of a replay past the end of its recording: shown, but not lost answers. */
  exhaustedReplays: number;
  /** Rows skipped because they could not become samples (only with `onUnreadableRow`). */
  unreadableRows: number;
  /** Per reason an envelope gave for missing samples, the number of rows that gave it (text, for display). */
  missingReasonRows: Record<string, number>;
  /**
   * Lost answers per kind, from the structured `byKind` of envelopes and error rows: they add up to
   * `lostAnswerCount`. 'unreported' holds those of rows that carry no kinds (other providers, older runs).
   */
  lostByKind: Partial<Record<MissingKind | 'unreported', number>>;
  parseFailures: Partial<Record<ParseFailureKind, number>>;
  /** Rows that are log-probability readings: their sample keeps the distribution it is counted as. */
  distributionRows: number;
};

export type ConversionOptions = {
  onProviderError?: (e: ProviderErrorRow) => void;
  onProgress?: (rowsRead: number) => void;
  /** What samples record as their origin (default: `file`), e.g. the path as the user typed it. */
  origin?: string;
  /** Filled in while converting, for the CLI's summary line and export manifests. */
  summary?: ConversionSummary;
  /**
   * Given, a row that cannot become samples (no vars.scenario, an unknown scenario, a broken
   * envelope) is reported here and skipped; not given, it stops the conversion with its error.
   */
  onUnreadableRow?: (e: { row: number; error: StratalignError }) => void;
  /** Given, filled with each row's scenario by id as it is resolved, so later readers carry the object. */
  resolved?: Map<string, Scenario>;
};

/** Every answer asked for and not delivered: all answers of the error rows plus the envelopes' missing samples. */
export function lostAnswerCount(summary: ConversionSummary): number {
  return summary.errorRowAnswers + summary.missingSamples;
}

/** Distinct missing-sample reasons kept by name; the rest are counted together. */
const MAX_REASONS = 50;
const OTHER_REASONS = '(other reasons)';

export function createConversionSummary(file: string): ConversionSummary {
  return {
    file,
    kind: null,
    run: null,
    rows: 0,
    samples: 0,
    textSamples: 0,
    choiceOnlySamples: 0,
    providerErrors: 0,
    errorRowAnswers: 0,
    errorRowsWithoutCounts: 0,
    missingSamples: 0,
    exhaustedReplays: 0,
    unreadableRows: 0,
    missingReasonRows: {},
    lostByKind: {},
    parseFailures: {},
    distributionRows: 0,
  };
}

/**
 * Streams the samples of a promptfoo output file (results.json or results.jsonl) as recordings.
 * Provider errors are not samples: each is reported through `onProviderError` and counted. Memory
 * holds one row at a time (its samples included), whatever the number of rows.
 */
export function samplesFromPromptfooResults(
  file: string,
  catalogue: Catalogue,
  options: ConversionOptions = {},
): AsyncGenerator<SampleRecord> {
  return samplesFromRows(openPromptfooResults(file), catalogue, options);
}

/**
 * The one way promptfoo rows become samples, whether they stream from a file (`stratalign convert`,
 * the report and the gate) or are the rows the end-of-eval hook holds in memory (`rowsInMemory`).
 */
export async function* samplesFromRows(
  source: PromptfooRows,
  catalogue: Catalogue,
  options: ConversionOptions = {},
): AsyncGenerator<SampleRecord> {
  const file = source.file;
  const summary = options.summary ?? createConversionSummary(file);
  summary.kind = source.kind;
  summary.run = source.run;
  const scenarios = new Map<string, Scenario>();
  const resolved = options.resolved;
  for await (const raw of source.rows()) {
    summary.rows++;
    const where = { file, field: raw.field };
    let fields: ReturnType<typeof readRowFields>;
    let result: ReturnType<typeof samplesFromRow>;
    try {
      fields = readRowFields(raw.value, where);
      if (isProviderError(fields)) {
        summary.providerErrors++;
        const lost = answersLostByErrorRow(fields.meta);
        summary.errorRowAnswers += lost ?? 1;
        if (lost === null) summary.errorRowsWithoutCounts++;
        addLostByKind(summary, lost ?? 1, missingByKindOf(fields.meta));
        const error = fields.error ?? 'promptfoo marked the row as an error without a message';
        const scenario = fields.scenario ? { scenario: fields.scenario } : {};
        const where = { row: raw.number, provider: fields.providerLabel, ...scenario };
        options.onProviderError?.({ ...where, error, lostAnswers: lost });
        options.onProgress?.(summary.rows);
        continue;
      }
      if (fields.output === null) {
        // Neither output nor error: promptfoo never writes this, so the file was edited or cut.
        throw new StratalignError(
          { file, field: `${raw.field}, field response.output` },
          'the row has neither output nor an error',
          'convert the unedited file promptfoo wrote',
        );
      }
      const scenario = requireVar(fields, 'scenario', where);
      const split = requireVar(fields, 'split', where);
      result = samplesFromRow(fields, scenario, split, {
        origin: options.origin ?? file,
        where,
        rowNumber: raw.number,
        catalogue,
        run: source.run,
        scenarios,
      });
    } catch (err) {
      if (!options.onUnreadableRow || !(err instanceof StratalignError)) throw err;
      summary.unreadableRows++;
      options.onUnreadableRow({ row: raw.number, error: err });
      continue;
    }
    resolved?.set(result.scenario.id, result.scenario);
    if (result.distribution) summary.distributionRows++;
    addMissing(summary, result.missing);
    for (const sample of result.samples) {
      summary.samples++;
      if (sample.text === null) summary.choiceOnlySamples++;
      else summary.textSamples++;
      if (!sample.parse.ok)
        summary.parseFailures[sample.parse.failure] = (summary.parseFailures[sample.parse.failure] ?? 0) + 1;
      yield sample;
    }
    options.onProgress?.(summary.rows);
  }
}

function addMissing(summary: ConversionSummary, missing: SampleEnvelope['missing']): void {
  if (missing.count === 0) return;
  summary.missingSamples += lostSamples(missing);
  summary.exhaustedReplays += missing.exhausted ?? 0;
  addLostByKind(summary, lostSamples(missing), missing.byKind?.filter((k) => k.kind !== 'recording-exhausted') ?? null);
  const reasons = missing.reasons.length > 0 ? missing.reasons : ['(no reason given)'];
  for (const reason of new Set(reasons)) {
    const known = reason in summary.missingReasonRows || Object.keys(summary.missingReasonRows).length < MAX_REASONS;
    const key = known ? reason : OTHER_REASONS;
    summary.missingReasonRows[key] = (summary.missingReasonRows[key] ?? 0) + 1;
  }
}

/** Adds `lost` answers by their kinds; kinds that do not account for exactly `lost` count as unreported. */
function addLostByKind(summary: ConversionSummary, lost: number, byKind: readonly MissingAnswers[] | null): void {
  if (lost === 0) return;
  const add = (kind: MissingKind | 'unreported', count: number) => {
    summary.lostByKind[kind] = (summary.lostByKind[kind] ?? 0) + count;
  };
  if (byKind && byKind.reduce((sum, k) => sum + k.count, 0) === lost) for (const k of byKind) add(k.kind, k.count);
  else add('unreported', lost);
}

/** The structured missing answers a stratalign error row carries under `metadata.stratalign.missing.byKind`. */
function missingByKindOf(meta: StratalignMeta): MissingAnswers[] | null {
  const missing = meta.missing;
  return missing && typeof missing === 'object' ? readMissingByKind((missing as { byKind?: unknown }).byKind) : null;
}
