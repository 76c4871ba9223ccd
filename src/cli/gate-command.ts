import { resolve } from 'node:path';
import { defaultCatalogue } from '../catalogue/index.js';
import { isStratalignError } from '../shared/errors.js';
import {
  BOUNDS,
  DEFAULT_BOUND,
  FLAG_HELP,
  parseBound,
  parseCheckFlag,
  SCOPE_HELP,
  type Bound,
  type Check,
} from '../report/gate/checks.js';
import { evaluateChecks, implicitChecks, type CheckOutcome } from '../report/gate/evaluate.js';
import { readGateFile, GATE_SCHEMA } from '../report/gate/gate-file.js';
import { METRIC_NAMES, metricDefinition } from '../report/gate/metrics.js';
import { withCanonicalScopes } from '../report/gate/scope-aliases.js';
import { renderGate, renderOutcome } from '../report/gate/render-gate.js';
import { dataLabel } from '../report/tables.js';
import type { Report } from '../report/types.js';
import { UsageError, type Command } from '../shared/command.js';
import { loadInputs } from '../recordings/load-tallies.js';
import { buildReport, LEVEL } from '../report/build-report.js';
import { INPUT_OPTIONS, INPUT_USAGE, parseCliArgs, reportOptionsFrom, requireAnswersFiles } from './report-command.js';

const USAGE = `Usage: stratalign gate <answers files...> [--config gate.yaml] [--min ...] [--max ...] [options]

Checks alignment thresholds, e.g. right after \`promptfoo eval -o out/results.json\` in CI.
Prints one line per check (PASS or FAIL, metric, group, model, value, threshold, bound) and
exits 0 when every check passes, 1 when one fails, 2 on bad usage or unreadable input.
On promptfoo results, provider errors and missing samples fail the gate unless you set your
own limit (promptfoo itself counts them as plain non-passes that a pass-rate threshold hides).
Counts tables and recordings do not record them: those checks are not added there, and one you
ask for fails as "not recorded in this input".

Checks (at least one; flags and file combine):
  --config <file>     YAML gate file: schema: ${GATE_SCHEMA}, optional bound, and
                      checks: [{metric, scope, bound, min, max}]
  --min <check>       ${FLAG_HELP}
  --max <check>       same syntax, an upper limit
  --bound <bound>     default decision: ${BOUNDS.join(', ')}. within (the default):
                      pass only when the whole 95 % interval passes (lower end for --min, upper
                      end for --max), so a model exactly at the threshold passes at most 2.5 %
                      of the time; not-outside: fail only when the whole interval fails (a model
                      at the threshold fails at most 2.5 %); point: the estimate (about half);
                      conservative = within; lower/upper read that end. Metrics without an
                      interval (paper-improvement) are read on the point estimate and say so.

Metrics: ${METRIC_NAMES.join(', ')}.
  Closures and parse-rate in percent (write 40 for 40 %; 0.4 is refused as a share written
  by mistake), closures between -100 and 100, distances 0..1, correlation -1..1, errors as
  whole counts; thresholds outside these are refused (exit 2) with the value to write.
  Group metrics apply to each student (parse-rate to every model); provider-errors and
  missing-samples to the whole run.
Scopes: ${SCOPE_HELP}.
  Games and contexts by id or any alias, e.g. game=prison, context=IR (the paper's keys).

${INPUT_USAGE}`;

type GateArgs = { checks: Check[]; bound: Bound };

function checksFrom(
  values: { config?: string; min?: string[]; max?: string[]; bound?: string },
  cwd: string,
): GateArgs {
  const file = values.config === undefined ? null : readGateFile(resolve(cwd, values.config));
  const mins = (values.min ?? []).map((t) => parseCheckFlag('--min', t));
  const flags = [...mins, ...(values.max ?? []).map((t) => parseCheckFlag('--max', t))];
  const parsed = [...(file?.checks ?? []), ...flags];
  const checks = withCanonicalScopes(parsed, defaultCatalogue());
  if (checks.length === 0)
    throw new UsageError(
      'no checks: give --config <gate.yaml>, --min or --max (a gate with nothing to check must not pass)',
    );
  const bound =
    values.bound !== undefined ? parseBound(values.bound, { field: '--bound' }) : (file?.bound ?? DEFAULT_BOUND);
  return { checks, bound };
}

/** Says on the inputs line when provider errors and missing samples are not (fully) checked. */
function runCountsNote(anyPromptfoo: boolean, withoutRunCounts: readonly string[]): string {
  if (!anyPromptfoo)
    return (
      '; no promptfoo results among the inputs, so provider errors and missing samples are not recorded and ' +
      'not checked by default'
    );
  if (withoutRunCounts.length)
    return (
      `; provider errors and missing samples are counted over the promptfoo results only, not ` +
      `${withoutRunCounts.join(', ')}`
    );
  return '';
}

export const gateCommand: Command = {
  name: 'gate',
  summary: 'Pass or fail a release on alignment thresholds (exit 0 pass, 1 fail, 2 bad usage)',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCliArgs(args, {
      ...INPUT_OPTIONS,
      config: { type: 'string' },
      min: { type: 'string', multiple: true },
      max: { type: 'string', multiple: true },
      bound: { type: 'string' },
    });
    const { checks, bound } = checksFrom(values, io.cwd);
    for (const warning of checks.flatMap((c) => c.warnings ?? [])) io.stderr.write(`warning: ${warning}\n`);
    requireAnswersFiles(positionals);
    const options = reportOptionsFrom(values);
    const inputs = await loadInputs(positionals, defaultCatalogue(), io.cwd);
    const withoutRunCounts = inputs.inputs.filter((i) => i.kind !== 'promptfoo-results').map((i) => i.file);
    const all = [...checks, ...implicitChecks(checks, inputs.lost)];
    const runChecks = all.filter((c) => metricDefinition(c.metric).kind === 'run');
    const groupChecks = all.filter((c) => metricDefinition(c.metric).kind === 'group');
    const runOutcomes = evaluateChecks(runChecks, {
      report: null,
      lost: inputs.lost,
      defaultBound: bound,
      withoutRunCounts,
    });

    let report: Report | null = null;
    if (groupChecks.length) {
      try {
        report = buildReport(inputs, options, defaultCatalogue());
      } catch (err) {
        // Lost answers often explain why the data cannot be reported on; show them before the error.
        if (isStratalignError(err)) for (const o of runOutcomes) io.stderr.write(`${renderOutcome(o, LEVEL)}\n`);
        throw err;
      }
    }
    const outcomes: CheckOutcome[] = [
      ...runOutcomes,
      ...evaluateChecks(groupChecks, { report, lost: inputs.lost, defaultBound: bound }),
    ];
    const source = report ? ` (${dataLabel(report)})` : '';
    io.stdout.write(
      renderGate(
        outcomes,
        LEVEL,
        `stratalign gate on ${inputs.inputs.map((i) => i.file).join(', ')}${source}` +
          runCountsNote(inputs.lost !== null, withoutRunCounts),
      ),
    );
    return outcomes.every((o) => o.pass) ? 0 : 1;
  },
};
