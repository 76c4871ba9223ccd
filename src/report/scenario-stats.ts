import { paperImprovement, absoluteClosure } from '../stats/gap-closure.js';
import { meanInterval, summariseCounts, welchTest } from '../stats/means.js';
import { proportionInterval } from '../stats/proportion.js';
import { twoProportionTest, type DifferenceTest } from '../stats/two-proportion.js';
import { bootstrapEstimate, intervalEstimate, RANGES } from './estimate.js';
import type { SelectedModels } from './model-selection.js';
import { answerRange } from './tally-measures.js';
import type { Estimate, ReportSettings, ScenarioModel, ScenarioRow, ScenarioStudent } from './types.js';
import type { Cell, UnitWork } from './unit-work.js';

/** Per-scenario statistics of one unit: distributions, distances, gap test, per-scenario closures. */
export function scenarioRow(work: UnitWork, models: SelectedModels, settings: ReportSettings): ScenarioRow {
  const { unit, space } = work;
  const order = [models.base, ...models.students, models.teacher];
  const base = work.cells.get(models.base);
  const teacher = work.cells.get(models.teacher);
  const students: ScenarioStudent[] = models.students.map((model) => {
    const s = work.cells.get(model);
    const complete = base && s && teacher && base.rate !== null && s.rate !== null && teacher.rate !== null;
    if (!complete) return { model, paperImprovement: null, absoluteClosure: null };
    return {
      model,
      paperImprovement: paperImprovement({ scenario: unit.scenario.id, base: base.paper!, fineTuned: s.paper!, teacher: teacher.paper! }),
      absoluteClosure: absoluteClosure({ scenario: unit.scenario.id, base: base.rate!, fineTuned: s.rate!, teacher: teacher.rate! }),
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
    models: order.map((model) => scenarioModel(work, model, settings)),
    gap: test ? { test, significant: test.pValue < settings.alpha } : null,
    students,
  };
}

function scenarioModel(work: UnitWork, model: string, settings: ReportSettings): ScenarioModel {
  const cell = work.cells.get(model);
  if (!cell) return { model, valid: 0, failures: 0, cooperation: null, mean: null, distribution: [], tv: null, js: null };
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
    cooperation = intervalEstimate(cell.rate, proportionInterval(k, measured.valid, settings.proportionInterval, level));
  } else if (measured.valid > 0) {
    cooperation = intervalEstimate(cell.rate, meanInterval(summariseCounts(work.weights, measured.counts), level, RANGES.share));
    const values = measured.actions.map(Number);
    const summary = summariseCounts(values, measured.counts);
    mean = intervalEstimate(summary.mean, meanInterval(summary, level, answerRange(work.space) ?? undefined));
  }
  const d = work.distances.get(model);
  return {
    model,
    valid: measured.valid,
    failures: measured.failures,
    cooperation,
    mean,
    distribution,
    tv: d ? bootstrapEstimate(d.tv, d.tvReplicates, level, RANGES.distance) : null,
    js: d ? bootstrapEstimate(d.js, d.jsReplicates, level, RANGES.distance) : null,
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
