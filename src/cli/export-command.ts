import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCatalogue } from '../catalogue/index.js';
import { stderrProgress } from '../recordings/convert/progress.js';
import { createConversionSummary } from '../recordings/convert/promptfoo-results.js';
import { readLocatedSamples, sampleInputKind } from '../recordings/convert/read-samples.js';
import { TARGET_STYLES, type TargetStyle } from '../export/example.js';
import { exportDatasets } from '../export/export-datasets.js';
import { EXPORT_FORMATS, findExportFormat } from '../export/formats/registry.js';
import type { ExportManifest } from '../export/manifest.js';
import { parseTokenizerId, TOKENIZER_DESCRIPTIONS, TOKENIZER_IDS } from '../export/token-count.js';
import { sanitizeForTerminal } from '../shared/terminal.js';
import { UsageError, type Command, type CommandIO } from '../shared/command.js';
import { withInterrupt } from './interrupt.js';

const USAGE = `Usage: stratalign export <recording.jsonl|results.json|results.jsonl> --format <id>[,<id>...] --out <dir>
         --protocol reasoned|letter-only|structured [--role teacher | --model <label>] [--target raw|normalised|action]
         [--keep-unparseable] [--dedupe] [--cap N] [--validation 0.1] [--seed 42]
         [--holdout-context <id|alias>]... [--holdout-game <id|alias>]... [--name stratalign]
         [--max-tokens N [--tokenizer ${TOKENIZER_IDS.join('|')}]] [--balance-labels] [--progress]

Turns the teacher's answers into fine-tuning datasets. Each example is the scenario prompt as
the model sees it under --protocol and the teacher's answer with its motivation as the target.
--protocol must be the protocol the answers were collected under (recorded with every live
sample); another one is an error. Every format goes to <dir>/<format>/: train.jsonl,
validation.jsonl, manifest.json (counts per scenario, provenance, sha256 of every file) and, for
LLaMA-Factory, dataset_info.json. Every line is validated against its format first; all files
of all formats are staged and published together, so a failure at any point leaves the
previous export as it was. An empty train split, or one below the trainer's minimum (OpenAI:
10 examples), is an error.

Formats: ${EXPORT_FORMATS.map((f) => f.id).join(', ')} (or "all")
${EXPORT_FORMATS.map((f) => `  ${f.id.padEnd(22)} ${f.describe}`).join('\n')}

Options:
  --role <role> | --model <label>  whose answers to export (default: --role teacher)
  --target raw           the answer exactly as written (default); normalised: "<action>\\n\\n<motivation>";
                         action: the parsed action alone (answers without a motivation are dropped
                         and counted as no-motivation unless --target action)
                         --protocol structured: the JSON object {"motivation", "answer"} as the target,
                         raw as the API returned it, normalised in schema order; re-read strictly
                         (a schema-violation is dropped and counted); no --target action
  --keep-unparseable     keep answers that could not be parsed or refused (default: drop and count them)
  --dedupe               drop repeated (scenario, target) pairs
  --cap N                at most N examples per scenario (the first N kept, in input order)
  --validation F         share of each scenario's examples for validation, 0 to <1 (default 0.1)
  --seed S               seed of the split (default 42)
  --holdout-context X    leave every scenario of context X out of both splits (repeatable)
  --holdout-game Y       leave every scenario of game Y out of both splits (repeatable)
  --name N               dataset name in dataset_info.json entries (default stratalign)
  --balance-labels       keep the same number of examples for every label variant of a scenario
                         (business/stag-hunt, ~swapped, ~neutral-jf, ...): the smallest count any
                         variant has; the rest are dropped as label-balance. Reads the input twice.
  --max-tokens N         drop (and count as too-long) examples over N tokens, prompt and target
                         together, counted by the real tokenizer of each format's target models
  --tokenizer T          count with T for every format instead of each format's own
${TOKENIZER_IDS.map((id) => `                           ${id.padEnd(7)} ${TOKENIZER_DESCRIPTIONS[id]}`).join('\n')}
                         (default: o200k for openai-chat, llama2 for the others)
`;

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export teacher answers as fine-tuning datasets (OpenAI, TRL, LLaMA-Factory, Together)',
  usage: USAGE,
  run: (args, io) => withInterrupt(io, 'export', (signal) => runExport(args, io, signal)),
};

const OPTIONS = {
  format: { type: 'string' },
  out: { type: 'string' },
  protocol: { type: 'string' },
  role: { type: 'string' },
  model: { type: 'string' },
  target: { type: 'string', default: 'raw' },
  'keep-unparseable': { type: 'boolean' },
  dedupe: { type: 'boolean' },
  cap: { type: 'string' },
  validation: { type: 'string', default: '0.1' },
  seed: { type: 'string', default: '42' },
  'holdout-context': { type: 'string', multiple: true },
  'holdout-game': { type: 'string', multiple: true },
  name: { type: 'string', default: 'stratalign' },
  'max-tokens': { type: 'string' },
  tokenizer: { type: 'string' },
  progress: { type: 'boolean' },
  'balance-labels': { type: 'boolean' },
} as const;

async function runExport(args: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseOptions(args);
  if (positionals.length !== 1)
    throw new UsageError('give exactly one input: a recording (.jsonl) or promptfoo results');
  if (!values.out) throw new UsageError('--out is required');
  if (!values.protocol)
    throw new UsageError(
      '--protocol is required (reasoned, letter-only or structured): it decides the prompt text of every example',
    );
  if (values.role && values.model) throw new UsageError('give --role or --model, not both');
  if (!(TARGET_STYLES as readonly string[]).includes(values.target))
    throw new UsageError(`--target must be one of ${TARGET_STYLES.join(', ')}`);
  const catalogue = defaultCatalogue();
  const input = resolve(io.cwd, positionals[0]!);
  const origin = relative(io.cwd, input) || input;
  const kind = sampleInputKind(input);
  const conversion = createConversionSummary(input);
  const progress = stderrProgress(io.stderr, {
    asked: Boolean(values.progress),
    label: `export ${positionals[0]}`,
    unit: 'samples',
  });
  const manifests = await exportDatasets(readLocatedSamples(input, catalogue, { origin, summary: conversion }), {
    formats: parseFormats(values.format),
    outDir: resolve(io.cwd, values.out),
    catalogue,
    protocol: catalogue.protocol(values.protocol, { field: '--protocol' }),
    selector: values.model ? { model: values.model } : { role: values.role ?? 'teacher' },
    target: values.target as TargetStyle,
    keepUnparseable: Boolean(values['keep-unparseable']),
    dedupe: Boolean(values.dedupe),
    cap: values.cap === undefined ? null : parseNumber('--cap', values.cap),
    validation: parseNumber('--validation', values.validation),
    seed: /^-?\d+$/.test(values.seed) ? Number(values.seed) : values.seed,
    holdout: { contexts: values['holdout-context'] ?? [], games: values['holdout-game'] ?? [] },
    name: values.name,
    maxTokens: values['max-tokens'] === undefined ? null : parseNumber('--max-tokens', values['max-tokens']),
    tokenizer: values.tokenizer === undefined ? null : parseTokenizerId(values.tokenizer, '--tokenizer'),
    onNote: (note) => io.stderr.write(`stratalign export: ${sanitizeForTerminal(note)}\n`),
    source: { origin, kind, ...(kind === 'promptfoo-results' ? { conversion } : {}) },
    signal,
    onProgress: (n) => progress.tick(n),
    ...(values['balance-labels'] ? { balanceLabels: () => readLocatedSamples(input, catalogue, { origin }) } : {}),
  });
  progress.finish(manifests[0]?.totals.read ?? 0);
  for (const m of manifests) io.stdout.write(`${sanitizeForTerminal(describeManifest(m, values.out))}\n`);
  if (kind === 'promptfoo-results' && conversion.providerErrors > 0) {
    const rows = `${conversion.providerErrors} provider-error rows (${conversion.errorRowAnswers} answers asked for)`;
    const see = 'see `stratalign convert --errors`';
    io.stderr.write(`stratalign export: ${rows} in the input are not samples and were not exported (${see})\n`);
  }
  return 0;
}

function parseFormats(value: string | undefined) {
  if (!value)
    throw new UsageError(`--format is required: one or more of ${EXPORT_FORMATS.map((f) => f.id).join(', ')}, or all`);
  if (value === 'all') return EXPORT_FORMATS;
  return [...new Set(value.split(',').map((s) => s.trim()))].map((id) => {
    const format = findExportFormat(id);
    if (!format)
      throw new UsageError(`unknown format "${id}"; use ${EXPORT_FORMATS.map((f) => f.id).join(', ')} or all`);
    return format;
  });
}

function parseNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`${flag} must be a number (got ${JSON.stringify(value)})`);
  return n;
}

function describeManifest(m: ExportManifest, out: string): string {
  const t = m.totals;
  const dropped =
    Object.entries(t.dropped)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  const files = m.files
    .filter((f) => f.split !== null)
    .map((f) => `${f.name} ${f.lines}`)
    .join(', ');
  const warn = m.warnings.length > 0 ? `; warning: ${m.warnings.join('; ')}` : '';
  return (
    `${m.format}: ${t.train} train + ${t.validation} validation examples in ${out}/${m.format}/ (${files}); ` +
    `of ${t.read} selected samples: dropped ${dropped}; deduped ${t.deduped}; capped ${t.capped}; held out ` +
    `${t.heldOut}; ${t.notSelected} samples of other models${warn}`
  );
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
