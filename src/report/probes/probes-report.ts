import type { Catalogue } from '../../catalogue/catalogue.js';
import type { Tally } from '../../recordings/types.js';
import { groupKeys, groupLabel, inGroup, type GroupKey } from '../groups.js';
import { choiceCells, type ChoiceCell } from './choice-cells.js';
import { scenarioRegion } from '../../catalogue/scenarios/scenario-payoffs.js';
import { cooperationProbability, type ChoiceParameters } from '../../catalogue/scenarios/choice-covariates.js';
import {
  compareFingerprints,
  fitFingerprint,
  type Fingerprint,
  type FingerprintInterval,
  type ParameterDifference,
} from './fingerprint.js';
import { gridMaps, type GridMap } from './grid-maps.js';
import { labelBiasOf, labelBiasTruth, type LabelBiasStats } from './label-bias.js';

/**
 * Validity probes of a set of answers: what each model's cooperation owes to the option labels
 * (label bias per group), how it responds to the payoffs (the fingerprint per split), and for
 * payoff-grid families the maps over the grid. Computed per model from its own answers, so it
 * needs no base or teacher; comparisons with the teacher are added when one is known.
 */
export type ProbesReport = {
  settings: { level: number; resamples: number; seed: string; alpha: number; fingerprintInterval: FingerprintInterval };
  /** Models in the order the report shows them, with the teacher, base and students when known. */
  models: string[];
  roles: { base: string | null; teacher: string | null; students: string[] };
  /** `truth`: the label bias a simulated player's known parameters give on the same scenarios (simulated data only). */
  labelBias: { group: string; key: GroupKey; model: string; stats: LabelBiasStats; truth?: number }[];
  /** `truth`: a simulated player's parameters, to read beside the fit (simulated data only). */
  fingerprints: { split: string; fingerprint: Fingerprint; truth?: ChoiceParameters }[];
  /** Each student (and the base) against the teacher, per split. */
  comparisons: { split: string; model: string; teacher: string; differences: ParameterDifference[] }[];
  maps: GridMap[];
  /**
   * Simulated data only: each student's true pooled gap closure (percent) and mean distance to the
   * teacher per split and payoff region, from the players' known parameters on the same scenarios.
   */
  regionTruths?: { split: string; region: string; model: string; pooledGapClosure: number | null; tv: number }[];
};

export type ProbesOptions = {
  resamples: number;
  seed: string;
  level: number;
  fingerprintInterval?: FingerprintInterval;
  /** Known roles; models come from the data in first-seen order otherwise. */
  roles?: { base: string | null; teacher: string | null; students: string[] };
  /** Parameters of simulated players by model label, when the answers were simulated. */
  truths?: ReadonlyMap<string, ChoiceParameters>;
};

/** True when the answers include label variants or payoff-grid points: the probes have something to say. */
export function hasProbes(tallies: readonly Tally[]): boolean {
  return tallies.some((t) => t.scenario.includes('~') || t.scenario.includes('/grid:'));
}

export function buildProbes(tallies: readonly Tally[], catalogue: Catalogue, options: ProbesOptions): ProbesReport {
  const settings = {
    level: options.level,
    resamples: options.resamples,
    seed: options.seed,
    alpha: 1 - options.level,
    fingerprintInterval: options.fingerprintInterval ?? 'profile',
  };
  const cells = choiceCells(tallies, catalogue, { resamples: options.resamples, seed: options.seed });
  const roles = options.roles ?? { base: null, teacher: null, students: [] };
  const known = [roles.base, ...roles.students, roles.teacher].filter((m): m is string => m !== null);
  const models = known.length ? known : [...new Set(cells.map((c) => c.model))];
  const mine = (model: string, list: readonly ChoiceCell[]) => list.filter((c) => c.model === model);

  const units = [...new Map(cells.map((c) => [`${c.split}\u0000${c.scenario.id}`, c])).values()];
  const labelBias: ProbesReport['labelBias'] = [];
  for (const key of groupKeys(units)) {
    const inside = cells.filter((c) => inGroup(c, key));
    for (const model of models) {
      const own = mine(model, inside);
      const stats = labelBiasOf(own, catalogue.labelVariants, {
        level: settings.level,
        resamples: settings.resamples,
        alpha: settings.alpha,
      });
      if (!stats) continue;
      const truth = options.truths?.get(model);
      const known = truth
        ? labelBiasTruth(own, catalogue.labelVariants, (c) => cooperationProbability(truth, c.covariates))
        : null;
      labelBias.push({ group: groupLabel(key), key, model, stats, ...(known === null ? {} : { truth: known }) });
    }
  }

  const fingerprints: ProbesReport['fingerprints'] = [];
  const comparisons: ProbesReport['comparisons'] = [];
  for (const split of [...new Set(cells.map((c) => c.split))]) {
    const inSplit = cells.filter((c) => c.split === split);
    const fitted = new Map<string, Fingerprint>();
    for (const model of models) {
      const fingerprint = fitFingerprint(model, mine(model, inSplit), {
        level: settings.level,
        interval: settings.fingerprintInterval,
      });
      if (fingerprint) {
        fitted.set(model, fingerprint);
        const truth = options.truths?.get(model);
        fingerprints.push({ split, fingerprint, ...(truth ? { truth } : {}) });
      }
    }
    const teacher = roles.teacher ? fitted.get(roles.teacher) : undefined;
    for (const model of [roles.base, ...roles.students]) {
      const other = model ? fitted.get(model) : undefined;
      if (teacher && other)
        comparisons.push({
          split,
          model: other.model,
          teacher: teacher.model,
          differences: compareFingerprints(other, teacher, settings.level),
        });
    }
  }
  const regionTruths = options.truths ? truthsByRegion(cells, roles, options.truths) : [];
  return {
    settings,
    models,
    roles,
    labelBias,
    fingerprints,
    comparisons,
    maps: gridMaps(cells, models, roles.teacher, settings),
    ...(regionTruths.length ? { regionTruths } : {}),
  };
}

/** What the report's region groups estimate, computed from the simulated players' parameters. */
function truthsByRegion(
  cells: readonly ChoiceCell[],
  roles: ProbesReport['roles'],
  truths: ReadonlyMap<string, ChoiceParameters>,
): NonNullable<ProbesReport['regionTruths']> {
  const { base, teacher } = roles;
  if (!base || !teacher || !truths.has(base) || !truths.has(teacher)) return [];
  const out: NonNullable<ProbesReport['regionTruths']> = [];
  const p = (model: string, c: ChoiceCell) => cooperationProbability(truths.get(model)!, c.covariates);
  for (const student of roles.students.filter((s) => truths.has(s))) {
    const byUnit = new Map<string, { split: string; region: string; cell: ChoiceCell; models: Set<string> }>();
    for (const c of cells) {
      const region = scenarioRegion(c.scenario);
      if (!region || region.region === 'other' || ![base, teacher, student].includes(c.model)) continue;
      const key = `${c.split}\u0000${c.scenario.id}`;
      const unit = byUnit.get(key) ?? { split: c.split, region: region.region, cell: c, models: new Set<string>() };
      unit.models.add(c.model);
      byUnit.set(key, unit);
    }
    const groups = new Map<string, { split: string; region: string; cells: ChoiceCell[] }>();
    for (const u of byUnit.values()) {
      if (u.models.size < 3) continue;
      const key = `${u.split}\u0000${u.region}`;
      const g = groups.get(key) ?? { split: u.split, region: u.region, cells: [] };
      g.cells.push(u.cell);
      groups.set(key, g);
    }
    for (const g of groups.values()) {
      const gap = g.cells.reduce((a, c) => a + p(teacher, c) - p(base, c), 0);
      const moved = g.cells.reduce((a, c) => a + p(student, c) - p(base, c), 0);
      const tv = g.cells.reduce((a, c) => a + Math.abs(p(student, c) - p(teacher, c)), 0) / g.cells.length;
      out.push({
        split: g.split,
        region: g.region,
        model: student,
        pooledGapClosure: gap === 0 ? null : (100 * moved) / gap,
        tv,
      });
    }
  }
  return out;
}
