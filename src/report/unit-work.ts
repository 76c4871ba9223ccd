import type { ActionSpace } from '../catalogue/games/action-space.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { Scenario } from '../catalogue/scenarios/scenario.js';
import { scenarioById, type ResolvedScenarios } from '../catalogue/scenarios/resolved-scenarios.js';
import { StratalignError } from '../shared/errors.js';
import { createRng } from '../shared/random.js';
import type { Tally } from '../recordings/types.js';
import { resampleCounts } from '../stats/bootstrap.js';
import { jensenShannonDistance, toDistribution, totalVariation } from '../stats/distance.js';
import type { SelectedModels } from './model-selection.js';
import {
  cooperationRate,
  cooperationWeights,
  measureTally,
  paperQuantity,
  publishedPaperQuantity,
  type Measured,
} from './tally-measures.js';

/** One scenario of one split with the tallies of the chosen models (some may be missing). */
export type ScenarioUnit = { split: string; scenario: Scenario; tallies: Map<string, Tally> };

/**
 * Groups the chosen models' tallies by (split, scenario), in first-seen order. A model answering
 * the same scenario twice in one split (e.g. the same run loaded from two files) is an error:
 * adding them up or picking one would both be guesses.
 */
export function buildUnits(
  tallies: readonly Tally[],
  models: readonly string[],
  catalogue: Catalogue,
  origin: string,
  /** Scenarios the data's reader already resolved; the others are resolved from their id here. */
  resolved?: ResolvedScenarios,
): ScenarioUnit[] {
  const units = new Map<string, ScenarioUnit>();
  for (const tally of tallies) {
    if (!models.includes(tally.model)) continue;
    const key = `${tally.split}\u0000${tally.scenario}`;
    let unit = units.get(key);
    if (!unit) {
      unit = {
        split: tally.split,
        scenario: scenarioById(resolved, catalogue, tally.scenario, { file: origin, field: 'scenario' }),
        tallies: new Map(),
      };
      units.set(key, unit);
    }
    if (unit.tallies.has(tally.model)) {
      throw new StratalignError(
        { file: origin, value: `${tally.split} / ${tally.scenario} / ${tally.model}` },
        'the same model answers the same scenario twice in one split',
        'load each run once, or give the runs different split names or model labels',
      );
    }
    unit.tallies.set(tally.model, tally);
  }
  return [...units.values()];
}

/**
 * The report's per-scenario step: the chosen models' tallies grouped by (split, scenario), each
 * with its measures and bootstrap replicates. The two always go together, so they are one call.
 */
export function scenarioWork(
  tallies: readonly Tally[],
  models: SelectedModels,
  catalogue: Catalogue,
  origin: string,
  plan: BootstrapPlan,
  /** Scenarios the data's reader already resolved; the others are resolved from their id. */
  resolved?: ResolvedScenarios,
): UnitWork[] {
  const ordered = [models.base, ...models.students, models.teacher];
  return buildUnits(tallies, ordered, catalogue, origin, resolved).map((unit) => computeUnitWork(unit, models, plan));
}

/** One model's answers to one scenario with everything the statistics need, bootstrap included. */
export type Cell = {
  tally: Tally;
  measured: Measured;
  rate: number | null;
  /** What the paper's metric is computed on: cooperative share (choice games) or mean answer. */
  paper: number | null;
  /** The same as the paper published it: cooperative counts for choice games. */
  paperAsPublished: number | null;
  /** Cooperation of each bootstrap resample; empty without valid answers. */
  replicateRates: Float64Array;
  replicateCounts: number[][];
};

export type Distances = { tv: number; js: number; tvReplicates: Float64Array; jsReplicates: Float64Array };

/** A scenario unit with its cells and each non-teacher model's distances to the teacher. */
export type UnitWork = {
  unit: ScenarioUnit;
  space: ActionSpace;
  weights: number[];
  cells: Map<string, Cell>;
  distances: Map<string, Distances>;
};

/** `teacherExact`: the teacher's resamples all equal its observed counts (its answers declared exact). */
export type BootstrapPlan = { resamples: number; seed: string; teacherExact?: boolean };

/**
 * Every (split, scenario, model) draws from its own generator seeded by the report seed and its
 * names, so intervals do not change when rows are reordered or other models are added.
 */
export function computeUnitWork(unit: ScenarioUnit, models: SelectedModels, plan: BootstrapPlan): UnitWork {
  const space = unit.scenario.game.actionSpace;
  const weights = cooperationWeights(space);
  const cells = new Map<string, Cell>();
  for (const [model, tally] of unit.tallies) {
    const measured = measureTally(tally, space);
    const rng = createRng(`${plan.seed}\u0000${unit.split}\u0000${unit.scenario.id}\u0000${model}`);
    const fixed = plan.teacherExact === true && model === models.teacher;
    const replicateCounts =
      measured.valid === 0
        ? []
        : fixed
          ? Array.from({ length: plan.resamples }, () => [...measured.counts])
          : resampleCounts(measured.counts, plan.resamples, rng);
    const replicateRates = Float64Array.from(replicateCounts, (c) => cooperationRate(c, weights) ?? Number.NaN);
    cells.set(model, {
      tally,
      measured,
      rate: cooperationRate(measured.counts, weights),
      paper: paperQuantity(space, measured),
      paperAsPublished: publishedPaperQuantity(space, measured),
      replicateRates,
      replicateCounts,
    });
  }
  const distances = new Map<string, Distances>();
  const teacher = cells.get(models.teacher);
  for (const model of [models.base, ...models.students]) {
    const cell = cells.get(model);
    if (!teacher || !cell || teacher.measured.valid === 0 || cell.measured.valid === 0) continue;
    distances.set(model, distancesBetween(cell, teacher, plan.resamples));
  }
  return { unit, space, weights, cells, distances };
}

function distancesBetween(cell: Cell, teacher: Cell, resamples: number): Distances {
  const p = toDistribution(cell.measured.counts)!;
  const q = toDistribution(teacher.measured.counts)!;
  const tvReplicates = new Float64Array(resamples);
  const jsReplicates = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    const pr = toDistribution(cell.replicateCounts[r]!)!;
    const qr = toDistribution(teacher.replicateCounts[r]!)!;
    tvReplicates[r] = totalVariation(pr, qr);
    jsReplicates[r] = jensenShannonDistance(pr, qr);
  }
  return { tv: totalVariation(p, q), js: jensenShannonDistance(p, q), tvReplicates, jsReplicates };
}
