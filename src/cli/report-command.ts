import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { defaultCatalogue } from '../catalogue/index.js';
import { StratalignError } from '../shared/errors.js';
import { buildReport, MIN_RESAMPLES, type ReportOptions } from '../report/build-report.js';
import { renderHtml } from '../report/render-html.js';
import { renderJson } from '../report/render-json.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { renderTerminal } from '../report/render-terminal.js';
import type { Report } from '../report/types.js';
import type { VerdictGate } from '../report/verdict.js';
import { evaluateChecks, implicitChecks } from '../report/gate/evaluate.js';
import { readGateFile, type GateFile } from '../report/gate/gate-file.js';
import { withCanonicalScopes } from '../report/gate/scope-aliases.js';
import { loadInputs, type LostAnswers } from '../recordings/load-tallies.js';
import { PROPORTION_METHODS, type ProportionMethod } from '../stats/proportion.js';
import { UsageError, type Command, type CommandIO } from '../shared/command.js';

/** Options shared by `report` and `gate`: which files, which models, how intervals are made. */
export const INPUT_OPTIONS = {
  base: { type: 'string' },
  student: { type: 'string', multiple: true },
  teacher: { type: 'string' },
  interval: { type: 'string' },
  resamples: { type: 'string' },
  seed: { type: 'string' },
  probes: { type: 'boolean' },
  'teacher-exact': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export const INPUT_USAGE = `Answers files (one or more, combined):
  *.csv    counts table in the layout of datasets/recordings/lfb-counts.csv
  *.jsonl  stratalign recording (stratalign.sample/v1 lines), or promptfoo's -o results.jsonl
  *.json   promptfoo output (promptfoo eval -o results.json)
Every split in the data is reported as its own group.

Models (default: by the role the data gives them):
  --base <label>       base model (default: the model with role "base")
  --student <label>    student; repeat to compare several (default: every model with role "fine-tuned")
  --teacher <label>    teacher (default: the model with role "teacher")

Statistics:
  --interval hybrid|wilson|exact
                            interval for shares: hybrid (default: Wilson score with Clopper-Pearson
                            ends within 10 answers of 0 or n, at least 93 % coverage at every share
                            with 300 answers), plain Wilson, or Clopper-Pearson
  --resamples <n>           resamples for closures, distances, correlations (default 2000, at least ${MIN_RESAMPLES})
  --seed <text>             resampling seed (default "stratalign"); the same seed gives the same intervals
  --teacher-exact           treat the teacher's answers as exact instead of as a sample: only for a
                            reference without sampling noise (log-probabilities, a very large sample);
                            by default the teacher's own noise is in every interval that compares a
                            model with it
  --probes                  label bias, choice-model fingerprint and grid maps even for data without
                            label variants or grid points (with them, they are always on)`;

const USAGE = `Usage: stratalign report <answers files...> [options]

Compares base, student(s) and teacher per scenario and per group (overall, split, game and
context within a split): choice distributions with 95 % intervals, the paper's improvement
metric exactly as published, and beside it pooled and absolute gap closure, total-variation and
Jensen-Shannon distance with bootstrap intervals, a flag on scenarios whose base-teacher gap is
not significant, profile correlation with the teacher, and payoff sensitivity when doubled
variants are present. Recorded or replayed data is labelled as such in every output.

${INPUT_USAGE}

Output:
  --format terminal|markdown|json|html   what goes to stdout (default terminal)
  --json <file>        also write the JSON report (schema stratalign.report/v3)
  --markdown <file>    also write Markdown (for CI job summaries)
  --html <file>        also write a self-contained HTML page with charts
  --gate <file>        show a gate file's outcome (see \`stratalign gate\`) in the verdict table

Exit codes: 0 report written, 2 bad usage or unreadable input.`;

const FORMATS = { terminal: renderTerminal, markdown: renderMarkdown, json: renderJson, html: renderHtml } as const;

/** node:util parseArgs with its errors turned into usage errors (exit 2). */
export function parseCliArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

type InputValues = {
  base?: string;
  student?: string[];
  teacher?: string;
  interval?: string;
  resamples?: string;
  seed?: string;
  probes?: boolean;
  'teacher-exact'?: boolean;
};

export function reportOptionsFrom(values: InputValues): ReportOptions {
  const interval = values.interval ?? 'hybrid';
  if (!(PROPORTION_METHODS as readonly string[]).includes(interval))
    throw new UsageError(
      `--interval must be one of ${PROPORTION_METHODS.join(', ')} (got ${JSON.stringify(interval)})`,
    );
  const resamples = values.resamples === undefined ? 2000 : Number(values.resamples);
  if (!Number.isInteger(resamples) || resamples < MIN_RESAMPLES)
    throw new UsageError(
      `--resamples must be a whole number of at least ${MIN_RESAMPLES} (got ${JSON.stringify(values.resamples)})`,
    );
  const models: ReportOptions['models'] = {};
  if (values.base !== undefined) models.base = values.base;
  if (values.teacher !== undefined) models.teacher = values.teacher;
  if (values.student?.length) models.students = values.student;
  const seed = values.seed ?? 'stratalign';
  const teacherExact = values['teacher-exact'] === true;
  const proportionInterval = interval as ProportionMethod;
  return { models, proportionInterval, resamples, seed, teacherExact, ...(values.probes ? { probes: true } : {}) };
}

/** `report` and `gate` without an answers file: nothing to read, a usage error. */
export function requireAnswersFiles(files: readonly string[]): void {
  if (files.length === 0) throw new UsageError('name at least one answers file');
}

/** A gate file's checks run on the report, as `stratalign gate` runs them, for the verdict table. */
function verdictGate(file: string, gate: GateFile, report: Report, lost: LostAnswers | null): VerdictGate {
  const checks = withCanonicalScopes(gate.checks, defaultCatalogue());
  const all = [...checks, ...implicitChecks(checks, lost)];
  return { file, outcomes: evaluateChecks(all, { report, lost, defaultBound: gate.bound ?? 'point' }) };
}

function writeOutput(file: string, text: string, io: CommandIO): void {
  try {
    writeFileSync(resolve(io.cwd, file), text);
  } catch (err) {
    throw new StratalignError(
      { file },
      `cannot write the report (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      'check that the directory exists and is writable',
    );
  }
}

export const reportCommand: Command = {
  name: 'report',
  summary: "Paper's metric beside robust companions, with intervals (terminal, Markdown, JSON, HTML)",
  usage: USAGE,
  async run(args, io) {
    const text = { type: 'string' } as const;
    const options = { ...INPUT_OPTIONS, format: text, json: text, markdown: text, html: text, gate: text };
    const { values, positionals } = parseCliArgs(args, options);
    const format = values.format ?? 'terminal';
    if (!Object.hasOwn(FORMATS, format))
      throw new UsageError(
        `--format must be one of ${Object.keys(FORMATS).join(', ')} (got ${JSON.stringify(format)})`,
      );
    const gateFile = values.gate === undefined ? null : readGateFile(resolve(io.cwd, values.gate));
    requireAnswersFiles(positionals);
    const settings = reportOptionsFrom(values);
    const inputs = await loadInputs(positionals, defaultCatalogue(), io.cwd);
    const report: Report = buildReport(inputs, settings, defaultCatalogue());
    const gate = gateFile ? verdictGate(values.gate!, gateFile, report, inputs.lost) : undefined;
    if (values.json !== undefined) writeOutput(values.json, renderJson(report), io);
    if (values.markdown !== undefined) writeOutput(values.markdown, renderMarkdown(report, gate), io);
    if (values.html !== undefined) writeOutput(values.html, renderHtml(report, gate), io);
    io.stdout.write(format === 'json' ? renderJson(report) : FORMATS[format as keyof typeof FORMATS](report, gate));
    return 0;
  },
};
