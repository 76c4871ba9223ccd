import jStat from 'jstat';
import { StratalignError } from '../../shared/errors.js';
import { wilsonAt, wilsonInterval, type Interval } from '../../stats/proportion.js';
import { firstTrue, lastTrue, regionOperating, settleChances, type LookRegion } from './look-regions.js';
import type { Look, SequentialDesign, StoppingRule } from './look.js';

/**
 * A group-sequential design for the tolerance gate with a fixed look schedule (a look every
 * `batch` answers up to `cap`), computed exactly on the binomial:
 *
 * - Efficacy: at each look an interval for d = p_student − q_teacher with one critical value z
 *   for every look (Pocock's constant boundary: Pocock 1977, "Group sequential methods in the
 *   design and analysis of clinical trials", Biometrika 64:191): "within" when it lies inside
 *   [−tolerance, tolerance], "outside" when it misses it. With the teacher exact the interval is
 *   the student's Wilson interval minus q; with the teacher estimated from m answers it is
 *   Newcombe's hybrid score interval (Newcombe 1998, Stat. Med. 17:873, method 10), which adds
 *   the teacher's Wilson half-width in quadrature.
 * - z is the smallest value whose exact wrong-decision rate on the tolerance boundary, summed
 *   over both verdicts and computed by dynamic programming over the look schedule, is at most
 *   the error rate: not simulated, not the normal approximation. With the teacher estimated the
 *   rate is averaged over the teacher's own binomial draw (every count K with its probability
 *   under the observed share), so the teacher's noise is in it exactly rather than by a
 *   Bonferroni split; the calibration aims at 95 % of the rate there, because it takes the
 *   observed share for the truth. A constant boundary spent fewer calls than O'Brien-Fleming-like shapes
 *   (z growing towards early looks) for every share tried, uniform or the paper's.
 * - Futility (stochastic curtailment): stop unsettled when even the most favourable share a 99 %
 *   interval allows has less than a 5 % chance of settling by the cap under the efficacy
 *   boundary (exact backward induction on a grid of shares). It cuts the calls spent on
 *   students near the boundary, who would end unsettled anyway. With the teacher exact, z is
 *   then recalibrated with the futility stops in place (they remove settled paths, so it comes
 *   down); with the teacher estimated it is kept, which errs on the safe side.
 *
 * Neither the boundary shape nor the futility thresholds were tuned on the paper's students:
 * they were chosen on shares spread uniformly over [0, 1]. Looks happen at fixed numbers of
 * valid answers; parse failures shift them, where the error rate holds approximately (no
 * futility stop is taken off the schedule). For an open-ended cap or looks at any time use the always-valid design.
 */
export type GroupSequentialOptions = {
  reference: number;
  tolerance: number;
  /** Wrong-decision rate allowed on the tolerance boundary, e.g. 0.05. */
  errorRate: number;
  /** The teacher's share is estimated from this many answers; null when it is exact. */
  teacher: { n: number } | null;
} & SequentialDesign;

export type GroupSequentialDesign = {
  rule: StoppingRule;
  /** The critical value of the intervals at every look. */
  critical: number;
  /** Exact wrong-decision rate on the boundary the design was calibrated to (teacher at its observed share). */
  boundaryError: number;
  /** Looks (numbers of valid answers) at which the design may stop. */
  looks: number[];
};

/** Futility: stop when the chance of settling by the cap is below this, */
export const FUTILITY_CHANCE = 0.05;
/** ... even for the most favourable share inside this interval around the estimate. */
export const FUTILITY_LEVEL = 0.99;
/** Shares on which the chance of settling is computed for futility. */
const GRID_STEPS = 200;
/** Shares further than this from every edge count as settling surely (they settle long before the cap). */
const NEAR_EDGE = 0.15;
/** With the teacher estimated, the calibration aims at this share of the error rate. */
export const ESTIMATED_TARGET = 0.95;
/** Teacher counts less likely than this are left out of the calibration's average. */
const TEACHER_NEGLIGIBLE = 1e-5;

export function lookSchedule(batch: number, cap: number): number[] {
  const looks: number[] = [];
  for (let n = batch; n < cap; n += batch) looks.push(n);
  looks.push(cap);
  return looks;
}

const memo = new Map<string, GroupSequentialDesign>();

/** The design for one gate; computed once per (reference, tolerance, error rate, teacher, schedule) and reused. */
export function groupSequentialDesign(options: GroupSequentialOptions): GroupSequentialDesign {
  checkOptions(options);
  const key = JSON.stringify([
    options.reference,
    options.tolerance,
    options.errorRate,
    options.teacher?.n ?? null,
    options.batch,
    options.cap,
  ]);
  let design = memo.get(key);
  if (!design) {
    design = build(options);
    if (memo.size > 1000) memo.clear();
    memo.set(key, design);
  }
  return design;
}

/** The teacher's counts K (with probabilities) the calibration averages over; one exact point for an exact teacher. */
function teacherCounts(options: GroupSequentialOptions): { k: number | null; mass: number }[] {
  if (!options.teacher) return [{ k: null, mass: 1 }];
  const m = options.teacher.n;
  const q = options.reference;
  const out: { k: number; mass: number }[] = [];
  for (let k = 0; k <= m; k++) {
    const mass = jStat.binomial.pdf(k, m, q);
    if (mass >= TEACHER_NEGLIGIBLE) out.push({ k, mass });
  }
  const total = out.reduce((a, x) => a + x.mass, 0);
  return out.map((x) => ({ k: x.k, mass: x.mass / total }));
}

function build(options: GroupSequentialOptions): GroupSequentialDesign {
  const looks = lookSchedule(options.batch, options.cap);
  const observedK = options.teacher ? Math.round(options.reference * options.teacher.n) : null;
  const draws = teacherCounts(options);
  const regionsAt = (z: number, k: number | null) => efficacyRegions(z, options, k, looks);
  // The calibration takes the observed teacher share for the truth; the true share differs, and
  // so does the critical value each other draw of the teacher would get. Aiming a little low keeps
  // the exact error averaged over the teacher's real draw within the rate (bench section g).
  const target = options.teacher ? ESTIMATED_TARGET * options.errorRate : options.errorRate;
  const first = calibrate((z) => mixtureError((k) => regionsAt(z, k), draws, options), target, [1.5, 4.5]);
  const futile = futilityTable(regionsAt(first.critical, observedK), options);
  const withFutility = (regions: LookRegion[]) => regions.map((r, j) => ({ ...r, futile: futile[j]! }));
  if (options.teacher) {
    return {
      rule: combined(efficacyRule(first.critical, options, observedK), futile, looks),
      critical: first.critical,
      boundaryError: first.error,
      looks,
    };
  }
  // Futility stops only remove settled paths, so the error falls and z can only come down.
  const final = calibrate(
    (z) => mixtureError(() => withFutility(regionsAt(z, null)), draws, options),
    options.errorRate,
    [Math.max(1, first.critical - 0.5), first.critical],
  );
  return {
    rule: combined(efficacyRule(final.critical, options, null), futile, looks),
    critical: final.critical,
    boundaryError: final.error,
    looks,
  };
}

type Bounds = { low: number; high: number };

/**
 * The interval for d = p − q at critical value z after k counted of n: Newcombe's hybrid score
 * interval (with an exact q, the student's Wilson interval minus q), and the student's own
 * Wilson interval the looks report.
 */
function differenceBounds(
  k: number,
  n: number,
  z: number,
  q: number,
  teacher: Bounds,
): { difference: Bounds; student: Bounds } {
  const wilson = wilsonAt(k, n, z);
  const p = k / n;
  return {
    difference: {
      low: p - q - Math.hypot(p - wilson.low, teacher.high - q),
      high: p - q + Math.hypot(wilson.high - p, q - teacher.low),
    },
    student: wilson,
  };
}

function teacherBounds(
  z: number,
  options: Pick<GroupSequentialOptions, 'reference' | 'teacher'>,
  teacherK: number | null,
): { q: number; bounds: Bounds; level: number } {
  const level = 2 * jStat.normal.cdf(z, 0, 1) - 1;
  if (teacherK === null)
    return { q: options.reference, bounds: { low: options.reference, high: options.reference }, level };
  const m = options.teacher!.n;
  return { q: teacherK / m, bounds: wilsonAt(teacherK, m, z), level };
}

/**
 * Efficacy alone, for any number of answers: the interval for d = p − q at critical value z
 * against [−tol, tol]; the look reports the student's Wilson interval at z for P(counted).
 * `teacherK` is the teacher's count of m answers, null when its share is exact.
 */
export function efficacyRule(
  z: number,
  options: Pick<GroupSequentialOptions, 'reference' | 'tolerance' | 'teacher'>,
  teacherK: number | null,
): StoppingRule {
  const { q, bounds, level } = teacherBounds(z, options, teacherK);
  const tol = options.tolerance;
  const cache = new Map<number, Look>();
  return (k, n) => {
    const key = n * 1_000_003 + k;
    let look: Look | undefined = cache.get(key);
    if (!look) {
      if (n === 0)
        look = {
          verdict: 'continue',
          interval: { low: 0, high: 1, level, method: `Wilson at z = ${z.toFixed(3)} (group-sequential boundary)` },
        };
      else {
        const { difference, student } = differenceBounds(k, n, z, q, bounds);
        const interval: Interval = {
          ...student,
          level,
          method: `Wilson at z = ${z.toFixed(3)} (group-sequential boundary)`,
        };
        const verdict =
          difference.low >= -tol && difference.high <= tol
            ? 'settled-within'
            : difference.high < -tol || difference.low > tol
              ? 'settled-outside'
              : 'continue';
        look = { verdict, interval };
      }
      cache.set(key, look);
    }
    return look;
  };
}

/** The same verdicts as `efficacyRule` at the scheduled looks, as count ranges (both bounds grow with k). */
function efficacyRegions(
  z: number,
  options: Pick<GroupSequentialOptions, 'reference' | 'tolerance' | 'teacher'>,
  teacherK: number | null,
  looks: readonly number[],
): LookRegion[] {
  const { q, bounds } = teacherBounds(z, options, teacherK);
  const tol = options.tolerance;
  return looks.map((n) => {
    const at = (k: number) => differenceBounds(k, n, z, q, bounds).difference;
    return {
      n,
      outsideBelow: lastTrue(0, n, (k) => at(k).high < -tol),
      outsideAbove: firstTrue(0, n, (k) => at(k).low > tol),
      withinLow: firstTrue(0, n, (k) => at(k).low >= -tol),
      withinHigh: lastTrue(0, n, (k) => at(k).high <= tol),
    };
  });
}

/** Efficacy, then futility at the scheduled looks. */
function combined(efficacy: StoppingRule, futile: readonly Uint8Array[], looks: readonly number[]): StoppingRule {
  const index = new Map(looks.map((n, j) => [n, j]));
  const last = looks[looks.length - 1]!;
  return (k, n) => {
    const look = efficacy(k, n);
    if (look.verdict !== 'continue' || n >= last) return look;
    const j = index.get(n);
    return j !== undefined && futile[j]![k] ? { ...look, verdict: 'futile' } : look;
  };
}

/**
 * Exact worst wrong-decision rate on the boundary: for each side, a student exactly at
 * q ∓ tol, P(within) + P(outside), averaged over the teacher's draws when it is estimated.
 */
function mixtureError(
  regionsFor: (k: number | null) => LookRegion[],
  draws: readonly { k: number | null; mass: number }[],
  options: GroupSequentialOptions,
): number {
  const regions = draws.map((d) => regionsFor(d.k));
  let worst = 0;
  for (const truth of [options.reference - options.tolerance, options.reference + options.tolerance]) {
    if (!(truth > 0 && truth < 1)) continue;
    let error = 0;
    draws.forEach((d, i) => {
      const o = regionOperating(truth, regions[i]!);
      error += d.mass * (o.within + o.outside);
    });
    worst = Math.max(worst, error);
  }
  return worst;
}

/** Smallest critical value (to 1e-3) whose error is within the rate; the error falls as z grows. */
function calibrate(
  errorAt: (z: number) => number,
  rate: number,
  bracket: [number, number],
): { critical: number; error: number } {
  let [lo, hi] = bracket;
  let error = errorAt(hi);
  // Small error rates or long schedules need a larger value; a huge one settles nothing, so no error at all.
  while (error > rate && hi < 40) {
    lo = hi;
    hi *= 2;
    error = errorAt(hi);
  }
  while (hi - lo > 1e-3) {
    const mid = (lo + hi) / 2;
    const e = errorAt(mid);
    if (e <= rate) {
      hi = mid;
      error = e;
    } else lo = mid;
  }
  return { critical: hi, error };
}

/**
 * For each scheduled look before the cap, the counts at which the run is futile: the largest
 * chance of settling by the cap over the shares in the 99 % Wilson interval around k/n is below
 * 5 %. Chances come from backward induction over the schedule, one share of a grid at a time.
 */
function futilityTable(regions: readonly LookRegion[], options: GroupSequentialOptions): Uint8Array[] {
  const best = regions.map((r) => new Float64Array(r.n + 1));
  // Far from every edge a run settles by the cap almost surely; counting those shares as a sure
  // settle (never computing them) can only make fewer states futile, never more.
  const margin = NEAR_EDGE + (options.teacher ? 3 * Math.sqrt(0.25 / options.teacher.n) : 0);
  const edges = [options.reference - options.tolerance, options.reference + options.tolerance];
  const near = (p: number) => edges.some((e) => Math.abs(p - e) <= margin);
  const ranges = regions.map((r) =>
    Array.from({ length: r.n + 1 }, (_, k) => {
      const w = wilsonInterval(k, r.n, FUTILITY_LEVEL);
      return [Math.floor(w.low * GRID_STEPS), Math.ceil(w.high * GRID_STEPS)] as const;
    }),
  );
  for (let g = 0; g <= GRID_STEPS; g++) {
    const p = g / GRID_STEPS;
    const chance = near(p) ? settleChances(regions, p) : null;
    regions.forEach((r, j) => {
      for (let k = 0; k <= r.n; k++) {
        const [from, to] = ranges[j]![k]!;
        if (g < from || g > to) continue;
        const c = chance ? chance[j]![k]! : 1;
        if (c > best[j]![k]!) best[j]![k] = c;
      }
    });
  }
  return best.map((row, j) =>
    j === regions.length - 1 ? new Uint8Array(row.length) : Uint8Array.from(row, (c) => (c < FUTILITY_CHANCE ? 1 : 0)),
  );
}

function checkOptions(options: GroupSequentialOptions): void {
  if (!(options.errorRate > 0 && options.errorRate < 0.5)) {
    throw new StratalignError(
      { field: 'level', value: 1 - options.errorRate },
      'the group-sequential design needs a confidence level above 0.5',
      'use e.g. 0.95',
    );
  }
  if (options.teacher && !(Number.isInteger(options.teacher.n) && options.teacher.n > 0)) {
    throw new StratalignError(
      { field: 'referenceAnswers', value: options.teacher.n },
      "the teacher's number of answers must be a whole number from 1",
      'pass the n of the reference, or declare the reference exact',
    );
  }
}
