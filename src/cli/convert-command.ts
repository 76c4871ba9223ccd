import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCatalogue } from '../catalogue/index.js';
import { stderrProgress, TurnYielder } from '../recordings/convert/progress.js';
import {
  createConversionSummary,
  samplesFromPromptfooResults,
  type ConversionSummary,
} from '../recordings/convert/promptfoo-results.js';
import { AtomicFile } from '../shared/files/atomic-file.js';
import { formatSampleLine } from '../recordings/jsonl.js';
import { sanitizeForTerminal } from '../shared/terminal.js';
import { UsageError, type Command, type CommandIO } from '../shared/command.js';
import { withInterrupt } from './interrupt.js';

const USAGE =
  `Usage: stratalign convert <results.json|results.jsonl> --out <recording.jsonl> [--errors ` +
  `<errors.jsonl>] [--progress]

Converts promptfoo output (\`promptfoo eval -o results.json\`, or -o results.jsonl) into a
stratalign recording: one JSONL line per sample with scenario, split, model label, role, the raw
text, the parse result and provenance (eval id, config hash, promptfoo version, provider, model
id, seed, sampling mode, eval time). Envelope rows (N samples, replays) give one line per sample;
counts replays keep their recorded choice with no text. Provider errors are not samples: they are
counted and, with --errors, written one per line. The file is streamed (bounded memory) and the
outputs appear only when complete.

Options:
  --out <file>      recording to write (JSONL)
  --errors <file>   also write provider-error rows as JSONL: {row, provider, scenario, error}
  --progress        print progress on stderr even when it is not a terminal
`;

const CONVERT_OPTIONS = { out: { type: 'string' }, errors: { type: 'string' }, progress: { type: 'boolean' } } as const;

export const convertCommand: Command = {
  name: 'convert',
  summary: 'Convert promptfoo results into a stratalign recording (JSONL)',
  usage: USAGE,
  run: (args, io) => withInterrupt(io, 'convert', (signal) => convert(args, io, signal)),
};

async function convert(args: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseOptions(args);
  if (positionals.length !== 1) throw new UsageError('give exactly one promptfoo results file');
  if (!values.out) throw new UsageError('--out is required');
  const input = resolve(io.cwd, positionals[0]!);
  const out = new AtomicFile(resolve(io.cwd, values.out));
  const errors = values.errors ? new AtomicFile(resolve(io.cwd, values.errors)) : null;
  const summary = createConversionSummary(input);
  const progress = stderrProgress(io.stderr, {
    asked: Boolean(values.progress),
    label: `convert ${positionals[0]}`,
    unit: 'rows',
  });
  const turns = new TurnYielder();
  try {
    const samples = samplesFromPromptfooResults(input, defaultCatalogue(), {
      origin: relative(io.cwd, input) || input,
      summary,
      onProgress: (rows) => progress.tick(rows),
      onProviderError: (e) => errors?.writeLine(JSON.stringify(e)),
    });
    for await (const sample of samples) {
      await turns.maybe();
      if (signal.aborted) break;
      out.writeLine(formatSampleLine(sample));
    }
    if (signal.aborted) throw signal.reason;
    progress.finish(summary.rows);
    out.commit();
    errors?.commit();
  } catch (err) {
    out.discard();
    errors?.discard();
    throw err;
  }
  io.stdout.write(`${summaryLine(summary, values.out, values.errors)}\n`);
  return 0;
}

function summaryLine(s: ConversionSummary, out: string, errors: string | undefined): string {
  const failures =
    Object.entries(s.parseFailures)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ') || 'none';
  const parts = [
    `converted ${s.rows} rows: ${s.samples} samples written to ${out} (${s.textSamples} with text, ` +
      `${s.choiceOnlySamples} recorded choices without text)`,
    `${s.providerErrors} provider errors${s.providerErrors ? lostNote(s.errorRowAnswers, errors) : ''}`,
    `${s.missingSamples} samples missing from envelopes`,
    ...(s.exhaustedReplays > 0
      ? [`${s.exhaustedReplays} asked of replays past the end of their recording (not lost)`]
      : []),
    `parse failures: ${failures}`,
  ];
  if (s.distributionRows > 0) {
    const counted = 'report, gate and reference count each as its distribution, not the token it sampled';
    parts.push(`${s.distributionRows} rows are log-probability readings, kept with their distribution: ${counted}`);
  }
  if (s.run?.configHash === null && s.kind === 'jsonl')
    parts.push('JSONL output carries no config: config hash unknown');
  return sanitizeForTerminal(parts.join('; '));
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({ args, allowPositionals: true, options: CONVERT_OPTIONS });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function lostNote(answers: number, errors: string | undefined): string {
  return ` (${answers} answers lost${errors ? `, written to ${errors}` : '; not samples, use --errors to keep them'})`;
}
