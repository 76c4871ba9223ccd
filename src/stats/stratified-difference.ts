import type { Interval } from './proportion.js';
import {
  checkShareSide,
  restrictedStandardError,
  shareDifferenceInterval,
  zQuantile,
  type ShareSide,
} from './share-difference.js';

/** One scenario of a group: the model's and the teacher's answers (the teacher's may be exact). */
export type DifferenceStratum = { model: ShareSide; teacher: ShareSide };

const isExact = (s: ShareSide): s is { exact: number } => 'exact' in s;
const shareOf = (s: ShareSide) => (isExact(s) ? s.exact : s.k / s.n);

export const STRATIFIED_DIFFERENCE_METHOD = {
  twoSample: 'stratified score, Miettinen-Nurminen per scenario (both shares estimated)',
  oneSample: 'stratified score per scenario (teacher share exact)',
} as const;

/**
 * Interval for the mean over a group's scenarios of P(C)model − P(C)teacher, each scenario
 * weighted equally: the candidate means delta a score test does not reject. The test statistic
 * is (mean observed difference − delta) over its standard error at restricted shares, as in
 * Miettinen & Nurminen (1985) for one scenario and their stratified form for several: each
 * scenario's shares are restricted to a difference delta_i, and the delta_i move together so
 * that their mean is delta. How they move is the constrained maximum-likelihood solution to
 * second order: each scenario's difference moves in proportion to its variance,
 * delta_i = d_i + (delta − d) v_i / mean(v) (Lagrange multipliers on the quadratic
 * log-likelihood), so a precisely measured scenario moves little. A group of one scenario gets
 * exactly that scenario's Miettinen-Nurminen interval: one interval per quantity. Coverage at
 * 300 answers a side is checked by seeded simulation (test/stats-stratified-difference.test.ts,
 * `npm run bench` section k).
 */
export function stratifiedDifferenceInterval(
  strata: readonly DifferenceStratum[],
  level = 0.95,
): Interval & { estimate: number } {
  if (strata.length === 0) throw new RangeError('stratifiedDifferenceInterval needs at least one scenario');
  strata.forEach((s, i) => {
    checkShareSide(s.model, `stratifiedDifferenceInterval: scenario ${i + 1}, model`);
    checkShareSide(s.teacher, `stratifiedDifferenceInterval: scenario ${i + 1}, teacher`);
  });
  const differences = strata.map((s) => shareOf(s.model) - shareOf(s.teacher));
  const estimate = mean(differences);
  if (strata.length === 1) return { ...shareDifferenceInterval(strata[0]!.model, strata[0]!.teacher, level), estimate };
  const exactTeacher = strata.some((s) => isExact(s.teacher) || isExact(s.model));
  const method = exactTeacher ? STRATIFIED_DIFFERENCE_METHOD.oneSample : STRATIFIED_DIFFERENCE_METHOD.twoSample;
  // Each scenario's noise, smoothed so that a share of 0 or 1 still has some (k + 0.5 of n + 1).
  const noise = strata.map((s) => sideVariance(s.model) + sideVariance(s.teacher));
  const meanNoise = mean(noise);
  const ranges = strata.map((s) => feasible(s));
  const S = strata.length;
  const statistic = (delta: number) => {
    let variance = 0;
    for (let i = 0; i < S; i++) {
      const [lo, hi] = ranges[i]!;
      const di = Math.min(hi, Math.max(lo, differences[i]! + ((delta - estimate) * noise[i]!) / meanNoise));
      variance += restrictedStandardError(strata[i]!.model, strata[i]!.teacher, di) ** 2;
    }
    const se = Math.sqrt(variance) / S;
    const diff = estimate - delta;
    return se === 0 ? (Math.abs(diff) < 1e-12 ? 0 : Number.POSITIVE_INFINITY) : Math.abs(diff) / se;
  };
  const z = zQuantile(level);
  const accepted = (delta: number) => statistic(delta) <= z;
  const [lowest, highest] = [mean(ranges.map((r) => r[0])), mean(ranges.map((r) => r[1]))];
  const low = accepted(lowest) ? lowest : edge(estimate, lowest, accepted);
  const high = accepted(highest) ? highest : edge(estimate, highest, accepted);
  return { low: Math.min(low, estimate), high: Math.max(high, estimate), level, method, estimate };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function sideVariance(s: ShareSide): number {
  if (isExact(s)) return 0;
  const p = (s.k + 0.5) / (s.n + 1);
  return (p * (1 - p)) / s.n;
}

/** Differences a scenario allows: both shares in [0, 1]. */
function feasible(s: DifferenceStratum): [number, number] {
  if (isExact(s.teacher)) return [-s.teacher.exact, 1 - s.teacher.exact];
  if (isExact(s.model)) return [s.model.exact - 1, s.model.exact];
  return [-1, 1];
}

/** Bisection between an accepted point and a rejected one, to 1e-7; returns the accepted end. */
function edge(inside: number, outside: number, accepted: (x: number) => boolean): number {
  let ins = inside;
  let out = outside;
  for (let i = 0; i < 60 && Math.abs(out - ins) > 1e-7; i++) {
    const mid = (ins + out) / 2;
    if (accepted(mid)) ins = mid;
    else out = mid;
  }
  return ins;
}
