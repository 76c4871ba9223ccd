import { basicInterval, hullInterval, UNBOUNDED, type ValueRange } from '../stats/bootstrap.js';
import type { Interval } from '../stats/proportion.js';

/** A statistic with its interval; low/high are null when no interval applies or it is undefined. */
export type Estimate = {
  value: number | null;
  low: number | null;
  high: number | null;
  /** How the interval was made, e.g. 'wilson', 'bootstrap-basic', 'none', or 'none (one answer)'. */
  method: string;
  /** Bootstrap resamples where the statistic was undefined and so left out of the interval. */
  undefinedResamples?: number;
  /** Why an interval that would normally be there is not (e.g. withheld for undefined resamples). */
  note?: string;
  /** Distances whose value is bias-corrected: the plug-in value of the observed answers, biased upwards by noise. */
  plugIn?: number;
};

export const BOOTSTRAP_METHOD = 'bootstrap-basic';
/** For profile correlations: see hullInterval. */
export const HULL_METHOD = 'bootstrap-basic-percentile-hull';

export type BootstrapKind = 'basic' | 'hull';

/** Where each bootstrapped statistic can lie: intervals are cut there. */
export const RANGES = {
  distance: { min: 0, max: 1 },
  share: { min: 0, max: 1 },
  correlation: { min: -1, max: 1 },
  /** Signed ratio of sums: unbounded both ways. */
  pooledClosure: UNBOUNDED,
  /** 100 when the student matches the teacher everywhere; unbounded below. */
  absoluteClosure: { min: Number.NEGATIVE_INFINITY, max: 100 },
} as const satisfies Record<string, ValueRange>;

/** Above this share of undefined resamples an interval describes a different statistic than the estimate: withheld. */
export const MAX_UNDEFINED_SHARE = 0.05;

/** A statistic without an interval (e.g. the paper's metric, which the paper gives as a point). */
export function pointEstimate(value: number | null): Estimate {
  return { value, low: null, high: null, method: 'none' };
}

/** A value with a closed-form interval; an interval with NaN ends (none exists) keeps its reason in `method`. */
export function intervalEstimate(value: number | null, interval: Interval | null): Estimate {
  if (value === null || !interval) return pointEstimate(value);
  if (!Number.isFinite(interval.low) || !Number.isFinite(interval.high))
    return { ...pointEstimate(value), method: interval.method };
  return { value, low: interval.low, high: interval.high, method: interval.method };
}

/**
 * Point value with the basic bootstrap interval of its replicates (or, for correlations, its hull
 * with the percentile interval), cut to the statistic's range; NaN/null replicates count as
 * undefined. When more than 5 % of the replicates are undefined the interval is withheld and
 * `note` says why: the defined ones are a biased selection.
 */
export function bootstrapEstimate(
  value: number | null,
  replicates: ArrayLike<number | null>,
  level: number,
  range: ValueRange,
  kind: BootstrapKind = 'basic',
): Estimate {
  if (value === null) return pointEstimate(null);
  const interval =
    kind === 'hull' ? hullInterval(value, replicates, level, range) : basicInterval(value, replicates, level, range);
  if (!interval) return { ...pointEstimate(value), note: 'no interval: the statistic is undefined in every resample' };
  const out: Estimate = {
    value,
    low: interval.low,
    high: interval.high,
    method: kind === 'hull' ? HULL_METHOD : BOOTSTRAP_METHOD,
  };
  if (interval.undefinedResamples > 0) out.undefinedResamples = interval.undefinedResamples;
  const share = interval.undefinedResamples / replicates.length;
  if (share > MAX_UNDEFINED_SHARE) {
    out.low = null;
    out.high = null;
    out.note = `interval withheld: the statistic is undefined in ${(100 * share).toFixed(1)} % of resamples`;
  } else if (interval.low === interval.high) {
    // A zero-width interval must not read as certainty: say why it has no width.
    out.note = allEqual(replicates, value) ? ZERO_WIDTH.noSpread : ZERO_WIDTH.atRangeEnd;
  }
  return out;
}

/** Why a bootstrap interval has zero width; tables show the short form, the JSON the note. */
export const ZERO_WIDTH = {
  noSpread: 'zero width: every resample gives the same value (shares of 0 or 1 redraw to themselves)',
  atRangeEnd: 'zero width: at the range end, the observed value is below what answer noise alone produces',
  belowNoise: 'at range end: the observed distance is below what answer noise alone gives identical models',
} as const;

export const ZERO_WIDTH_SHORT: Record<string, string> = {
  [ZERO_WIDTH.noSpread]: 'no spread',
  [ZERO_WIDTH.atRangeEnd]: 'at range end',
  [ZERO_WIDTH.belowNoise]: 'at range end',
};

function allEqual(replicates: ArrayLike<number | null>, value: number): boolean {
  for (let i = 0; i < replicates.length; i++) {
    const v = replicates[i];
    if (v !== null && v !== undefined && Number.isFinite(v) && v !== value) return false;
  }
  return true;
}
