import { createRng } from '../shared/random.js';
import type { DistributionSide } from '../stats/distance-nulls.js';
import { meanDistanceInterval, type DistancePair } from '../stats/distance-inversion.js';
import { absoluteDifferenceInterval, shareDifferenceInterval, type ShareSide } from '../stats/share-difference.js';
import { toDistribution } from '../stats/distance.js';
import { stratifiedDifferenceInterval, type DifferenceStratum } from '../stats/stratified-difference.js';
import { intervalEstimate, ZERO_WIDTH } from './estimate.js';
import type { Estimate } from './types.js';
import type { Cell, UnitWork } from './unit-work.js';

/**
 * Total-variation distances to the teacher with intervals that hold their level near 0 and at
 * a tolerance, the teacher's own answer noise included unless it is declared exact.
 * Two-option scenarios: TV = |p_model − p_teacher|, with the calibrated score interval
 * (closed form, exact to a few tenths of a point); more actions and groups of scenarios: the
 * test-inversion bootstrap (src/stats/distance-inversion.ts), whose estimate is
 * median-unbiased where the plug-in is biased upwards by noise.
 */
export type DistanceSettings = { level: number; resamples: number; seed: string; teacherExact: boolean };

/** A model's and the teacher's answers to one scenario, as the interval code takes them. */
export function distancePair(cell: Cell, teacher: Cell, teacherExact: boolean): DistancePair {
  const model: DistributionSide = { counts: cell.measured.counts };
  const reference: DistributionSide = teacherExact
    ? { exact: toDistribution(teacher.measured.counts)! }
    : { counts: teacher.measured.counts };
  return { model, teacher: reference };
}

const shareSide = (side: DistributionSide): ShareSide =>
  'exact' in side ? { exact: side.exact[0]! } : { k: side.counts[0]!, n: side.counts.reduce((a, b) => a + b, 0) };

/** TV distance of one scenario to the teacher. */
export function scenarioDistance(pair: DistancePair, where: string, settings: DistanceSettings): Estimate {
  const actions = 'exact' in pair.model ? pair.model.exact.length : pair.model.counts.length;
  if (actions === 2) {
    const a = shareSide(pair.model);
    const b = shareSide(pair.teacher);
    const observed = Math.abs(('exact' in a ? a.exact : a.k / a.n) - ('exact' in b ? b.exact : b.k / b.n));
    return intervalEstimate(observed, absoluteDifferenceInterval(a, b, settings.level));
  }
  return inverted([pair], where, settings);
}

/** Mean TV distance over a group's scenarios; a group of one scenario has that scenario's estimate. */
export function groupDistance(
  pairs: readonly DistancePair[],
  single: Estimate | null,
  where: string,
  settings: DistanceSettings,
): Estimate | null {
  if (pairs.length === 0) return null;
  if (pairs.length === 1 && single) return single;
  return inverted(pairs, where, settings);
}

function inverted(pairs: readonly DistancePair[], where: string, settings: DistanceSettings): Estimate {
  const rng = createRng(`${settings.seed}\u0000tv\u0000${where}`);
  const iv = meanDistanceInterval(pairs, { level: settings.level, resamples: settings.resamples, rng });
  const out: Estimate = { value: iv.value, low: iv.low, high: iv.high, method: iv.method, plugIn: iv.observed };
  if (iv.belowNoise) out.note = ZERO_WIDTH.belowNoise;
  return out;
}

/**
 * P(cooperative) of the model minus the teacher's, with the score interval for a difference of proportions (two-option
 * games).
 */
export function shareDifference(
  work: UnitWork,
  cell: Cell,
  teacher: Cell,
  settings: DistanceSettings,
): Estimate | null {
  const stratum = differenceStratum(work, cell, teacher, settings.teacherExact);
  if (!stratum) return null;
  const { model: a, teacher: b } = stratum;
  const value = ('exact' in a ? a.exact : a.k / a.n) - ('exact' in b ? b.exact : b.k / b.n);
  return intervalEstimate(value, shareDifferenceInterval(a, b, settings.level));
}

/** One two-option scenario's cooperative counts of the model and the teacher; null for other games or no answers. */
export function differenceStratum(
  work: UnitWork,
  cell: Cell,
  teacher: Cell,
  teacherExact: boolean,
): DifferenceStratum | null {
  if (work.space.kind !== 'choice' || work.space.options.length !== 2) return null;
  if (cell.measured.valid === 0 || teacher.measured.valid === 0) return null;
  const pair = distancePair(cell, teacher, teacherExact);
  const i = cell.measured.actions.indexOf(work.space.cooperative);
  const side = (s: DistributionSide): ShareSide =>
    'exact' in s ? { exact: s.exact[i]! } : { k: s.counts[i]!, n: s.counts.reduce((a, b) => a + b, 0) };
  return { model: side(pair.model), teacher: side(pair.teacher) };
}

/**
 * Mean over a group's two-option scenarios of P(C)model − P(C)teacher, with the stratified
 * score interval; null unless every scenario the model shares with the teacher is a two-option
 * game. A group of one scenario shows that scenario's estimate: one interval per quantity.
 */
export function groupShareDifference(
  strata: readonly (DifferenceStratum | null)[],
  single: Estimate | null,
  settings: DistanceSettings,
): Estimate | null {
  if (strata.length === 0 || strata.some((s) => s === null)) return null;
  if (strata.length === 1 && single) return single;
  const iv = stratifiedDifferenceInterval(strata as DifferenceStratum[], settings.level);
  return intervalEstimate(iv.estimate, iv);
}
