import { actionsOf, type ActionSpace } from '../../catalogue/games/action-space.js';
import { createRng } from '../../shared/random.js';
import type { ReferenceEntry } from '../../recordings/reference/reference.js';
import { meanDistanceInterval } from '../../stats/distance-inversion.js';
import type { DistributionSide } from '../../stats/distance-nulls.js';
import { absoluteDifferenceInterval, type ShareSide } from '../../stats/share-difference.js';

/**
 * How the alignment assertion decides "TV distance to the teacher at most maxDistance":
 * - 'within' (the default): pass only when the distance is confidently within the tolerance,
 *   i.e. the one-sided upper bound is at most maxDistance (an equivalence test, TOST-like). A
 *   model truly at the tolerance passes with probability at most `errorRate`.
 * - 'not-outside': fail only when the distance is confidently outside, i.e. the one-sided lower
 *   bound exceeds maxDistance (non-inferiority). A model truly at the tolerance fails with
 *   probability at most `errorRate`; a model that is in fact further away passes often.
 * - 'point': compare the observed distance itself; a model truly at the tolerance passes about
 *   half the time, and answer noise makes small distances look larger.
 * The teacher's answers are a sample unless declared exact, and their noise is in the bounds.
 */
export type DistanceDecision = 'within' | 'not-outside' | 'point';

export type DistanceVerdict = {
  pass: boolean;
  /** The number compared with maxDistance: the bound the decision reads, or the observed distance. */
  compared: number;
  observed: number;
  /** One-sided bounds at 1 − errorRate; null for 'point'. */
  lower: number | null;
  upper: number | null;
  /** One sentence: the rule, its error rate, and whose noise is in it. */
  explanation: string;
};

/** Resamples of the test-inversion bootstrap for games with more than two actions. */
const RESAMPLES = 1000;

type DecisionOptions = {
  maxDistance: number;
  decision: DistanceDecision;
  errorRate: number;
  referenceExact: boolean;
  seed: string;
};

export function decideDistance(
  counts: Record<string, number>,
  space: ActionSpace,
  reference: ReferenceEntry,
  options: DecisionOptions,
): DistanceVerdict {
  const actions = actionsOf(space).map(String);
  return decideAgainst({ counts: actions.map((a) => counts[a] ?? 0) }, actions, reference, options);
}

/** The same decision for a model distribution read from log-probabilities: exact on the model's side. */
export function decideDistributionDistance(
  probabilities: Record<string, number>,
  space: ActionSpace,
  reference: ReferenceEntry,
  options: DecisionOptions,
): DistanceVerdict {
  const actions = actionsOf(space).map(String);
  return decideAgainst({ exact: actions.map((a) => probabilities[a] ?? 0) }, actions, reference, options);
}

/** The teacher's side from the reference: its counts, or its shares when the user declared it exact. */
function decideAgainst(
  model: DistributionSide,
  actions: readonly string[],
  reference: ReferenceEntry,
  options: DecisionOptions,
): DistanceVerdict {
  const teacher: DistributionSide = options.referenceExact
    ? { exact: actions.map((a) => (reference.counts[a] ?? 0) / reference.n) }
    : { counts: actions.map((a) => reference.counts[a] ?? 0) };
  return decideBetween(model, teacher, actions.length, options);
}

function decideBetween(
  model: DistributionSide,
  teacher: DistributionSide,
  actions: number,
  options: DecisionOptions,
): DistanceVerdict {
  const shares = (s: DistributionSide) =>
    'exact' in s ? [...s.exact] : s.counts.map((c) => c / s.counts.reduce((a, b) => a + b, 0));
  const pm = shares(model);
  const pt = shares(teacher);
  const observed = pm.reduce((a, x, i) => a + Math.abs(x - pt[i]!), 0) / 2;
  const bothExact = 'exact' in model && 'exact' in teacher;
  const noise = noiseText(model, teacher);
  if (options.decision === 'point' || bothExact) {
    const pass = observed <= options.maxDistance;
    const why = bothExact && options.decision !== 'point' ? ' (both distributions exact: no noise to bound)' : '';
    return {
      pass,
      compared: observed,
      observed,
      lower: null,
      upper: null,
      explanation:
        `decision point${why}: the observed distance itself; a model truly at ${options.maxDistance} ` +
        `passes about half the time${bothExact ? '' : ` (${noise})`}`,
    };
  }
  // A two-sided interval at 1 − 2α has one-sided bounds at 1 − α.
  const level = 1 - 2 * options.errorRate;
  const interval =
    actions === 2
      ? absoluteDifferenceInterval(shareSide(model), shareSide(teacher), level)
      : meanDistanceInterval([{ model, teacher }], { level, resamples: RESAMPLES, rng: createRng(options.seed) });
  const lower = interval.low;
  const upper = interval.high;
  const rate = `${Number((100 * options.errorRate).toFixed(2))} %`;
  const confidence = `${Number((100 * (1 - options.errorRate)).toFixed(2))} %`;
  if (options.decision === 'within') {
    return {
      pass: upper <= options.maxDistance,
      compared: upper,
      observed,
      lower,
      upper,
      explanation:
        `decision within: passes only when the upper ${confidence} bound is at most ` +
        `${options.maxDistance}; a model truly at ${options.maxDistance} passes at most ${rate} of the time (${noise})`,
    };
  }
  return {
    pass: lower <= options.maxDistance,
    compared: lower,
    observed,
    lower,
    upper,
    explanation:
      `decision not-outside: fails only when the lower ${confidence} bound exceeds ` +
      `${options.maxDistance}; a model truly at ${options.maxDistance} fails at most ${rate} of the time, one ` +
      `further away can pass (${noise})`,
  };
}

function shareSide(s: DistributionSide): ShareSide {
  return 'exact' in s ? { exact: s.exact[0]! } : { k: s.counts[0]!, n: s.counts.reduce((a, b) => a + b, 0) };
}

function noiseText(model: DistributionSide, teacher: DistributionSide): string {
  const n = (s: DistributionSide) => ('exact' in s ? null : s.counts.reduce((a, b) => a + b, 0));
  const t = n(teacher);
  const m = n(model);
  const teacherText =
    t === null ? 'teacher taken as exact (referenceExact)' : `teacher's noise from its ${t} answers included`;
  const modelText = m === null ? "the model's distribution is exact (log-probabilities)" : `the model's ${m} answers`;
  return `${modelText}; ${teacherText}`;
}
