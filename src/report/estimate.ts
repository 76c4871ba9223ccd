import { percentileInterval } from '../stats/bootstrap.js';
import type { Interval } from '../stats/proportion.js';
import type { Estimate } from './types.js';

export const BOOTSTRAP_METHOD = 'bootstrap-percentile';

/** A statistic without an interval (e.g. the paper's metric, which the paper gives as a point). */
export function pointEstimate(value: number | null): Estimate {
  return { value, low: null, high: null, method: 'none' };
}

export function intervalEstimate(value: number | null, interval: Interval | null): Estimate {
  if (value === null || !interval || !Number.isFinite(interval.low)) return pointEstimate(value);
  return { value, low: interval.low, high: interval.high, method: interval.method };
}

/** Point value with the percentile interval of its bootstrap replicates (NaN/null replicates counted as undefined). */
export function bootstrapEstimate(value: number | null, replicates: ArrayLike<number | null>, level: number): Estimate {
  if (value === null) return pointEstimate(null);
  const interval = percentileInterval(Array.from(replicates, (v) => (v === null || Number.isNaN(v) ? null : v)), level);
  if (!interval) return pointEstimate(value);
  const out: Estimate = { value, low: interval.low, high: interval.high, method: BOOTSTRAP_METHOD };
  if (interval.undefinedResamples > 0) out.undefinedResamples = interval.undefinedResamples;
  return out;
}
