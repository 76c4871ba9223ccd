import type { SequentialOutcome } from './run-sequential.js';

/** The facts a sentence about a finished sequential run needs (an envelope's sequential record plus its calls). */
export type SequentialSummary = {
  decision: SequentialOutcome;
  /** The counted action, e.g. 'C'. */
  action: string;
  /** Answers that named an action: the interval's data. */
  valid: number;
  /** Calls spent, failures included. */
  calls: number;
  cap: number;
  interval: { low: number; high: number; level: number };
  reference?: { share: number; tolerance: number; n?: number };
  targetHalfWidth?: number;
  error?: string;
};

const num = (x: number) => x.toFixed(3);

/**
 * One honest sentence: what was decided, the always-valid interval it rests on, the gate it was
 * compared with and what it cost. Never more certain than the decision: an open gate says so.
 */
export function describeSequentialOutcome(s: SequentialSummary): string {
  const interval = `always-valid ${Number((100 * s.interval.level).toFixed(2))} % interval [${num(s.interval.low)}, ${num(s.interval.high)}] for P(${s.action})`;
  const gate = s.reference ? `teacher share ${num(s.reference.share)} ± ${s.reference.tolerance}` : 'no gate';
  // The guarantee covers the student's share only; the teacher's is an estimate held fixed.
  const held = s.reference ? `; the teacher share is held fixed${s.reference.n !== undefined ? ` (estimated from ${s.reference.n} answers)` : ''}` : '';
  const after = `after ${s.valid} valid answer${s.valid === 1 ? '' : 's'}, ${s.calls} of cap ${s.cap} calls`;
  const failure = s.error === undefined ? '' : `; a call failed, so sampling stopped: ${s.error}`;
  switch (s.decision) {
    case 'settled-within':
      return `settled within tolerance (${interval} inside ${gate} ${after})${held}${failure}`;
    case 'settled-outside':
      return `settled outside tolerance (${interval} outside ${gate} ${after})${held}${failure}`;
    case 'pinned':
      return `pinned (${interval} has half-width ${num((s.interval.high - s.interval.low) / 2)} <= target ${s.targetHalfWidth} ${after}; ${s.reference ? `neither inside nor outside ${gate}` : 'no gate was set'})${failure}`;
    case 'unsettled-at-cap':
      return `unsettled at cap (${interval} ${s.reference ? `overlaps the edge of ${gate}` : 'is still wider than the target'} ${after}; no decision is claimed)`;
    case 'stopped-by-error':
      return `stopped by error, unsettled (${interval} ${after}): ${s.error ?? 'no reason recorded'}`;
  }
}
