import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultCatalogue } from '../catalogue/index.js';
import { readCountsTable } from '../recordings/counts-table.js';
import { sequentialSavings, type SavingsOptions } from '../eval/sequential/savings.js';
import { renderSavings } from '../eval/sequential/render-savings.js';
import { SEQUENTIAL_DESIGNS, type SequentialDesignKind } from '../eval/sequential/stopping-rule.js';
import { UsageError, type Command } from '../shared/command.js';

/** The paper's counts, found next to the package rather than in whatever folder the command runs from. */
const PAPER_COUNTS = 'datasets/recordings/lfb-counts.csv';
const PAPER_COUNTS_FILE = fileURLToPath(new URL(`../../${PAPER_COUNTS}`, import.meta.url));

const USAGE = `Usage: stratalign sequential-savings [options]

Simulates sequential sampling on a recording: every model's recorded distribution per scenario
is taken as the truth and the reference model's (the teacher's) as the reference; the gate
"is |p - teacher| within the tolerance?" is sampled until the design settles it (or stops it as
futile, or the cap is reached) and compared with the recording's fixed design. The draws are
simulated from recorded counts; no model is called. Exact figures for both designs, with the
teacher's noise, side by side with the simple design: npm run bench -- --only g.

Options:
  --counts <file>        counts table (default: the paper's, ${PAPER_COUNTS} in the package)
  --tolerance <x>        largest |p - teacher| that counts as aligned (default 0.1)
  --level <x>            confidence level: wrong-decision rate on the boundary at most 1 - level (default 0.95)
  --design <d>           group-sequential (default: the providers' default, a fixed cap) or
                         always-valid (looks at any time, open-ended caps)
  --teacher-answers <n>  draw each run's teacher share from n answers around the recorded one, so
                         the teacher's noise is in the decisions (slower: one design per share);
                         without it the recorded share is held fixed as if exact
  --runs <n>             simulated runs per model and scenario (default 200)
  --seed <s>             random seed (default 1)
  --batch <n>            answers drawn between looks (default 10)
  --cap <n>              most calls per scenario (default 300)
  --fixed <n>            calls per scenario of the fixed design compared with (default 300)
  --reference-role <r>   role of the reference model in the table (default teacher)
  --reference-model <m>  reference model by label instead of role
  --scenarios            also print one line per model and scenario
  --json                 print the full report as JSON instead of tables
`;

export const sequentialCommand: Command = {
  name: 'sequential-savings',
  summary: 'Simulate sequential sampling on recorded distributions: calls saved vs a fixed design',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseOptions(args);
    const file = values.counts === undefined ? PAPER_COUNTS_FILE : resolve(io.cwd, values.counts);
    const catalogue = defaultCatalogue();
    const options: SavingsOptions = {
      tolerance: number(values.tolerance, '--tolerance'),
      level: number(values.level, '--level'),
      runs: integer(values.runs, '--runs'),
      seed: values.seed,
      batch: integer(values.batch, '--batch'),
      cap: integer(values.cap, '--cap'),
      fixedCalls: integer(values.fixed, '--fixed'),
      reference: values['reference-model'] ? { model: values['reference-model'] } : { role: values['reference-role'] },
      origin: values.counts ?? PAPER_COUNTS,
      design: design(values.design),
      ...(values['teacher-answers'] === undefined
        ? {}
        : { teacherAnswers: integer(values['teacher-answers'], '--teacher-answers') }),
    };
    const report = sequentialSavings(readCountsTable(file, catalogue), catalogue, options);
    io.stdout.write(
      values.json ? `${JSON.stringify(report, null, 2)}\n` : renderSavings(report, { perScenario: values.scenarios }),
    );
    return 0;
  },
};

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: false,
      options: {
        counts: { type: 'string' },
        tolerance: { type: 'string', default: '0.1' },
        level: { type: 'string', default: '0.95' },
        runs: { type: 'string', default: '200' },
        seed: { type: 'string', default: '1' },
        batch: { type: 'string', default: '10' },
        cap: { type: 'string', default: '300' },
        fixed: { type: 'string', default: '300' },
        'reference-role': { type: 'string', default: 'teacher' },
        'reference-model': { type: 'string' },
        design: { type: 'string', default: 'group-sequential' },
        'teacher-answers': { type: 'string' },
        scenarios: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function design(text: string): SequentialDesignKind {
  if ((SEQUENTIAL_DESIGNS as readonly string[]).includes(text)) return text as SequentialDesignKind;
  throw new UsageError(`--design must be one of ${SEQUENTIAL_DESIGNS.join(', ')}, got ${JSON.stringify(text)}`);
}

function number(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new UsageError(`${flag} must be a number, got ${JSON.stringify(text)}`);
  return value;
}

function integer(text: string, flag: string): number {
  const value = number(text, flag);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`${flag} must be a whole number, 1 or more, got ${JSON.stringify(text)}`);
  return value;
}
