import { StratalignError } from '../../shared/errors.js';
import { checkLevel, confidenceSequence, gatePrior, JEFFREYS_PRIOR, type MixturePrior } from './confidence-sequence.js';
import { edgeVerdict, gateEdges, type GateEdges } from './gate-edges.js';
import { groupSequentialDesign } from './group-sequential.js';
import type { Look, StoppingRule } from './look.js';

/**
 * When to stop sampling one scenario. The gate asks whether the model's probability p of the
 * counted action lies within `tolerance` of the teacher's probability `reference` (for a
 * two-action game |p − q| is the total-variation distance). A look settles the gate when the
 * anytime confidence sequence lies entirely inside [q − tol, q + tol] or entirely outside it,
 * and pins the estimate when its half-width is at most `targetHalfWidth`. Because the sequence
 * covers p at every look at once, a settled verdict is wrong with probability ≤ 1 − level no
 * matter how often we look or when we stop.
 *
 * Two designs: 'always-valid' (the default here) is the confidence sequence, valid at any look
 * and for an open-ended cap; 'group-sequential' (src/eval/sequential/group-sequential.ts) looks on a
 * fixed schedule up to a fixed cap and spends fewer calls for the same exact error rate. When
 * the teacher's share is itself estimated from `referenceAnswers` answers, half the error rate
 * goes to the teacher's interval and the gate's edges move by it (src/eval/sequential/gate-edges.ts).
 */
export type SequentialDesignKind = 'always-valid' | 'group-sequential';
export const SEQUENTIAL_DESIGNS: readonly SequentialDesignKind[] = ['group-sequential', 'always-valid'];

export type StoppingOptions = {
  /** Teacher's probability of the counted action. */
  reference?: number;
  /** Answers the teacher's share was estimated from; absent when the reference is exact. */
  referenceAnswers?: number;
  /** Default 'always-valid'; 'group-sequential' needs `batch` and `cap`. */
  design?: SequentialDesignKind;
  /** The look schedule, for the group-sequential design. */
  batch?: number;
  cap?: number;
  /** Largest |p − reference| that still counts as aligned, e.g. 0.1. */
  tolerance?: number;
  /** Confidence level of the sequence, e.g. 0.95. */
  level: number;
  /** Stop once the interval's half-width is at most this, e.g. 0.05. */
  targetHalfWidth?: number;
  /** Mixture prior of the sequence; defaults to gatePrior(reference, tolerance), or Jeffreys without a gate. */
  prior?: MixturePrior;
};

/** 'futile': stop unsettled, because the gate can no longer be settled by the cap with any real chance. */
export type { Look, LookVerdict, StoppingRule } from './look.js';

/** The verdict after k counted answers among n valid ones: pure, no memory of earlier looks needed. */
export function sequentialDecision(k: number, n: number, options: StoppingOptions): Look {
  return createStoppingRule(options)(k, n);
}

/** A memoised rule for one set of options: simulations ask the same (k, n) many times. */
export function createStoppingRule(options: StoppingOptions): StoppingRule {
  checkStoppingOptions(options);
  if (options.design === 'group-sequential') return groupSequentialRule(options);
  const prior = options.prior ?? defaultPrior(options);
  // Keyed by n, then k: an arithmetic packing such as n * M + k collides once k can reach M.
  const memo = new Map<number, Map<number, Look>>();
  return (k, n) => {
    let byK = memo.get(n);
    if (!byK) memo.set(n, (byK = new Map()));
    let look = byK.get(k);
    if (!look) byK.set(k, (look = decide(k, n, options, prior)));
    return look;
  };
}

function decide(k: number, n: number, options: StoppingOptions, prior: MixturePrior): Look {
  const edges = edgesOf(options);
  // With an estimated teacher, half the error rate is the teacher's: the student's sequence runs at 1 − α/2.
  const level = options.referenceAnswers === undefined ? options.level : 1 - (1 - options.level) / 2;
  const interval = confidenceSequence(k, n, level, prior);
  if (edges) {
    const verdict = edgeVerdict(interval, edges);
    if (verdict !== 'open') return { verdict, interval };
  }
  if (options.targetHalfWidth !== undefined && (interval.high - interval.low) / 2 <= options.targetHalfWidth) {
    return { verdict: 'pinned', interval };
  }
  return { verdict: 'continue', interval };
}

function edgesOf(options: StoppingOptions): GateEdges | null {
  if (options.reference === undefined || options.tolerance === undefined) return null;
  const teacher =
    options.referenceAnswers === undefined ? null : { n: options.referenceAnswers, errorRate: (1 - options.level) / 2 };
  return gateEdges(options.reference, options.tolerance, teacher);
}

function groupSequentialRule(options: StoppingOptions): StoppingRule {
  const { reference, tolerance, batch, cap } = options;
  if (reference === undefined || tolerance === undefined || batch === undefined || cap === undefined) {
    throw new StratalignError(
      { field: 'design', value: 'group-sequential' },
      'the group-sequential design needs a gate (reference and tolerance) and its look schedule (batch and cap)',
      "give all four, or use design 'always-valid' (e.g. for pinning without a gate or an open-ended cap)",
    );
  }
  const design = groupSequentialDesign({
    reference,
    tolerance,
    errorRate: 1 - options.level,
    teacher: options.referenceAnswers === undefined ? null : { n: options.referenceAnswers },
    batch,
    cap,
  });
  if (options.targetHalfWidth === undefined) return design.rule;
  const half = options.targetHalfWidth;
  return (k, n) => {
    const look = design.rule(k, n);
    if (look.verdict !== 'continue') return look;
    return (look.interval.high - look.interval.low) / 2 <= half ? { ...look, verdict: 'pinned' } : look;
  };
}

function defaultPrior(options: StoppingOptions): MixturePrior {
  return options.reference !== undefined && options.tolerance !== undefined
    ? gatePrior(options.reference, options.tolerance)
    : JEFFREYS_PRIOR;
}

export function checkStoppingOptions(options: StoppingOptions): void {
  checkLevel(options.level);
  const { reference, tolerance, targetHalfWidth } = options;
  if ((reference === undefined) !== (tolerance === undefined)) {
    throw new StratalignError(
      { field: reference === undefined ? 'reference' : 'tolerance', value: undefined },
      'a gate needs both the reference probability and the tolerance',
      'give both, or neither and a targetHalfWidth',
    );
  }
  if (reference === undefined && targetHalfWidth === undefined) {
    throw new StratalignError(
      { field: 'reference, tolerance, targetHalfWidth' },
      'nothing to stop for',
      'give a gate (reference and tolerance), a targetHalfWidth, or both',
    );
  }
  if (reference !== undefined && !(reference >= 0 && reference <= 1)) {
    throw new StratalignError(
      { field: 'reference', value: reference },
      'the reference is a probability and must lie in [0, 1]',
      "pass the teacher's share of the counted action",
    );
  }
  if (
    options.referenceAnswers !== undefined &&
    !(Number.isInteger(options.referenceAnswers) && options.referenceAnswers > 0)
  ) {
    throw new StratalignError(
      { field: 'referenceAnswers', value: options.referenceAnswers },
      "the teacher's number of answers must be a whole number from 1",
      'pass the n the reference share was estimated from, or leave it out for an exact reference',
    );
  }
  if (options.design !== undefined && !SEQUENTIAL_DESIGNS.includes(options.design)) {
    throw new StratalignError(
      { field: 'design', value: options.design },
      'unknown sequential design',
      `use one of ${SEQUENTIAL_DESIGNS.join(', ')}`,
    );
  }
  if (tolerance !== undefined && !(tolerance > 0 && tolerance < 1)) {
    throw new StratalignError(
      { field: 'tolerance', value: tolerance },
      'tolerance must lie strictly between 0 and 1',
      'use e.g. 0.1',
    );
  }
  if (targetHalfWidth !== undefined && !(targetHalfWidth > 0 && targetHalfWidth < 0.5)) {
    throw new StratalignError(
      { field: 'targetHalfWidth', value: targetHalfWidth },
      'target half-width must lie strictly between 0 and 0.5',
      'use e.g. 0.05',
    );
  }
}
