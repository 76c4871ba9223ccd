import type { Catalogue } from '../catalogue/catalogue.js';
import { isStratalignError } from '../shared/errors.js';
import type { ChoiceParameters } from '../catalogue/scenarios/choice-covariates.js';
import type { ProbesReport } from './probes/probes-report.js';
import type { Tally } from '../recordings/types.js';
import { buildReport, MIN_RESAMPLES } from './build-report.js';
import type { Estimate, ModelRole } from './types.js';
import { verdictRows, type VerdictRow } from './verdict.js';

export type EvalSummaryModel = {
  label: string;
  /** Role in the comparison: base, student or teacher. */
  role: ModelRole;
  /** The role the data gave the model (e.g. 'fine-tuned'), if any. */
  dataRole: string | null;
  /** Where the numbers come from, e.g. 'replayed' or 'live'. */
  sourceLabel: string;
  valid: number;
  /** Unparseable answers; null when the data did not record parse failures (replayed counts). */
  failures: number | null;
  /** Cooperation pooled over all valid answers (the report's definition), with its interval. */
  cooperation: Estimate | null;
};

export type EvalSummaryStudent = {
  model: string;
  /**
   * The paper's metric on cooperative shares: mean over `used` of `scenarios` scenarios (the rest
   * have a zero gap); `asPublished` is the same on counts, as the paper computed it.
   */
  paperImprovement: { value: number | null; used: number; scenarios: number; asPublished: number | null };
  pooledGapClosure: Estimate;
};

export type EvalSummary = {
  models: EvalSummaryModel[];
  /** Per split, the students' figures and how many scenarios have a base-teacher gap that is not significant. */
  splits: { split: string; nonSignificantGaps: number; students: EvalSummaryStudent[] }[];
  /** With payoff-grid data: per split and region, each student's distance to the teacher and pooled gap closure. */
  regions?: { split: string; region: string; scenarios: number; students: RegionStudent[] }[];
  /** Label bias, fingerprints and grid maps, when the data has label variants or grid points. */
  probes?: ProbesReport;
  /** The verdict at a glance, per split and student (see verdictRows); empty without a comparison. */
  verdict?: VerdictRow[];
  /** Why no summary could be made (e.g. two models with role teacher); models and splits are then empty. */
  error?: string;
};

export type RegionStudent = { model: string; tv: Estimate | null; pooledGapClosure: Estimate };

export type EvalSummaryOptions = {
  resamples?: number;
  seed?: string;
  simulatedTruths?: ReadonlyMap<string, ChoiceParameters>;
};

/**
 * The end-of-eval summary's numbers, taken from the report so the two never disagree: cooperation
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
      { tallies, inputs: [{ file: 'the eval results', kind: 'promptfoo-results' }] },
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
  const overall = report.groups.find((g) => g.label === 'overall')!;
  const models = report.models.map((m): EvalSummaryModel => {
    const g = overall.models.find((x) => x.model === m.label)!;
    return {
      label: m.label,
      role: m.role,
      dataRole: m.dataRole,
      sourceLabel: m.sourceLabel,
      valid: g.valid,
      failures: g.failures,
      cooperation: g.cooperation,
    };
  });
  const splits = report.groups
    .filter((g) => g.key.split !== undefined && g.key.game === undefined && g.key.context === undefined)
    .filter((g) => g.key.region === undefined)
    .map((g) => ({
      split: g.key.split!,
      nonSignificantGaps: g.nonSignificantGaps.length,
      students: g.students.map((s) => ({
        model: s.model,
        paperImprovement: {
          value: s.paperImprovement.value,
          used: s.paperImprovement.used,
          scenarios: s.scenarios,
          asPublished: s.paperImprovement.asPublished.value,
        },
        pooledGapClosure: s.pooledGapClosure,
      })),
    }));
  const regions = report.groups
    .filter((g) => g.key.region !== undefined)
    .map((g) => ({
      split: g.key.split!,
      region: g.key.region!,
      scenarios: g.scenarios,
      students: g.students.map((s): RegionStudent => {
        const tv = g.models.find((m) => m.model === s.model)?.tv ?? null;
        return { model: s.model, tv, pooledGapClosure: s.pooledGapClosure };
      }),
    }));
  const probes = report.probes ? { probes: report.probes } : {};
  return { models, splits, verdict: verdictRows(report), ...(regions.length ? { regions } : {}), ...probes };
}
