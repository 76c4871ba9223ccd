import type { Rng } from '../shared/random.js';

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
  let pmf = q ** n;
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
  for (let r = 0; r < resamples; r++)
    out.push(n === 0 ? counts.map(() => 0) : sampleMultinomial(n, probabilities, rng));
  return out;
}

/**
 * Type-7 sample quantile (R's default, numpy's 'linear') of an ascending array: linear
 * interpolation between order statistics at position (n - 1) * p. On 1..10, p = 0.975 gives 9.775.
 */
export function quantileType7(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0 || !(p >= 0 && p <= 1))
    throw new RangeError(`quantileType7 needs values and 0 <= p <= 1 (got ${sorted.length} values, p=${p})`);
  const h = (sorted.length - 1) * p;
  const below = Math.floor(h);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (h - below) * (sorted[above]! - sorted[below]!);
}

export type BootstrapInterval = {
  low: number;
  high: number;
  /** Resamples where the statistic was undefined (e.g. a zero gap) and so left out of the interval. */
  undefinedResamples: number;
};

/** Where a statistic can lie, e.g. [0, 1] for a distance; infinite ends for unbounded ratios. */
export type ValueRange = { min: number; max: number };
export const UNBOUNDED: ValueRange = { min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY };

/** Defined replicates in ascending order, and how many were undefined (null, NaN). */
function sortedDefined(replicates: ArrayLike<number | null>): { sorted: Float64Array; undefinedResamples: number } {
  const defined: number[] = [];
  for (let i = 0; i < replicates.length; i++) {
    const v = replicates[i];
    if (v !== null && v !== undefined && Number.isFinite(v)) defined.push(v);
  }
  const sorted = Float64Array.from(defined).sort();
  return { sorted, undefinedResamples: replicates.length - defined.length };
}

/**
 * Percentile interval of bootstrap replicates (type-7 quantiles). Undefined replicates are
 * counted and left out; null when none is defined. It inherits the statistic's bias twice over,
 * so the report uses `basicInterval`; this one stays for comparison and tests.
 */
export function percentileInterval(replicates: ArrayLike<number | null>, level: number): BootstrapInterval | null {
  const { sorted, undefinedResamples } = sortedDefined(replicates);
  if (sorted.length === 0) return null;
  const tail = (1 - level) / 2;
  return { low: quantileType7(sorted, tail), high: quantileType7(sorted, 1 - tail), undefinedResamples };
}

/**
 * Basic (reverse-percentile) bootstrap interval: [2θ − q(1−α/2), 2θ − q(α/2)]. It reads the
 * replicates' offset from the estimate as the estimate's offset from the truth, so a statistic
 * biased upwards (plug-in distances, whose replicates sit above the estimate) gets an interval
 * shifted down rather than up. Where that offset is larger than the spread (a student whose
 * counts equal the teacher's: distance 0, every replicate above 0) the interval would exclude
 * the estimate, so it is widened to reach the estimate, then cut to the statistic's range.
 * Always low <= estimate <= high. Null when no replicate is defined.
 */
export function basicInterval(
  estimate: number,
  replicates: ArrayLike<number | null>,
  level: number,
  range: ValueRange = UNBOUNDED,
): BootstrapInterval | null {
  if (!Number.isFinite(estimate)) return null;
  const { sorted, undefinedResamples } = sortedDefined(replicates);
  if (sorted.length === 0) return null;
  const tail = (1 - level) / 2;
  const low = Math.min(2 * estimate - quantileType7(sorted, 1 - tail), estimate);
  const high = Math.max(2 * estimate - quantileType7(sorted, tail), estimate);
  const clamp = (v: number) => Math.min(range.max, Math.max(range.min, v));
  return { low: clamp(low), high: clamp(high), undefinedResamples };
}

/**
 * The smallest interval holding both the basic and the percentile interval (and the estimate), cut
 * to the range. For a statistic whose replicates are skewed by its range end rather than shifted
 * by a bias, e.g. a correlation over 3 to 5 scenarios near ±1, the basic interval reflects the
 * skew onto the wrong side and reads far too sure ("0.99 [0.99, 1.00]" where resamples reach
 * -0.08); the percentile interval misses the attenuation. Where the two agree the hull is either;
 * where they do not, it shows the uncertainty neither shows alone.
 */
export function hullInterval(
  estimate: number,
  replicates: ArrayLike<number | null>,
  level: number,
  range: ValueRange = UNBOUNDED,
): BootstrapInterval | null {
  const basic = basicInterval(estimate, replicates, level, range);
  const percentile = percentileInterval(replicates, level);
  if (!basic || !percentile) return null;
  const clamp = (v: number) => Math.min(range.max, Math.max(range.min, v));
  return {
    low: Math.min(basic.low, clamp(percentile.low)),
    high: Math.max(basic.high, clamp(percentile.high)),
    undefinedResamples: basic.undefinedResamples,
  };
}
