import { READINGS_LABEL } from '../recordings/logprob-reading.js';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Catalogue } from '../catalogue/catalogue.js';
import { defaultCatalogue } from '../catalogue/index.js';
import { stderrProgress, TurnYielder } from '../recordings/convert/progress.js';
import { createConversionSummary, type ConversionSummary } from '../recordings/convert/promptfoo-results.js';
import { readLocatedSamples } from '../recordings/convert/read-samples.js';
import { writeFileAtomic } from '../shared/files/atomic-file.js';
import { answersFileKind } from '../recordings/answers-file.js';
import { unreadableFile } from '../shared/files/file-errors.js';
import { readCountsTable } from '../recordings/counts-table.js';
import { TallyBuilder } from '../recordings/load-tallies.js';
import type { Tally } from '../recordings/types.js';
import { buildReference, formatReference } from '../recordings/reference/build-reference.js';
import { sanitizeForTerminal } from '../shared/terminal.js';
import { UsageError, type Command, type CommandIO } from '../shared/command.js';
import { withInterrupt } from './interrupt.js';

const USAGE =
  `Usage: stratalign reference <recording.jsonl|results.json|results.jsonl|counts.csv> (--role ` +
  `<role> | --model <label>)
         --out <reference.json> [--min-valid 30] [--allow-thin] [--progress]

Builds the reference choice distribution per scenario, the file the alignment assertion reads
(\`reference:\` in its config): counts per action, n valid answers, parse failures, proportions,
a 95 % interval (Wilson for the cooperative option's share; Student-t for mean amounts), the
split, and the source (input path, its sha256, the command that built it).

Options:
  --role <role>      take the model with this role (e.g. teacher)
  --model <label>    take the model with this label instead
  --min-valid N      fewest valid answers a scenario may have (default 30)
  --allow-thin       keep scenarios under the minimum, marked "thin": true, instead of failing
  --progress         print progress on stderr even when it is not a terminal
`;

export const referenceCommand: Command = {
  name: 'reference',
  summary: "Build a reference choice distribution (the teacher's) from a recording, promptfoo results or counts",
  usage: USAGE,
  run: (args, io) => withInterrupt(io, 'reference', (signal) => runReference(args, io, signal)),
};

const OPTIONS = {
  role: { type: 'string' },
  model: { type: 'string' },
  out: { type: 'string' },
  'min-valid': { type: 'string', default: '30' },
  'allow-thin': { type: 'boolean' },
  progress: { type: 'boolean' },
} as const;

async function runReference(args: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseOptions(args);
  if (positionals.length !== 1) throw new UsageError('give exactly one input file');
  if (!values.out) throw new UsageError('--out is required');
  if (Boolean(values.role) === Boolean(values.model))
    throw new UsageError('give --role or --model (exactly one): which model is the reference');
  const minValid = Number(values['min-valid']);
  if (!Number.isInteger(minValid) || minValid < 1)
    throw new UsageError('--min-valid must be a whole number, 1 or more');
  const catalogue = defaultCatalogue();
  const input = resolve(io.cwd, positionals[0]!);
  const origin = relative(io.cwd, input) || input;
  const summary = createConversionSummary(input);
  const tallies =
    answersFileKind(input) === 'counts-table'
      ? readCountsTable(input, catalogue)
      : await talliesOf(input, origin, catalogue, summary, io, Boolean(values.progress), signal);
  const selector = values.model ? { model: values.model } : { role: values.role! };
  const built = [
    'stratalign reference',
    values.model ? `--model ${values.model}` : `--role ${values.role}`,
    `--min-valid ${minValid}`,
    values['allow-thin'] ? '--allow-thin' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const reference = buildReference(tallies, {
    selector,
    catalogue,
    origin,
    built,
    sha256: await sha256File(input),
    minValid,
    allowThin: Boolean(values['allow-thin']),
  });
  writeFileAtomic(resolve(io.cwd, values.out), formatReference(reference));
  const entries = Object.entries(reference.scenarios);
  const thin = entries.filter(([, e]) => e.thin).map(([id, e]) => `${id} (${e.n})`);
  const ns = entries.map(([, e]) => e.n);
  const lines = [
    `reference for ${reference.model} (role ${reference.role ?? 'none'}, ${reference.source.kind}) written to ` +
      `${values.out}: ${entries.length} scenarios, ${Math.min(...ns)}-${Math.max(...ns)} valid answers each`,
  ];
  const readings = entries.reduce((sum, [, e]) => sum + (e.readings ?? 0), 0);
  const readingsLine =
    `${readings} of the answers are ${READINGS_LABEL}, each counted as its distribution ` + `(expected counts)`;
  if (readings > 0) lines.push(readingsLine);
  if (thin.length > 0)
    lines.push(`thin (fewer than ${minValid} valid answers, kept by --allow-thin): ${thin.join(', ')}`);
  if (summary.providerErrors > 0 || summary.missingSamples > 0) {
    const errorRows = `${summary.providerErrors} provider-error rows (${summary.errorRowAnswers} answers)`;
    lines.push(`input had ${errorRows} and ${summary.missingSamples} missing samples; they are not in the counts`);
  }
  io.stdout.write(`${lines.map(sanitizeForTerminal).join('\n')}\n`);
  return 0;
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function talliesOf(
  input: string,
  origin: string,
  catalogue: Catalogue,
  summary: ConversionSummary,
  io: CommandIO,
  showProgress: boolean,
  signal: AbortSignal,
): Promise<Tally[]> {
  const progress = stderrProgress(io.stderr, { asked: showProgress, label: `reference ${origin}`, unit: 'samples' });
  const turns = new TurnYielder();
  const builder = new TallyBuilder();
  let n = 0;
  for await (const { sample } of readLocatedSamples(input, catalogue, { origin, summary })) {
    await turns.maybe();
    if (signal.aborted) throw signal.reason;
    builder.add(sample);
    progress.tick(++n);
  }
  progress.finish(n);
  return builder.tallies();
}

function sha256File(file: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', (err) => fail(unreadableFile(file, err)))
      .on('end', () => done(hash.digest('hex')));
  });
}
