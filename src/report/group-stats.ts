import { pearsonCorrelation } from '../stats/correlation.js';
import {
  absoluteGapClosure,
  meanAbsoluteGapClosure,
  meanPaperImprovement,
  pooledGapClosure,
  type ScenarioCounts,
} from '../stats/gap-closure.js';
import { proportionInterval } from '../stats/proportion.js';
import { stratifiedMeanInterval, summariseCounts } from '../stats/means.js';
import {
  differenceStratum,
  distancePair,
  groupDistance,
  groupShareDifference,
  type DistanceSettings,
} from './distance-estimates.js';
import { bootstrapEstimate, intervalEstimate, RANGES } from './estimate.js';
import { groupLabel } from './groups.js';
import type { SelectedModels } from './model-selection.js';
import type {
  Estimate,
  GroupKey,
  GroupModel,
  GroupRow,
  GroupStudent,
  ReportSettings,
  ScenarioRow,
  UnitRef,
} from './types.js';
import type { UnitWork } from './unit-work.js';
import { readRoutes } from './read-routes.js';

export type StudiedUnit = { work: UnitWork; row: ScenarioRow };

/** Aggregate metrics of one group of scenarios, per model and per student. */
export function groupRow(
  key: GroupKey,
  units: readonly StudiedUnit[],
  models: SelectedModels,
  settings: ReportSettings,
  distance: DistanceSettings,
): GroupRow {
  const works = units.map((u) => u.work);
  const order = [models.base, ...models.students, models.teacher];
  return {
    key,
    label: groupLabel(key),
    scenarios: units.length,
    nonSignificantGaps: units.filter((u) => u.row.gap && !u.row.gap.significant).map((u) => refOf(u.work)),
    models: order.map((model) => groupModel(units, groupLabel(key), model, models.teacher, settings, distance)),
    students: models.students.map((model) => groupStudent(works, model, models, settings)),
  };
}

const refOf = (w: UnitWork): UnitRef => ({ split: w.unit.split, scenario: w.unit.scenario.id });
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function groupModel(
  units: readonly StudiedUnit[],
  label: string,
  model: string,
  teacher: string,
  settings: ReportSettings,
  distance: DistanceSettings,
): GroupModel {
  const works = units.map((u) => u.work);
  const { level } = settings;
  const { resamples } = settings.bootstrap;
  const cells = works.flatMap((w) => (w.cells.has(model) ? [{ w, c: w.cells.get(model)! }] : []));
  const valid = cells.reduce((a, x) => a + x.c.measured.valid, 0);
  // One scenario without recorded failures leaves the group's total unknown: no partial sum passes for it.
  const failures = cells.every((x) => x.c.measured.failures !== null)
    ? cells.reduce((a, x) => a + x.c.measured.failures!, 0)
    : null;
  const parseRate =
    failures === null
      ? null
      : intervalEstimate(
          valid + failures === 0 ? null : valid / (valid + failures),
          proportionInterval(valid, valid + failures, settings.proportionInterval, level),
        );

  let cooperation: Estimate | null = null;
  const answered = cells.filter((x) => x.c.measured.valid > 0);
  if (answered.length) {
    const sum = answered.reduce((a, x) => a + x.c.rate! * x.c.measured.valid, 0);
    if (answered.every((x) => x.w.space.kind === 'choice')) {
      cooperation = intervalEstimate(
        sum / valid,
        proportionInterval(Math.round(sum), valid, settings.proportionInterval, level),
      );
    } else if (answered.length === 1) {
      // One interval per quantity: a group of one scenario is that scenario.
      const only = units.find((u) => u.work === answered[0]!.w)!;
      cooperation = only.row.models.find((m) => m.model === model)!.cooperation;
    } else {
      // Cooperation pooled over all answers is a stratified mean over the scenarios.
      const strata = answered.map((x) => summariseCounts(x.w.weights, x.c.measured.counts));
      cooperation = intervalEstimate(sum / valid, stratifiedMeanInterval(strata, level, RANGES.share));
    }
  }
  const routes = readRoutes(
    cells.map((x) => x.c.measured),
    settings,
  );
  if (model === teacher)
    return {
      model,
      scenarios: answered.length,
      valid,
      failures,
      parseRate,
      ...routes,
      cooperation,
      tv: null,
      difference: null,
      js: null,
      profileCorrelation: null,
    };

  const withDistances = works.flatMap((w) => (w.distances.has(model) ? [w.distances.get(model)!] : []));
  const averaged = (pick: 'js') => {
    if (!withDistances.length) return null;
    const reps = Array.from({ length: resamples }, (_, r) =>
      mean(withDistances.map((d) => d[`${pick}Replicates`][r]!)),
    );
    return bootstrapEstimate(mean(withDistances.map((d) => d[pick])), reps, level, RANGES.distance);
  };
  const distanced = units.filter((u) => u.work.distances.has(model));
  const pairs = distanced.map((u) =>
    distancePair(u.work.cells.get(model)!, u.work.cells.get(teacher)!, distance.teacherExact),
  );
  const scenarioModel = distanced.length === 1 ? distanced[0]!.row.models.find((m) => m.model === model)! : null;
  const single = scenarioModel?.tv ?? null;
  const strata = distanced.map((u) =>
    differenceStratum(u.work, u.work.cells.get(model)!, u.work.cells.get(teacher)!, distance.teacherExact),
  );
  const paired = works
    .filter((w) => w.distances.has(model))
    .map((w) => ({ m: w.cells.get(model)!, t: w.cells.get(teacher)! }));
  const profile = pearsonCorrelation(
    paired.map((p) => p.m.rate!),
    paired.map((p) => p.t.rate!),
  );
  const profileReps = Array.from({ length: resamples }, (_, r) =>
    pearsonCorrelation(
      paired.map((p) => p.m.replicateRates[r]!),
      paired.map((p) => p.t.replicateRates[r]!),
    ),
  );
  return {
    model,
    scenarios: withDistances.length,
    valid,
    failures,
    parseRate,
    ...routes,
    cooperation,
    tv: groupDistance(pairs, single, `${label}\u0000${model}`, distance),
    difference: groupShareDifference(strata, scenarioModel?.difference ?? null, distance),
    js: averaged('js'),
    profileCorrelation: bootstrapEstimate(profile, profileReps, level, RANGES.correlation, 'hull'),
  };
}

function groupStudent(
  works: readonly UnitWork[],
  model: string,
  models: SelectedModels,
  settings: ReportSettings,
): GroupStudent {
  const complete = works.filter((w) =>
    [models.base, model, models.teacher].every((m) => (w.cells.get(m)?.measured.valid ?? 0) > 0),
  );
  const cellsOf = (w: UnitWork) => ({
    b: w.cells.get(models.base)!,
    s: w.cells.get(model)!,
    t: w.cells.get(models.teacher)!,
  });
  // The scenario field carries the index so undefined scenarios can be traced back to their split.
  const paperRows: ScenarioCounts[] = complete.map((w, i) => {
    const { b, s, t } = cellsOf(w);
    return { scenario: String(i), base: b.paper!, fineTuned: s.paper!, teacher: t.paper! };
  });
  const paper = meanPaperImprovement(paperRows);
  const published = meanPaperImprovement(
    complete.map((w, i) => {
      const { b, s, t } = cellsOf(w);
      return {
        scenario: String(i),
        base: b.paperAsPublished!,
        fineTuned: s.paperAsPublished!,
        teacher: t.paperAsPublished!,
      };
    }),
  );
  const rateRows = (r: number | null): ScenarioCounts[] =>
    complete.map((w, i) => {
      const { b, s, t } = cellsOf(w);
      const pick = (c: typeof b) => (r === null ? c.rate! : c.replicateRates[r]!);
      return { scenario: String(i), base: pick(b), fineTuned: pick(s), teacher: pick(t) };
    });
  const observed = rateRows(null);
  const replicates = Array.from({ length: settings.bootstrap.resamples }, (_, r) => rateRows(r));
  return {
    model,
    scenarios: complete.length,
    paperImprovement: {
      value: paper.mean,
      used: paper.used,
      undefinedScenarios: paper.undefinedScenarios.map((i) => refOf(complete[Number(i)]!)),
      asPublished: { value: published.mean, used: published.used },
    },
    pooledGapClosure: bootstrapEstimate(
      pooledGapClosure(observed),
      replicates.map(pooledGapClosure),
      settings.level,
      RANGES.pooledClosure,
    ),
    absoluteGapClosure: bootstrapEstimate(
      absoluteGapClosure(observed),
      replicates.map(absoluteGapClosure),
      settings.level,
      RANGES.absoluteClosure,
    ),
    meanAbsoluteClosure: meanAbsoluteGapClosure(observed),
  };
}
