import { join } from 'node:path';
import { StratalignError, type ErrorLocation } from '../shared/errors.js';
import { TurnYielder } from '../recordings/convert/progress.js';
import type { LocatedSample } from '../recordings/convert/read-samples.js';
import { requireContext, requireGame } from '../catalogue/scenarios/scenario.js';
import { AtomicFile } from '../shared/files/atomic-file.js';
import { commitOutput, countsOf, type FormatOutput } from './commit-output.js';
import type { ExportOptions } from './export-options.js';
import { ExampleFilter } from './example-filter.js';
import type { Example } from './example.js';
import type { ExportFormat } from './formats/format.js';
import { totalCounts, type ExportManifest, type ScenarioCounts } from './manifest.js';
import { ProtocolCheck } from './protocol-check.js';
import { isStructuredProtocol } from '../catalogue/structured/answer-schema.js';
import { SourceTracker } from './source-tracker.js';
import { labelQuotas } from './label-balance.js';
import { planSplit, type SplitName } from './split.js';
import { recoverInterrupted, StagedExport } from './staged-export.js';
import { TokenCounts, type TokenizerId } from './token-count.js';
import { loneSurrogateAt } from './well-formed.js';

export type { LocatedSample };

export type { ExportOptions } from './export-options.js';

/** Thrown when the signal aborts; every temp file has been removed by then. */
export class ExportInterrupted extends Error {
  constructor() {
    super('export interrupted; no output file was written');
    this.name = 'ExportInterrupted';
  }
}

/**
 * Streams samples into fine-tuning datasets, one directory per format, each with a manifest.
 * Every line is validated against its format before it is written. Every file of every format is
 * written into a staging directory first; only when all of them are complete are the format
 * directories swapped in (StagedExport), so an error at any point, the last file included,
 * leaves the previous export byte for byte.
 * Memory: per-scenario counters, the dedupe hashes and ~1 MiB write buffer per file.
 */
export async function exportDatasets(
  samples: AsyncIterable<LocatedSample>,
  options: ExportOptions,
): Promise<ExportManifest[]> {
  checkOptions(options);
  const holdout = {
    contexts: new Set(
      options.holdout.contexts.map((c) => requireContext(options.catalogue, c, { field: '--holdout-context' }).id),
    ),
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
  const protocols = new ProtocolCheck(options.protocol, options.catalogue);
  const maxTokens = options.maxTokens ?? null;
  const tokenizers = options.formats.map((f) => tokenizerOf(f, options));
  const tokens = maxTokens === null ? null : await TokenCounts.load(tokenizers);
  for (const note of recoverInterrupted(options.outDir)) options.onNote?.(note);
  const stage = new StagedExport(options.outDir, options.onStep);
  const outputs: FormatOutput[] = [];
  const all = () => outputs.flatMap((o) => [...o.files.values()]);
  const turns = new TurnYielder();
  let read = 0;
  let notSelected = 0;
  try {
    for (const format of options.formats) outputs.push(openOutput(format, stage, options));
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
      protocols.check(sample, where);
      const accepted = filter.accept(sample);
      if (!accepted) continue;
      requireWellFormed(accepted.example, where);
      for (const output of outputs) {
        const n = tokens && output.tokenizer ? tokens.of(accepted.example, output.tokenizer) : 0;
        if (maxTokens !== null && n > maxTokens) countTooLong(output, accepted.example.scenario, accepted.split);
        else writeExample(output, accepted.example, accepted.split, where);
      }
    }
    if (options.signal?.aborted) throw new ExportInterrupted();
    const shared = filter.counts();
    const totals = totalCounts(shared.values(), notSelected);
    if (totals.read === 0) {
      const who = options.selector.model ? `model "${options.selector.model}"` : `role "${options.selector.role}"`;
      throw new StratalignError(
        { file: options.source.origin, value: options.selector },
        `no samples of ${who}`,
        `select one of: ${tracker.modelList()}`,
      );
    }
    if (totals.kept === 0) {
      const why = `no sample could be exported (${JSON.stringify(totals.dropped)} dropped, ${totals.heldOut} held out)`;
      const bare = totals.dropped['no-motivation'] && options.target !== 'action';
      const fix = bare ? BARE_ANSWERS : NO_TEXT;
      throw new StratalignError({ file: options.source.origin }, why, fix);
    }
    const perFormat = outputs.map((output) => ({ output, counts: countsOf(shared, output) }));
    for (const { output, counts } of perFormat) {
      requireTrainSplit(output.format, totalCounts(counts.values(), notSelected), options);
    }
    const source = tracker.summary(options.source.origin, options.source.kind, options.source.conversion);
    const scenarios = filter.heldOutScenarios();
    const heldOut = { contexts: [...holdout.contexts], games: [...holdout.games], scenarios };
    const protocol = protocols.summary();
    const notes = balance ? { notes: balance.warnings } : {};
    const manifests = perFormat.map(({ output, counts }) => {
      const totals = totalCounts(counts.values(), notSelected);
      return commitOutput(output, { options, split, counts, totals, source, heldOut, protocol, stage, ...notes });
    });
    stage.publish(outputs.map((o) => o.format.id));
    return manifests;
  } catch (err) {
    for (const file of all()) file.discard();
    stage.abandon();
    throw err;
  }
}

const NO_TEXT = 'export samples with text; counts-only recordings have no answer text to train on';
const BARE_ANSWERS = 'answers without a motivation (letter-only runs) export with --target action';

/** The tokenizer that counts this format's examples: the one asked for, or the format's own. */
function tokenizerOf(format: ExportFormat, options: ExportOptions): TokenizerId {
  return options.tokenizer ?? format.tokenizer;
}

function countTooLong(output: FormatOutput, scenario: string, split: SplitName): void {
  const entry = output.tooLong.get(scenario) ?? { train: 0, validation: 0 };
  entry[split]++;
  output.tooLong.set(scenario, entry);
}

/** Model text reaches the files as written; a lone surrogate has no UTF-8 form and trainers reject the file. */
function requireWellFormed(example: Example, where: ErrorLocation): void {
  const at = loneSurrogateAt(example.target);
  if (at === null) return;
  const unit = example.target.charCodeAt(at).toString(16).toUpperCase();
  throw new StratalignError(
    { ...where, field: `${where.field ?? 'sample'}, answer text at character ${at + 1}` },
    `the answer holds a lone UTF-16 surrogate (U+${unit}): it has no UTF-8 encoding, and trainers reject the file`,
    'fix or drop that sample (text cut in the middle of an emoji or other 4-byte character); nothing was written',
  );
}

/**
 * A trainer rejects an empty training file, and OpenAI one with fewer than 10 examples: better to
 * say so now, with what became of the answers, than after an upload.
 */
function requireTrainSplit(format: ExportFormat, totals: ExportManifest['totals'], options: ExportOptions): void {
  const needed = Math.max(1, format.minTrainExamples ?? 1);
  if (totals.train >= needed) return;
  const dropped =
    Object.entries(totals.dropped)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  const fate =
    `of ${totals.read} selected samples: dropped ${dropped}; deduped ${totals.deduped}; capped ${totals.capped}; ` +
    `held out ${totals.heldOut}; validation ${totals.validation}`;
  const trainer = format.trainer ?? 'the trainer';
  const problem =
    totals.train === 0
      ? `the train split is empty (${fate})`
      : `the train split would hold ${totals.train} example(s); ${trainer} needs at least ${needed} (${fate})`;
  const hints: string[] = [];
  if ((totals.dropped['no-motivation'] ?? 0) > 0 && options.target !== 'action') hints.push(BARE_ANSWERS);
  if ((totals.dropped['too-long'] ?? 0) > 0) hints.push('raise --max-tokens');
  if (totals.validation > 0) hints.push('lower --validation');
  hints.push('collect more answers, or leave this format out');
  const where = { file: options.source.origin, field: `--format ${format.id}` };
  throw new StratalignError(where, `${problem}; nothing was written`, hints.join('; '));
}

function checkOptions(options: ExportOptions): void {
  if (!(options.validation >= 0 && options.validation < 1))
    throw new StratalignError(
      { field: '--validation', value: options.validation },
      'validation share must be at least 0 and below 1',
      'use e.g. 0.1 for 10 %',
    );
  if (options.cap !== null && !(Number.isInteger(options.cap) && options.cap >= 1))
    throw new StratalignError(
      { field: '--cap', value: options.cap },
      'cap must be a whole number of examples, 1 or more',
      'use e.g. --cap 300',
    );
  if (options.keepUnparseable && options.target !== 'raw')
    throw new StratalignError(
      { field: '--keep-unparseable', value: options.target },
      `unparseable answers have no action for a ${options.target} target`,
      'use --target raw with --keep-unparseable',
    );
  if (isStructuredProtocol(options.protocol) && options.target === 'action') {
    const problem =
      'a structured answer is the JSON object with its motivation; ' +
      'a bare action would teach the student to break the schema it is asked under';
    const fix =
      'use --target normalised (the object in schema order) or raw (as the API returned it) with --protocol structured';
    throw new StratalignError({ field: '--target', value: options.target }, problem, fix);
  }
  if (options.formats.length === 0)
    throw new StratalignError({ field: '--format' }, 'no export format given', 'name one or more formats');
  const max = options.maxTokens;
  if (max !== null && max !== undefined && !(Number.isInteger(max) && max >= 1)) {
    const problem = 'the token limit must be a whole number, 1 or more';
    throw new StratalignError({ field: '--max-tokens', value: max }, problem, 'use e.g. --max-tokens 2048');
  }
}

function openOutput(format: ExportFormat, stage: StagedExport, options: ExportOptions): FormatOutput {
  const dir = stage.formatDir(format.id);
  const files = new Map<SplitName, AtomicFile>([['train', new AtomicFile(join(dir, 'train.jsonl'))]]);
  if (options.validation > 0) files.set('validation', new AtomicFile(join(dir, 'validation.jsonl')));
  const tokenizer = options.maxTokens === null || options.maxTokens === undefined ? null : tokenizerOf(format, options);
  return { format, dir, files, tokenizer, tooLong: new Map<string, Pick<ScenarioCounts, 'train' | 'validation'>>() };
}

function writeExample(
  output: FormatOutput,
  example: Parameters<ExportFormat['toLine']>[0],
  split: SplitName,
  where: ErrorLocation,
): void {
  const line = output.format.toLine(example);
  const check = output.format.validate(line);
  const file = output.files.get(split)!;
  if (!check.ok) {
    throw new StratalignError(
      {
        ...where,
        field:
          `${where.field ?? 'sample'} -> ${output.format.id} ${split} line ${file.lines + 1}, field ` +
          `${check.field}`,
      },
      `the example is not a valid ${output.format.id} line: ${check.problem}`,
      'drop unusable answers (leave out --keep-unparseable) or fix that sample in the recording; nothing was written',
    );
  }
  file.writeLine(JSON.stringify(line));
}
