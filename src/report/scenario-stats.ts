import { paperImprovement, absoluteClosure } from '../stats/gap-closure.js';
import { meanInterval, summariseCounts, welchTest } from '../stats/means.js';
import { proportionInterval } from '../stats/proportion.js';
import { twoProportionTest, type DifferenceTest } from '../stats/two-proportion.js';
import { distancePair, scenarioDistance, shareDifference, type DistanceSettings } from './distance-estimates.js';
import { bootstrapEstimate, intervalEstimate, RANGES } from './estimate.js';
import type { SelectedModels } from './model-selection.js';
import { answerRange } from './tally-measures.js';
import type { Estimate, ReportSettings, ScenarioModel, ScenarioRow, ScenarioStudent } from './types.js';
import type { Cell, UnitWork } from './unit-work.js';

/** Per-scenario statistics of one unit: distributions, distances, gap test, per-scenario closures. */
export function scenarioRow(
  work: UnitWork,
  models: SelectedModels,
  settings: ReportSettings,
  distance: DistanceSettings,
): ScenarioRow {
  const { unit, space } = work;
  const order = [models.base, ...models.students, models.teacher];
  const base = work.cells.get(models.base);
  const teacher = work.cells.get(models.teacher);
  const students: ScenarioStudent[] = models.students.map((model) => {
    const s = work.cells.get(model);
    const complete = base && s && teacher && base.rate !== null && s.rate !== null && teacher.rate !== null;
    if (!complete) return { model, paperImprovement: null, paperImprovementAsPublished: null, absoluteClosure: null };
    return {
      model,
      paperImprovement: paperImprovement({
        scenario: unit.scenario.id,
        base: base.paper!,
        fineTuned: s.paper!,
        teacher: teacher.paper!,
      }),
      paperImprovementAsPublished: paperImprovement({
        scenario: unit.scenario.id,
        base: base.paperAsPublished!,
        fineTuned: s.paperAsPublished!,
        teacher: teacher.paperAsPublished!,
      }),
      absoluteClosure: absoluteClosure({
        scenario: unit.scenario.id,
        base: base.rate!,
        fineTuned: s.rate!,
        teacher: teacher.rate!,
      }),
    };
  });
  const test = base && teacher ? gapTest(work, base, teacher) : null;
  return {
    split: unit.split,
    scenario: unit.scenario.id,
    context: unit.scenario.context.id,
    game: unit.scenario.game.id,
    payoffScale: unit.scenario.payoffScale,
    actionSpace: space.kind,
    models: order.map((model) => scenarioModel(work, model, models.teacher, settings, distance)),
    gap: test ? { test, significant: test.pValue < settings.alpha } : null,
    students,
  };
}

function scenarioModel(
  work: UnitWork,
  model: string,
  teacherLabel: string,
  settings: ReportSettings,
  distance: DistanceSettings,
): ScenarioModel {
  const cell = work.cells.get(model);
  if (!cell)
    return {
      model,
      valid: 0,
      failures: 0,
      cooperation: null,
      mean: null,
      distribution: [],
      tv: null,
      js: null,
      difference: null,
    };
  const { measured } = cell;
  const { level } = settings;
  const distribution = measured.actions.map((action, i) => {
    const count = measured.counts[i]!;
    if (measured.valid === 0) return { action, count, share: null, low: null, high: null };
    const interval = proportionInterval(count, measured.valid, settings.proportionInterval, level);
    return { action, count, share: count / measured.valid, low: interval.low, high: interval.high };
  });
  let cooperation: Estimate | null = null;
  let mean: Estimate | null = null;
  if (measured.valid > 0 && work.space.kind === 'choice') {
    const k = measured.counts[measured.actions.indexOf(work.space.cooperative)]!;
    cooperation = intervalEstimate(
      cell.rate,
      proportionInterval(k, measured.valid, settings.proportionInterval, level),
    );
  } else if (measured.valid > 0) {
    cooperation = intervalEstimate(
      cell.rate,
      meanInterval(summariseCounts(work.weights, measured.counts), level, RANGES.share),
    );
    const values = measured.actions.map(Number);
    const summary = summariseCounts(values, measured.counts);
    mean = intervalEstimate(summary.mean, meanInterval(summary, level, answerRange(work.space) ?? undefined));
  }
  const d = work.distances.get(model);
  const teacher = work.cells.get(teacherLabel);
  const where = `${work.unit.split}\u0000${work.unit.scenario.id}\u0000${model}`;
  return {
    model,
    valid: measured.valid,
    failures: measured.failures,
    cooperation,
    mean,
    distribution,
    tv: d && teacher ? scenarioDistance(distancePair(cell, teacher, distance.teacherExact), where, distance) : null,
    js: d ? bootstrapEstimate(d.js, d.jsReplicates, level, RANGES.distance) : null,
    difference: d && teacher ? shareDifference(work, cell, teacher, distance) : null,
  };
}

/** Base against teacher on cooperation: shares for choice games, means for numeric ones. */
export function gapTest(work: UnitWork, a: Cell, b: Cell): DifferenceTest | null {
  const ma = a.measured;
  const mb = b.measured;
  if (work.space.kind === 'choice') {
    if (ma.valid === 0 || mb.valid === 0) return null;
    const i = ma.actions.indexOf(work.space.cooperative);
    return twoProportionTest(ma.counts[i]!, ma.valid, mb.counts[i]!, mb.valid);
  }
  if (ma.valid < 2 || mb.valid < 2) return null;
  return welchTest(summariseCounts(work.weights, ma.counts), summariseCounts(work.weights, mb.counts));
}
