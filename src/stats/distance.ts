/**
 * Distances between two answer distributions over the same actions, given as aligned arrays of
 * probabilities (each summing to 1). Both are bounded by 0 and 1, so they compare across games
 * with different numbers of actions.
 */

function checkAligned(p: readonly number[], q: readonly number[]): void {
  if (p.length !== q.length || p.length === 0)
    throw new RangeError(`distributions must be non-empty and aligned (got ${p.length} and ${q.length} actions)`);
}

/**
 * Total variation distance: half the L1 distance, i.e. the largest difference in probability any set of actions can
 * show.
 */
export function totalVariation(p: readonly number[], q: readonly number[]): number {
  checkAligned(p, q);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += Math.abs(p[i]! - q[i]!);
  return sum / 2;
}

/**
 * Kullback-Leibler divergence in bits; terms with p_i = 0 contribute nothing. Only called with q = mixture, so q_i > 0
 * wherever p_i > 0.
 */
function klBits(p: readonly number[], q: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) if (p[i]! > 0) sum += p[i]! * Math.log2(p[i]! / q[i]!);
  return sum;
}

/** Jensen-Shannon divergence with base-2 logarithms (bits), in [0, 1]. */
export function jensenShannonDivergence(p: readonly number[], q: readonly number[]): number {
  checkAligned(p, q);
  const m = p.map((v, i) => (v + q[i]!) / 2);
  // Rounding can leave a tiny negative value for identical inputs; the divergence is never negative.
  return Math.max(0, (klBits(p, m) + klBits(q, m)) / 2);
}

/** Jensen-Shannon distance: square root of the divergence in bits, a metric in [0, 1]. */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  return Math.sqrt(jensenShannonDivergence(p, q));
}

/** Counts to probabilities; null when there are no answers, so no distribution exists. */
export function toDistribution(counts: readonly number[]): number[] | null {
  const n = counts.reduce((a, b) => a + b, 0);
  return n === 0 ? null : counts.map((c) => c / n);
}
