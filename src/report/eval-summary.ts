import type { Catalogue } from '../catalogue/catalogue.js';
import { isStratalignError } from '../shared/errors.js';
import type { ChoiceParameters } from '../catalogue/scenarios/choice-covariates.js';
import type { ProbesReport } from './probes/probes-report.js';
import type { Tally } from '../recordings/types.js';
import { buildReport, MIN_RESAMPLES } from './build-report.js';
import type { GroupRow, ModelFigures, StudentFigures } from './types.js';
import type { ResolvedScenarios } from '../catalogue/scenarios/resolved-scenarios.js';
import { verdictRows, type VerdictRow } from './verdict.js';

/** A student's figures in a summary row: its closure of the gap is always there. */
export type StudentModelFigures = ModelFigures & { student: StudentFigures };

export type EvalSummary = {
  /** Each model's figures over all its answers (the report's `overall` group). */
  models: ModelFigures[];
  /** Per split, the students' figures and how many scenarios have a base-teacher gap that is not significant. */
  splits: { split: string; nonSignificantGaps: number; students: StudentModelFigures[] }[];
  /** With payoff-grid data: per split and region, each student's distance to the teacher and pooled gap closure. */
  regions?: { split: string; region: string; scenarios: number; students: StudentModelFigures[] }[];
  /** Label bias, fingerprints and grid maps, when the data has label variants or grid points. */
  probes?: ProbesReport;
  /** The verdict at a glance, per split and student (see verdictRows); empty without a comparison. */
  verdict?: VerdictRow[];
  /** Why no summary could be made (e.g. two models with role teacher); models and splits are then empty. */
  error?: string;
};

export type EvalSummaryOptions = {
  resamples?: number;
  seed?: string;
  simulatedTruths?: ReadonlyMap<string, ChoiceParameters>;
  /** The tallies' scenarios as the eval's rows resolved them; carried into the report's units. */
  scenarios?: ResolvedScenarios;
};

/**
 * The end-of-eval summary's numbers, the report's per-model figures so the two never disagree: cooperation
 * per model over all its answers, and per split the paper's metric beside pooled gap closure.
 * Models are chosen by role (base, fine-tuned, teacher); a choice the data leaves open (no
 * teacher, two bases) comes back as `error`, since an eval hook must not throw on it.
 */
export function summariseForEval(
  tallies: readonly Tally[],
  catalogue: Catalogue,
  options: EvalSummaryOptions = {},
): EvalSummary {
  let report;
  try {
    report = buildReport(
      {
        tallies,
        inputs: [{ file: 'the eval results', kind: 'promptfoo-results' }],
        ...(options.scenarios ? { scenarios: options.scenarios } : {}),
      },
      {
        models: {},
        proportionInterval: 'hybrid',
        resamples: options.resamples ?? MIN_RESAMPLES,
        seed: options.seed ?? 'stratalign',
        ...(options.simulatedTruths ? { simulatedTruths: options.simulatedTruths } : {}),
      },
      catalogue,
    );
  } catch (err) {
    if (isStratalignError(err)) return { models: [], splits: [], error: err.message };
    throw err;
  }
  // Every number below is the report's: the per-model figures it carries, read, never recomputed.
  const figuresIn = (g: GroupRow) => report.figures.filter((f) => f.group === g.label);
  const studentsOf = (g: GroupRow) => figuresIn(g).filter((f): f is StudentModelFigures => f.student !== null);
  const models = figuresIn(report.groups.find((g) => g.label === 'overall')!);
  const splits = report.groups
    .filter((g) => g.key.split !== undefined && g.key.game === undefined && g.key.context === undefined)
    .filter((g) => g.key.region === undefined)
    .map((g) => ({ split: g.key.split!, nonSignificantGaps: g.nonSignificantGaps.length, students: studentsOf(g) }));
  const regions = report.groups
    .filter((g) => g.key.region !== undefined)
    .map((g) => ({ split: g.key.split!, region: g.key.region!, scenarios: g.scenarios, students: studentsOf(g) }));
  const probes = report.probes ? { probes: report.probes } : {};
  return { models, splits, verdict: verdictRows(report), ...(regions.length ? { regions } : {}), ...probes };
}
