import jStat from 'jstat';

/**
 * Pearson correlation of two profiles (e.g. cooperation per scenario of student and teacher).
 * Null when it is undefined: fewer than 3 points, or one profile does not vary.
 */
export function pearsonCorrelation(a: readonly number[], b: readonly number[]): number | null {
  if (a.length !== b.length) throw new RangeError(`profiles must be aligned (got ${a.length} and ${b.length} points)`);
  if (a.length < 3) return null;
  const r = jStat.corrcoeff([...a], [...b]);
  return Number.isFinite(r) ? Math.max(-1, Math.min(1, r)) : null;
}
