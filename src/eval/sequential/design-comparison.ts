import jStat from 'jstat';
import { exactOperatingCharacteristics } from './exact-operating.js';
import { efficacyRule } from './group-sequential.js';
import type { SequentialDesign } from './run-sequential.js';
import { createStoppingRule, type StoppingRule } from './stopping-rule.js';

/**
 * Exact operating characteristics of tolerance-gate designs on a set of (student share, teacher
 * share) cases: mean calls, how often decisions are right, wrong or left open, and the
 * wrong-decision rate on the tolerance boundary, all by dynamic programming over the look
 * schedule, never by simulation. With the teacher estimated from `n` answers, every figure is
 * averaged over the teacher's own binomial draw: the design sees q̂ = K/n, the truth is q.
 */
export type GateCase = { truth: number; reference: number };

export type TeacherModel = { kind: 'exact' } | { kind: 'estimated'; n: number };

/** A design as a function of the teacher share it reads (the estimate when the teacher is estimated). */
export type DesignFactory = {
  name: string;
  ruleFor: (referenceRead: number, teacher: TeacherModel) => StoppingRule;
  schedule: SequentialDesign;
};

export type DesignSummary = {
  name: string;
  meanCalls: number;
  /** Shares of cases, averaged: decided on the true side, on the wrong side, not decided. */
  correct: number;
  wrong: number;
  unsettled: number;
  /** Worst exact P(within) + P(outside) at a truth on q ± tolerance, over the cases' q. */
  worstBoundaryError: number;
  /** Teacher-estimated only: binomial mass of teacher draws left out of the sums (added to the error bound). */
  omittedMass: number;
};

/** Teacher draws with less probability than this are left out; their total mass is reported. */
const NEGLIGIBLE = 1e-7;

export function summariseDesign(
  design: DesignFactory,
  cases: readonly GateCase[],
  teacher: TeacherModel,
  tolerance: number,
): DesignSummary {
  const rules = new Map<number, StoppingRule>();
  const ruleAt = (q: number) => {
    let rule = rules.get(q);
    if (!rule) rules.set(q, (rule = design.ruleFor(q, teacher)));
    return rule;
  };
  let omittedMass = 0;
  /** Mass-weighted sums of [calls, P(within), P(outside)] over the teacher's draws. */
  const mixture = (q: number, truth: number): [number, number, number] => {
    const at = (rule: StoppingRule): [number, number, number] => {
      const oc = exactOperatingCharacteristics(truth, rule, design.schedule);
      return [oc.expectedCalls, oc.outcomes['settled-within'], oc.outcomes['settled-outside']];
    };
    if (teacher.kind === 'exact') return at(ruleAt(q));
    const { draws, omitted } = teacherDraws(q, teacher.n);
    omittedMass = Math.max(omittedMass, omitted);
    const sum: [number, number, number] = [0, 0, 0];
    for (const d of draws)
      at(ruleAt(d.share)).forEach((v, i) => {
        sum[i]! += d.mass * v;
      });
    return sum;
  };
  let calls = 0;
  let correct = 0;
  let wrong = 0;
  for (const c of cases) {
    const [spent, within, outside] = mixture(c.reference, c.truth);
    const isWithin = Math.abs(c.truth - c.reference) <= tolerance + 1e-12;
    calls += spent;
    correct += isWithin ? within : outside;
    wrong += isWithin ? outside : within;
  }
  let worst = 0;
  for (const q of new Set(cases.map((c) => c.reference))) {
    for (const p of [q - tolerance, q + tolerance].filter((x) => x > 0 && x < 1)) {
      const [, within, outside] = mixture(q, p);
      worst = Math.max(worst, within + outside);
    }
  }
  const n = cases.length;
  return {
    name: design.name,
    meanCalls: calls / n,
    correct: correct / n,
    wrong: wrong / n,
    unsettled: 1 - (correct + wrong) / n,
    worstBoundaryError: worst + omittedMass,
    omittedMass,
  };
}

/** The teacher's possible shares K/n with their binomial probabilities, the negligible tails left out. */
export function teacherDraws(q: number, n: number): { draws: { share: number; mass: number }[]; omitted: number } {
  const draws: { share: number; mass: number }[] = [];
  let kept = 0;
  for (let k = 0; k <= n; k++) {
    const mass = jStat.binomial.pdf(k, n, q);
    if (mass < NEGLIGIBLE) continue;
    draws.push({ share: k / n, mass });
    kept += mass;
  }
  return { draws, omitted: Math.max(0, 1 - kept) };
}

/** The teacher's noise as the designs take it: half the error rate to its interval, edges moved by it. */
const teacherArg = (teacher: TeacherModel) => (teacher.kind === 'estimated' ? { referenceAnswers: teacher.n } : {});

/** Our default: the calibrated group-sequential design with futility (src/eval/sequential/group-sequential.ts). */
export function groupSequentialFactory(tolerance: number, level: number, schedule: SequentialDesign): DesignFactory {
  return {
    name: 'group-sequential (calibrated, futility)',
    schedule,
    ruleFor: (q, teacher) =>
      createStoppingRule({
        reference: q,
        tolerance,
        level,
        design: 'group-sequential',
        ...schedule,
        ...teacherArg(teacher),
      }),
  };
}

/** The always-valid confidence sequence, for any look and open-ended caps. */
export function alwaysValidFactory(tolerance: number, level: number, schedule: SequentialDesign): DesignFactory {
  return {
    name: 'always-valid (confidence sequence)',
    schedule,
    ruleFor: (q, teacher) => createStoppingRule({ reference: q, tolerance, level, ...teacherArg(teacher) }),
  };
}

/**
 * The simple design: one critical value z at every look for the interval of p − q (the student's
 * Wilson interval minus q with the teacher exact; Newcombe's hybrid score interval with it
 * estimated: adjusted for the teacher's noise the same way as ours), no futility. `z` is the
 * caller's (2.8 for the design at 5 %).
 */
export function simpleFactory(
  tolerance: number,
  z: number,
  schedule: SequentialDesign,
  name = `simple (Wilson z = ${z})`,
): DesignFactory {
  return {
    name,
    schedule,
    ruleFor: (q, teacher) =>
      efficacyRule(z, { reference: q, tolerance, teacher: teacherOf(teacher) }, teacherCount(q, teacher)),
  };
}

/** One look at the cap with the two-sided interval at the level (Wilson, or Newcombe with the teacher estimated). */
export function fixedFactory(tolerance: number, level: number, calls: number): DesignFactory {
  const z = jStat.normal.inv(1 - (1 - level) / 2, 0, 1);
  return {
    name: `fixed ${calls}`,
    schedule: { batch: calls, cap: calls },
    ruleFor: (q, teacher) =>
      efficacyRule(z, { reference: q, tolerance, teacher: teacherOf(teacher) }, teacherCount(q, teacher)),
  };
}

const teacherOf = (teacher: TeacherModel) => (teacher.kind === 'estimated' ? { n: teacher.n } : null);
const teacherCount = (q: number, teacher: TeacherModel) =>
  teacher.kind === 'estimated' ? Math.round(q * teacher.n) : null;

/**
 * The simple design's z for an error rate, found as its author would: the smallest z (to 0.01)
 * whose exact boundary error is within the rate for every teacher share in `references` (with
 * the teacher estimated, averaged over its binomial draw at each of them).
 */
export function simpleCriticalValue(
  tolerance: number,
  rate: number,
  references: readonly number[],
  schedule: SequentialDesign,
  teacher: TeacherModel = { kind: 'exact' },
): number {
  const cases = references.map((q) => ({ truth: q, reference: q }));
  let lo = 1.5;
  let hi = 5;
  while (hi - lo > 0.005) {
    const mid = (lo + hi) / 2;
    const worst = summariseDesign(
      simpleFactory(tolerance, mid, schedule),
      cases,
      teacher,
      tolerance,
    ).worstBoundaryError;
    if (worst <= rate) hi = mid;
    else lo = mid;
  }
  return Math.ceil(hi * 100) / 100;
}
