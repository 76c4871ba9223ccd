import jStat from 'jstat';
import type { Interval } from './interval.js';

/**
 * Clopper-Pearson ("exact") interval for k successes in n trials, from beta quantiles. It never
 * undercovers, at the price of being wider than Wilson; the report offers it for users who must
 * guarantee the stated level. k may be fractional (an expected count of log-probability readings,
 * src/recordings/logprob-reading.ts): the beta quantiles are defined for any 0 <= k <= n.
 */
export function clopperPearsonInterval(k: number, n: number, level = 0.95): Interval {
  if (!Number.isInteger(n) || !(k >= 0 && k <= n)) {
    throw new RangeError(`clopperPearsonInterval: need 0 <= k <= n with n whole, got k=${k}, n=${n}`);
  }
  if (n === 0) return { low: 0, high: 1, level, method: 'clopper-pearson' };
  const alpha = 1 - level;
  const low = k === 0 ? 0 : jStat.beta.inv(alpha / 2, k, n - k + 1);
  const high = k === n ? 1 : jStat.beta.inv(1 - alpha / 2, k + 1, n - k);
  return { low, high, level, method: 'clopper-pearson' };
}
