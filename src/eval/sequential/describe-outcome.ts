import type { GateEdges } from './gate-edges.js';
import type { SequentialOutcome } from './run-sequential.js';
import type { SequentialDesignKind } from './stopping-rule.js';

/** The facts a sentence about a finished sequential run needs (an envelope's sequential record plus its calls). */
export type SequentialSummary = {
  decision: SequentialOutcome;
  /** The counted action, e.g. 'C'. */
  action: string;
  /** Answers that named an action: the interval's data. */
  valid: number;
  /** Calls spent, failures included. */
  calls: number;
  /** The first valid answers the decision rests on, when fewer than `valid` (see scheduled-look.ts). */
  decidedOn?: number;
  cap: number;
  interval: { low: number; high: number; level: number };
  reference?: { share: number; tolerance: number; n?: number };
  targetHalfWidth?: number;
  error?: string;
  /** Absent in records written before designs existed: those were always-valid. */
  design?: SequentialDesignKind;
  /**
   * 'estimated': the teacher's noise is in the decision; 'exact': declared exact. Absent: held fixed (older records).
   */
  teacher?: 'estimated' | 'exact';
  /** Wrong-decision rate allowed on the tolerance boundary. */
  errorRate?: number;
  /** The edges the interval was compared with, when the teacher's noise moved them. */
  edges?: GateEdges;
};

const num = (x: number) => x.toFixed(3);
const pct = (x: number) => `${Number((100 * x).toFixed(2))} %`;

/**
 * One honest sentence: what was decided, the interval it rests on, the gate it was compared
 * with, what error rate the decision carries, and what it cost. Never more certain than the
 * decision: an open gate says so.
 */
export function describeSequentialOutcome(s: SequentialSummary): string {
  const design = s.design ?? 'always-valid';
  const kind = design === 'group-sequential' ? 'group-sequential boundary' : 'always-valid';
  const interval =
    `${kind} ${pct(s.interval.level)} interval [${num(s.interval.low)}, ${num(s.interval.high)}] ` +
    `for P(${s.action})`;
  const gate = s.reference ? gateText(s) : 'no gate';
  const after =
    `after ${s.valid} valid answer${s.valid === 1 ? '' : 's'}${unreadText(s)}, ${s.calls} of cap ` + `${s.cap} calls`;
  const failure = s.error === undefined ? '' : `; a call failed, so sampling stopped: ${s.error}`;
  const held = s.reference ? teacherText(s) : '';
  switch (s.decision) {
    case 'settled-within':
      return `settled within tolerance (${interval} inside ${gate} ${after})${held}${failure}`;
    case 'settled-outside':
      return `settled outside tolerance (${interval} outside ${gate} ${after})${held}${failure}`;
    case 'pinned':
      return (
        `pinned (${interval} has half-width ${num((s.interval.high - s.interval.low) / 2)} <= target ` +
        `${s.targetHalfWidth} ${after}; ` +
        `${s.reference ? `neither inside nor outside ${gate}` : 'no gate was set'})${failure}`
      );
    case 'futile':
      return (
        `stopped unsettled, futile (${interval} straddles an edge of ${gate} ${after}; even the most ` +
        `favourable share a 99 % interval allows had under a 5 % chance of settling by the cap; no decision is ` +
        `claimed)${held}`
      );
    case 'unsettled-at-cap':
      return (
        `unsettled at cap (${interval} ` +
        `${s.reference ? `overlaps the edge of ${gate}` : 'is still wider than the target'} ${after}; no ` +
        `decision is claimed)`
      );
    case 'stopped-by-error':
      return `stopped by error, unsettled (${interval} ${after}): ${s.error ?? 'no reason recorded'}`;
  }
}

/** Calls that gave no answer spend the budget but are no data: say so, and on how many answers the look decided. */
function unreadText(s: SequentialSummary): string {
  const unread = s.calls - s.valid;
  const prefix =
    s.decidedOn !== undefined && s.decidedOn < s.valid
      ? `; decided on the first ${s.decidedOn}, the last scheduled look they reached`
      : '';
  return unread > 0
    ? ` (${unread} call${unread === 1 ? '' : 's'} without a readable answer, spent but not counted${prefix})`
    : prefix
      ? ` (${prefix.slice(2)})`
      : '';
}

function gateText(s: SequentialSummary): string {
  const r = s.reference!;
  const base = `teacher share ${num(r.share)} ± ${r.tolerance}`;
  if (!s.edges || s.teacher !== 'estimated') return base;
  const e = s.edges;
  return (
    `${base} (with the teacher's noise: within needs [${num(Math.max(0, e.innerLow))}, ` +
    `${num(Math.min(1, e.innerHigh))}], outside needs beyond [${num(Math.max(0, e.outerLow))}, ` +
    `${num(Math.min(1, e.outerHigh))}])`
  );
}

function teacherText(s: SequentialSummary): string {
  const rate =
    s.errorRate === undefined ? '' : `; wrong-decision rate on the tolerance boundary at most ${pct(s.errorRate)}`;
  if (s.teacher === 'estimated') {
    const how =
      s.design === 'group-sequential'
        ? `decided on P(${s.action}) minus the teacher's share with Newcombe's interval, `
        : '';
    return `${rate}, ${how}the teacher's noise (${s.reference!.n ?? '?'} answers) included`;
  }
  if (s.teacher === 'exact') return `${rate}, the teacher's share taken as exact (referenceExact)`;
  // Records written before the teacher's noise was modelled.
  return (
    `; the teacher share is held ` +
    `fixed${s.reference!.n !== undefined ? ` (estimated from ${s.reference!.n} answers)` : ''}`
  );
}
