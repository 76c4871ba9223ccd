import { StratalignError, type ErrorLocation } from '../../shared/errors.js';
import type { MetricName } from './metrics.js';

/**
 * Metrics that only make sense as a floor. A ceiling on the rules' read rate would fail a
 * release for reading its answers too well: always a mistake, so it is a usage error.
 */
const FLOOR_ONLY: Partial<Record<MetricName, string>> = {
  'rule-read-rate':
    'write min: <percent> (e.g. min: 95 for at least 95 % of answers read by the rules), or --min rule-read-rate=95',
};

export function checkSide(metric: MetricName, side: 'min' | 'max', threshold: number, where: ErrorLocation): void {
  const fix = FLOOR_ONLY[metric];
  if (side === 'max' && fix) {
    throw new StratalignError(
      { ...where, value: threshold },
      `${metric} is a floor: a gate requires a minimum share read by the rules, never a maximum`,
      fix,
    );
  }
}
