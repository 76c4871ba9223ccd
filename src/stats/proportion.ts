import jStat from 'jstat';
import { clopperPearsonInterval } from './exact-interval.js';

export type Interval = { low: number; high: number; level: number; method: string };

/** Two-sided normal quantile for a confidence level, e.g. 1.959964 for 0.95. */
export function normalQuantile(level: number): number {
  return jStat.normal.inv(1 - (1 - level) / 2, 0, 1);
}

/**
 * Wilson score interval for k successes in n trials: good coverage even near 0 and 1, where the
 * teacher often sits (e.g. 0 of 300 C answers in sports/prisoners-dilemma).
 */
export function wilsonInterval(k: number, n: number, level = 0.95): Interval {
  if (n === 0) return { low: 0, high: 1, level, method: 'wilson' };
  const z = normalQuantile(level);
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half), level, method: 'wilson' };
}

export type ProportionMethod = 'wilson' | 'exact';

/** Interval for a share by the chosen method; 'exact' is Clopper-Pearson. */
export function proportionInterval(k: number, n: number, method: ProportionMethod, level = 0.95): Interval {
  return method === 'exact' ? clopperPearsonInterval(k, n, level) : wilsonInterval(k, n, level);
}
