import jStat from 'jstat';
import { StratalignError } from '../../shared/errors.js';
import { normalQuantile, wilsonInterval } from '../../stats/proportion.js';

/**
 * The fixed-n designs sequential sampling is compared with: draw n answers, look once.
 * One look means a plain 95 % interval holds its error rate; it is re-testing the same interval
 * at many looks that breaks it.
 */
export type FixedGate = { reference: number; tolerance: number; level: number };
export type FixedVerdict = 'settled-within' | 'settled-outside' | 'unsettled';

/** The gate's verdict from a single Wilson interval after k counted answers of n. */
export function fixedGateDecision(k: number, n: number, gate: FixedGate): FixedVerdict {
  const interval = wilsonInterval(k, n, gate.level);
  if (interval.low >= gate.reference - gate.tolerance && interval.high <= gate.reference + gate.tolerance)
    return 'settled-within';
  if (interval.high < gate.reference - gate.tolerance || interval.low > gate.reference + gate.tolerance)
    return 'settled-outside';
  return 'unsettled';
}

/** Exact probability of each fixed-n verdict when the counted action has probability `truth`. */
export function fixedGateProbabilities(truth: number, n: number, gate: FixedGate): Record<FixedVerdict, number> {
  const out: Record<FixedVerdict, number> = { 'settled-within': 0, 'settled-outside': 0, unsettled: 0 };
  for (let k = 0; k <= n; k++) out[fixedGateDecision(k, n, gate)] += jStat.binomial.pdf(k, n, truth);
  return out;
}

/** n for a ±halfWidth normal interval at the worst case p = 1/2 (385 for ±0.05 at 95 %). */
export function worstCaseSampleSize(halfWidth: number, level: number): number {
  checkHalfWidth(halfWidth);
  const z = normalQuantile(level);
  return Math.ceil((z * z * 0.25) / (halfWidth * halfWidth));
}

/** Smallest n whose Wilson interval around a share p is at most ±halfWidth (needs p known in advance). */
export function wilsonSampleSize(p: number, halfWidth: number, level: number): number {
  checkHalfWidth(halfWidth);
  // With the share held at exactly p the half-width falls as n grows, so the first n that fits is the smallest.
  const halfAt = (n: number) => {
    const interval = wilsonInterval(p * n, n, level);
    return (interval.high - interval.low) / 2;
  };
  let n = 1;
  while (halfAt(n) > halfWidth) n++;
  return n;
}

function checkHalfWidth(halfWidth: number): void {
  if (!(halfWidth > 0 && halfWidth < 0.5)) {
    throw new StratalignError(
      { field: 'halfWidth', value: halfWidth },
      'half-width must lie strictly between 0 and 0.5',
      'use e.g. 0.05',
    );
  }
}
