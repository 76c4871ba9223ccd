import { proportionInterval } from '../stats/proportion.js';
import { intervalEstimate } from './estimate.js';
import type { Measured } from './tally-measures.js';
import type { Estimate, ReportSettings } from './types.js';

/**
 * How a group's answers were read, per model: by the parser's rules, by the audited extractor,
 * or not at all. `ruleReadRate` is the share of received answers the rules read (what a
 * `rule-read-rate` gate checks); null when the data did not record parse failures.
 */
export type ReadRoutes = { extractorRead: number; ruleReadRate: Estimate | null };

export function readRoutes(measured: readonly Measured[], settings: ReportSettings): ReadRoutes {
  const extractorRead = measured.reduce((a, m) => a + (m.extracted ?? 0), 0);
  if (measured.some((m) => m.failures === null)) return { extractorRead, ruleReadRate: null };
  const valid = measured.reduce((a, m) => a + m.valid, 0);
  const received = valid + measured.reduce((a, m) => a + m.failures!, 0);
  const byRules = valid - extractorRead;
  const interval = proportionInterval(byRules, received, settings.proportionInterval, settings.level);
  return { extractorRead, ruleReadRate: intervalEstimate(received === 0 ? null : byRules / received, interval) };
}
