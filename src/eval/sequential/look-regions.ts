import { binomialPmf } from './exact-operating.js';

/**
 * A stopping rule whose verdict at each look depends on the count k through contiguous ranges:
 * outside for k ≤ `outsideBelow` or k ≥ `outsideAbove`, within for `withinLow` ≤ k ≤ `withinHigh`
 * (empty when withinLow > withinHigh), futile where `futile[k]` is set, and continue elsewhere.
 * The gate's efficacy boundaries have this shape, which lets their exact operating
 * characteristics run on typed arrays without asking a rule for every state.
 */
export type LookRegion = {
  n: number;
  outsideBelow: number;
  outsideAbove: number;
  withinLow: number;
  withinHigh: number;
  futile?: Uint8Array;
};

export type RegionOutcome = {
  within: number;
  outside: number;
  futile: number;
  unsettled: number;
  expectedCalls: number;
};

/** Exact outcome probabilities and expected calls when every answer counts with probability `truth`. */
export function regionOperating(truth: number, regions: readonly LookRegion[]): RegionOutcome {
  const out: RegionOutcome = { within: 0, outside: 0, futile: 0, unsettled: 0, expectedCalls: 0 };
  let alive = new Float64Array(1);
  alive[0] = 1;
  let n = 0;
  regions.forEach((region, j) => {
    const size = region.n - n;
    const step = binomialPmf(size, truth);
    const next = new Float64Array(region.n + 1);
    for (let k = 0; k < alive.length; k++) {
      const mass = alive[k]!;
      if (mass === 0) continue;
      for (let x = 0; x <= size; x++) next[k + x]! += mass * step[x]!;
    }
    n = region.n;
    const last = j === regions.length - 1;
    for (let k = 0; k <= n; k++) {
      const mass = next[k]!;
      if (mass === 0) continue;
      let verdict: keyof RegionOutcome | null = null;
      if (k <= region.outsideBelow || k >= region.outsideAbove) verdict = 'outside';
      else if (k >= region.withinLow && k <= region.withinHigh) verdict = 'within';
      else if (!last && region.futile?.[k]) verdict = 'futile';
      else if (last) verdict = 'unsettled';
      if (verdict) {
        out[verdict] += mass;
        out.expectedCalls += mass * n;
        next[k] = 0;
      }
    }
    alive = next;
  });
  return out;
}

/**
 * chance[j][k]: the probability of a settled verdict (within or outside) by the last look from
 * look j with k counted, when the share is p: backward induction over the schedule.
 */
export function settleChances(regions: readonly LookRegion[], p: number): Float64Array[] {
  const chance: Float64Array[] = new Array(regions.length);
  for (let j = regions.length - 1; j >= 0; j--) {
    const region = regions[j]!;
    const row = new Float64Array(region.n + 1);
    const next = chance[j + 1];
    const size = next ? regions[j + 1]!.n - region.n : 0;
    const step = size ? binomialPmf(size, p) : null;
    for (let k = 0; k <= region.n; k++) {
      if (k <= region.outsideBelow || k >= region.outsideAbove || (k >= region.withinLow && k <= region.withinHigh))
        row[k] = 1;
      else if (next && step) {
        let sum = 0;
        for (let x = 0; x <= size; x++) sum += step[x]! * next[k + x]!;
        row[k] = sum;
      }
    }
    chance[j] = row;
  }
  return chance;
}

/** Largest k in [lo, hi] where `holds` (true up to some k, false after), or lo − 1 when none. */
export function lastTrue(lo: number, hi: number, holds: (k: number) => boolean): number {
  if (lo > hi || !holds(lo)) return lo - 1;
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b + 1) >> 1;
    if (holds(mid)) a = mid;
    else b = mid - 1;
  }
  return a;
}

/** Smallest k in [lo, hi] where `holds` (false up to some k, true after), or hi + 1 when none. */
export function firstTrue(lo: number, hi: number, holds: (k: number) => boolean): number {
  if (lo > hi || !holds(hi)) return hi + 1;
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (holds(mid)) b = mid;
    else a = mid + 1;
  }
  return a;
}
