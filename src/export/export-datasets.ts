import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalogue, Protocol } from '../catalogue/catalogue.js';
import { StratalignError, type ErrorLocation } from '../errors.js';
import { TurnYielder } from '../convert/progress.js';
import type { ConversionSummary } from '../convert/promptfoo-results.js';
import type { LocatedSample } from '../convert/read-samples.js';
import { requireContext, requireGame } from '../scenarios/scenario.js';
import { AtomicFile } from './atomic-file.js';
import { commitOutput, type FormatOutput } from './commit-output.js';
import { ExampleFilter } from './example-filter.js';
import type { TargetStyle } from './example.js';
import type { ExportFormat } from './formats/format.js';
import { totalCounts, type ExportManifest, type SourceSummary } from './manifest.js';
import { SourceTracker } from './source-tracker.js';
import { labelQuotas } from './label-balance.js';
import { planSplit, type SplitName } from './split.js';

export type { LocatedSample };

export type ExportOptions = {
  formats: readonly ExportFormat[];
  /** Each format is written to `<outDir>/<format id>/`. */
  outDir: string;
  catalogue: Catalogue;
  protocol: Protocol;
  selector: { role?: string; model?: string };
  target: TargetStyle;
  keepUnparseable: boolean;
  dedupe: boolean;
  cap: number | null;
  validation: number;
  seed: string | number;
  holdout: { contexts: readonly string[]; games: readonly string[] };
  /** Dataset name used in trainer configs (LLaMA-Factory's dataset_info.json entries). */
  name: string;
  /** Where the samples come from; for promptfoo results, the summary the converter fills in as it reads. */
  source: { origin: string; kind: SourceSummary['kind']; conversion?: ConversionSummary };
  signal?: AbortSignal;
  onProgress?: (samplesRead: number) => void;
  /**
   * --balance-labels: a second, independent read of the same input. A first pass counts what each
   * label variant of a scenario would keep; every variant then keeps the smallest of those counts.
   */
  balanceLabels?: () => AsyncIterable<LocatedSample>;
};


/** Thrown when the signal aborts; every temp file has been removed by then. */
export class ExportInterrupted extends Error {
  constructor() {
    super('export interrupted; no output file was written');
    this.name = 'ExportInterrupted';
  }
}

/**
 * Streams samples into fine-tuning datasets, one directory per format, each with a manifest.
 * Every line is validated against its format before it is written; all files go to temp files
 * and are renamed into place only when the whole input was read without error, manifest last.
 * Memory: per-scenario counters, the dedupe hashes and ~1 MiB write buffer per file.
 */
export async function exportDatasets(samples: AsyncIterable<LocatedSample>, options: ExportOptions): Promise<ExportManifest[]> {
  checkOptions(options);
  const holdout = {
    contexts: new Set(options.holdout.contexts.map((c) => requireContext(options.catalogue, c, { field: '--holdout-context' }).id)),
    games: new Set(options.holdout.games.map((g) => requireGame(options.catalogue, g, { field: '--holdout-game' }).id)),
  };
  const split = planSplit(options.validation, options.seed);
  const { selector } = options;
  const isSelected = (sample: LocatedSample['sample']) =>
    selector.model ? sample.model === selector.model : sample.role === selector.role;
  const balance = options.balanceLabels
    ? await labelQuotas(options.balanceLabels(), isSelected, { ...options, split, holdout }, options.catalogue)
    : null;
  const filter = new ExampleFilter({ ...options, split, holdout, ...(balance ? { quotas: balance.quotas } : {}) });
  const tracker = new SourceTracker();
  const outputs = options.formats.map((format) => openOutput(format, options));
  const all = () => outputs.flatMap((o) => [...o.files.values()]);
  const turns = new TurnYielder();
  let read = 0;
  let notSelected = 0;
  try {
    for await (const { sample, where } of samples) {
      await turns.maybe();
      if (options.signal?.aborted) throw new ExportInterrupted();
      options.onProgress?.(++read);
      const selected = isSelected(sample);
      tracker.see(sample, selected);
      if (!selected) {
        notSelected++;
        continue;
      }
      const accepted = filter.accept(sample);
      if (accepted) for (const output of outputs) writeExample(output, accepted.example, accepted.split, where);
    }
    if (options.signal?.aborted) throw new ExportInterrupted();
    const counts = filter.counts();
    const totals = totalCounts(counts.values(), notSelected);
    if (totals.read === 0) {
      const who = options.selector.model ? `model "${options.selector.model}"` : `role "${options.selector.role}"`;
      throw new StratalignError({ file: options.source.origin, value: options.selector }, `no samples of ${who}`, `select one of: ${tracker.modelList()}`);
    }
    if (totals.kept === 0) throw new StratalignError({ file: options.source.origin }, `no sample could be exported (${JSON.stringify(totals.dropped)} dropped, ${totals.heldOut} held out)`, 'export samples with text; counts-only recordings have no answer text to train on');
    const source = tracker.summary(options.source.origin, options.source.kind, options.source.conversion);
    const scenarios = filter.heldOutScenarios();
    const heldOut = { contexts: [...holdout.contexts], games: [...holdout.games], scenarios };
    const notes = balance ? { notes: balance.warnings } : {};
    return outputs.map((output) => commitOutput(output, { options, split, counts, totals, source, heldOut, ...notes }));
  } catch (err) {
    for (const file of all()) file.discard();
    throw err;
  }
}

function checkOptions(options: ExportOptions): void {
  if (!(options.validation >= 0 && options.validation < 1)) throw new StratalignError({ field: '--validation', value: options.validation }, 'validation share must be at least 0 and below 1', 'use e.g. 0.1 for 10 %');
  if (options.cap !== null && !(Number.isInteger(options.cap) && options.cap >= 1)) throw new StratalignError({ field: '--cap', value: options.cap }, 'cap must be a whole number of examples, 1 or more', 'use e.g. --cap 300');
  if (options.keepUnparseable && options.target !== 'raw') throw new StratalignError({ field: '--keep-unparseable', value: options.target }, `unparseable answers have no action for a ${options.target} target`, 'use --target raw with --keep-unparseable');
  if (options.formats.length === 0) throw new StratalignError({ field: '--format' }, 'no export format given', 'name one or more formats');
}

function openOutput(format: ExportFormat, options: ExportOptions): FormatOutput {
  const dir = join(options.outDir, format.id);
  mkdirSync(dir, { recursive: true });
  const files = new Map<SplitName, AtomicFile>([['train', new AtomicFile(join(dir, 'train.jsonl'))]]);
  if (options.validation > 0) files.set('validation', new AtomicFile(join(dir, 'validation.jsonl')));
  return { format, dir, files };
}

function writeExample(output: FormatOutput, example: Parameters<ExportFormat['toLine']>[0], split: SplitName, where: ErrorLocation): void {
  const line = output.format.toLine(example);
  const check = output.format.validate(line);
  const file = output.files.get(split)!;
  if (!check.ok) {
    throw new StratalignError(
      { ...where, field: `${where.field ?? 'sample'} -> ${output.format.id} ${split} line ${file.lines + 1}, field ${check.field}` },
      `the example is not a valid ${output.format.id} line: ${check.problem}`,
      'drop unusable answers (leave out --keep-unparseable) or fix that sample in the recording; nothing was written',
    );
  }
  file.writeLine(JSON.stringify(line));
}
