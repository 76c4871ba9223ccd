/**
 * Binomial draws by inversion of a given uniform: the same uniform gives a count that grows with
 * p. Test-inversion intervals simulate the same draws under many candidate truths (common
 * random numbers), so their quantiles move smoothly and monotonically with the candidate.
 */

/** Cumulative probabilities P(X ≤ k), k = 0..n, of Binomial(n, p), built by the pmf recurrence. */
export function binomialCdfTable(n: number, p: number): Float64Array {
  const table = new Float64Array(n + 1);
  if (p <= 0) return table.fill(1);
  if (p >= 1) {
    table[n] = 1;
    return table;
  }
  // Start at the mode and walk both ways in log space: (1-p)^n underflows for large n.
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const pmf = new Float64Array(n + 1);
  pmf[mode] = 1;
  const ratio = p / (1 - p);
  for (let k = mode; k < n; k++) pmf[k + 1] = (pmf[k]! * ratio * (n - k)) / (k + 1);
  for (let k = mode; k > 0; k--) pmf[k - 1] = (pmf[k]! * k) / (ratio * (n - k + 1));
  let total = 0;
  for (let k = 0; k <= n; k++) total += pmf[k]!;
  let acc = 0;
  for (let k = 0; k <= n; k++) {
    acc += pmf[k]! / total;
    table[k] = acc;
  }
  table[n] = 1;
  return table;
}

/** Uniforms in ascending order with their positions, so a whole batch inverts in one pass over a CDF table. */
export type SortedUniforms = { values: Float64Array; positions: Uint32Array };

export function sortUniforms(uniforms: Float64Array): SortedUniforms {
  const positions = Uint32Array.from(uniforms.keys()).sort((a, b) => uniforms[a]! - uniforms[b]!);
  return { values: Float64Array.from(positions, (i) => uniforms[i]!), positions };
}

/**
 * Binomial(n, p) at every uniform at once: out[i] is the inverse CDF at uniforms[i]. One walk
 * over the CDF along the sorted uniforms, O(n + R) instead of R binary searches.
 */
export function invertAll(n: number, p: number, sorted: SortedUniforms, out: Float64Array | Int32Array): void {
  const table = binomialCdfTable(n, p);
  let k = 0;
  for (let j = 0; j < sorted.values.length; j++) {
    const u = sorted.values[j]!;
    while (k < n && table[k]! < u) k++;
    out[sorted.positions[j]!] = k;
  }
}

/** Smallest k with P(X ≤ k) ≥ u: the inverse CDF at u, by binary search in a table. */
export function invertCdf(table: Float64Array, u: number): number {
  let lo = 0;
  let hi = table.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (table[mid]! >= u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Binomial(n, p) at uniform u without a table, walking the pmf from the end nearer the mass
 * (for p > 1/2 it counts failures from u's complement, which keeps the count increasing in p).
 * For the chains of conditional binomials a multinomial draw is made of, where n changes.
 */
export function binomialAt(n: number, p: number, u: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomialAt(n, 1 - p, 1 - u);
  const q = 1 - p;
  let pmf = q ** n;
  if (pmf < 1e-300) return invertCdf(binomialCdfTable(n, p), u);
  const ratio = p / q;
  let cdf = pmf;
  let k = 0;
  while (cdf < u && k < n) {
    pmf *= (ratio * (n - k)) / (k + 1);
    cdf += pmf;
    k++;
  }
  return k;
}

/**
 * A multinomial draw as a chain of conditional binomials, stage i at uniforms[offset + i]
 * (length of probabilities − 1 uniforms). Counts are written into `out`.
 */
export function multinomialAt(
  n: number,
  probabilities: readonly number[],
  uniforms: ArrayLike<number>,
  offset: number,
  out: number[],
): void {
  let remaining = n;
  let mass = 1;
  const last = probabilities.length - 1;
  for (let i = 0; i < last; i++) {
    const p = probabilities[i]!;
    const k = remaining === 0 || mass <= 0 ? 0 : binomialAt(remaining, Math.min(1, p / mass), uniforms[offset + i]!);
    out[i] = k;
    remaining -= k;
    mass -= p;
  }
  out[last] = remaining;
}
