import { wilsonInterval } from '../../stats/proportion.js';
import type { StoppingRule } from './stopping-rule.js';

/**
 * Stop as soon as a plain (fixed-n) Wilson interval is at most ±halfWidth: the fixed-width
 * sequential interval of Chow & Robbins (1965, "On the asymptotic theory of fixed-width
 * sequential confidence intervals for the mean", Ann. Math. Statist. 36:457). It stops near the
 * n a fixed design would need if p were known, because it stops on the interval's width, which
 * barely depends on where p lies, never on which side of a threshold the estimate falls.
 * Its coverage is asymptotic (as halfWidth → 0), not guaranteed at every look, so it is only for
 * pinning an estimate, never for settling a gate; exactOperatingCharacteristics gives its
 * coverage at a given truth exactly.
 */
export function fixedWidthRule(halfWidth: number, level: number): StoppingRule {
  return (k, n) => {
    const wilson = wilsonInterval(k, n, level);
    const interval = { ...wilson, method: 'wilson (fixed-width stopping, Chow-Robbins)' };
    return { verdict: n > 0 && (wilson.high - wilson.low) / 2 <= halfWidth ? 'pinned' : 'continue', interval };
  };
}
