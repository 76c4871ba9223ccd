import jStat from 'jstat';
import type { Rng } from '../random.js';

/**
 * Parametric multinomial bootstrap: each resample redraws a model's n answers from its observed
 * answer shares. Randomness comes in as an Rng, so a seed reproduces every interval. A share of
 * 0 or 1 resamples to itself, so intervals there reflect only the other model's noise.
 */

/** One Binomial(n, p) draw by inversion (walks the probability mass function from 0). */
export function sampleBinomial(n: number, p: number, rng: Rng): number {
  if (p <= 0 || n === 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - sampleBinomial(n, 1 - p, rng);
  const q = 1 - p;
  let pmf = Math.pow(q, n);
  // (1-p)^n underflows only for very large n; counting successes one by one is exact and still correct there.
  if (pmf < 1e-300) {
    let k = 0;
    for (let i = 0; i < n; i++) if (rng() < p) k++;
    return k;
  }
  const ratio = p / q;
  let u = rng();
  let k = 0;
  while (u > pmf && k < n) {
    u -= pmf;
    pmf *= (ratio * (n - k)) / (k + 1);
    k++;
  }
  return k;
}

/** Multinomial draw as a chain of conditional binomials: action i gets Binomial(rest, p_i / remaining mass). */
export function sampleMultinomial(n: number, probabilities: readonly number[], rng: Rng): number[] {
  const out = new Array<number>(probabilities.length).fill(0);
  let remaining = n;
  let mass = 1;
  for (let i = 0; i < probabilities.length && remaining > 0; i++) {
    const p = probabilities[i]!;
    if (i === probabilities.length - 1 || mass <= p) {
      out[i] = remaining;
      break;
    }
    const k = sampleBinomial(remaining, Math.min(1, p / mass), rng);
    out[i] = k;
    remaining -= k;
    mass -= p;
  }
  return out;
}

/** `resamples` redraws of the observed counts, each with the same total. */
export function resampleCounts(counts: readonly number[], resamples: number, rng: Rng): number[][] {
  const n = counts.reduce((a, b) => a + b, 0);
  const probabilities = counts.map((c) => (n === 0 ? 0 : c / n));
  const out: number[][] = [];
  for (let r = 0; r < resamples; r++) out.push(n === 0 ? counts.map(() => 0) : sampleMultinomial(n, probabilities, rng));
  return out;
}

export type PercentileInterval = {
  low: number;
  high: number;
  /** Resamples where the statistic was undefined (e.g. a zero gap) and so left out of the interval. */
  undefinedResamples: number;
};

/**
 * Percentile interval of bootstrap replicates (type-7 quantiles, via jStat). Undefined replicates
 * (null, NaN) are counted and left out; null when none is defined.
 */
export function percentileInterval(replicates: readonly (number | null)[], level: number): PercentileInterval | null {
  const defined = replicates.filter((v): v is number => v !== null && Number.isFinite(v));
  if (defined.length === 0) return null;
  // jStat sorts its input on every call; a pre-sorted copy makes the second sort nearly free.
  defined.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { low: jStat.percentile(defined, tail), high: jStat.percentile(defined, 1 - tail), undefinedResamples: replicates.length - defined.length };
}
