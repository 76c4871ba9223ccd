import type { Catalogue } from '../catalogue/catalogue.js';
import type { Tally } from '../recordings/types.js';
import { groupKeys, groupLabel, inGroup } from '../report/groups.js';
import type { GroupKey } from '../report/types.js';
import { choiceCells, type ChoiceCell } from './choice-cells.js';
import { cooperationProbability, type ChoiceParameters } from './choice-covariates.js';
import { compareFingerprints, fitFingerprint, type Fingerprint, type FingerprintInterval, type ParameterDifference } from './fingerprint.js';
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
  const settings = { level: options.level, resamples: options.resamples, seed: options.seed, alpha: 1 - options.level, fingerprintInterval: options.fingerprintInterval ?? 'profile' };
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
      const stats = labelBiasOf(own, catalogue.labelVariants, { level: settings.level, resamples: settings.resamples, alpha: settings.alpha });
      if (!stats) continue;
      const truth = options.truths?.get(model);
      const known = truth ? labelBiasTruth(own, catalogue.labelVariants, (c) => cooperationProbability(truth, c.covariates)) : null;
      labelBias.push({ group: groupLabel(key), key, model, stats, ...(known === null ? {} : { truth: known }) });
    }
  }

  const fingerprints: ProbesReport['fingerprints'] = [];
  const comparisons: ProbesReport['comparisons'] = [];
  for (const split of [...new Set(cells.map((c) => c.split))]) {
    const inSplit = cells.filter((c) => c.split === split);
    const fitted = new Map<string, Fingerprint>();
    for (const model of models) {
      const fingerprint = fitFingerprint(model, mine(model, inSplit), { level: settings.level, interval: settings.fingerprintInterval });
      if (fingerprint) {
        fitted.set(model, fingerprint);
        const truth = options.truths?.get(model);
        fingerprints.push({ split, fingerprint, ...(truth ? { truth } : {}) });
      }
    }
    const teacher = roles.teacher ? fitted.get(roles.teacher) : undefined;
    for (const model of [roles.base, ...roles.students]) {
      const other = model ? fitted.get(model) : undefined;
      if (teacher && other) comparisons.push({ split, model: other.model, teacher: teacher.model, differences: compareFingerprints(other, teacher, settings.level) });
    }
  }
  return { settings, models, roles, labelBias, fingerprints, comparisons, maps: gridMaps(cells, models, roles.teacher, settings) };
}
