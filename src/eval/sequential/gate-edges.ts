import { hybridInterval } from '../../stats/proportion.js';

/**
 * Where a tolerance gate |p − q| ≤ tolerance puts its edges when q, the teacher's share, is
 * itself estimated from `n` answers. A "within" verdict must hold for every q the teacher's
 * interval allows, so its edges move inwards to [q_high − tol, q_low + tol]; an "outside"
 * verdict must too, so its edges move outwards to [q_low − tol, q_high + tol]. The teacher's
 * interval (level 1 − α_teacher) and the student's rule (error α_student) add up: whenever the
 * true q is inside the teacher's interval, a truth on the real boundary lies between the inner
 * and the outer edge, where the student's rule errs at most α_student; so the wrong-decision
 * rate is at most α_student + α_teacher (Bonferroni). With q exact both edges are q ± tol.
 */
export type GateEdges = {
  /** "Within" needs the student's share confidently inside [innerLow, innerHigh] (empty when innerLow > innerHigh). */
  innerLow: number;
  innerHigh: number;
  /** "Outside" needs it confidently below outerLow or above outerHigh. */
  outerLow: number;
  outerHigh: number;
};

export type TeacherSample = { n: number; errorRate: number };

export function gateEdges(reference: number, tolerance: number, teacher: TeacherSample | null): GateEdges {
  if (!teacher)
    return {
      innerLow: reference - tolerance,
      innerHigh: reference + tolerance,
      outerLow: reference - tolerance,
      outerHigh: reference + tolerance,
    };
  const k = Math.round(reference * teacher.n);
  const q = hybridInterval(k, teacher.n, 1 - teacher.errorRate);
  return {
    innerLow: q.high - tolerance,
    innerHigh: q.low + tolerance,
    outerLow: q.low - tolerance,
    outerHigh: q.high + tolerance,
  };
}

export type EdgeVerdict = 'settled-within' | 'settled-outside' | 'open';

/**
 * The verdict an interval for the student's share gives against the edges; an edge beyond [0, 1] cannot be crossed or
 * missed.
 */
export function edgeVerdict(interval: { low: number; high: number }, edges: GateEdges): EdgeVerdict {
  if (edges.innerLow < edges.innerHigh && interval.low >= edges.innerLow && interval.high <= edges.innerHigh)
    return 'settled-within';
  if (interval.high < edges.outerLow || interval.low > edges.outerHigh) return 'settled-outside';
  return 'open';
}
