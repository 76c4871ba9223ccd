import { fixed } from '../format.js';
import { escapeTerminal } from '../escape.js';
import type { CheckOutcome } from './evaluate.js';
import type { MetricUnit } from './metrics.js';

const DIGITS: Record<MetricUnit, number> = { percent: 2, distance: 3, correlation: 3, count: 0 };
const MARGIN_UNIT: Record<MetricUnit, string> = { percent: ' points', distance: '', correlation: '', count: '' };
/** Enough for any double that differs from its threshold in a way a user could act on. */
const MAX_DIGITS = 12;

function show(value: number, unit: MetricUnit, digits: number): string {
  return `${fixed(value, digits)}${unit === 'percent' ? ' %' : ''}`;
}

/**
 * Digits that tell a failing value from its threshold: 39.996 against 40 needs three, or the line
 * would read "40.00 % < min 40.00 %".
 */
function separatingDigits(value: number, threshold: number, unit: MetricUnit): number {
  let digits = DIGITS[unit];
  while (digits < MAX_DIGITS && fixed(value, digits) === fixed(threshold, digits)) digits++;
  return digits;
}

function boundText(o: CheckOutcome, level: number): string {
  if (o.bound !== 'point') return `${o.bound} ${fixed(100 * level, 0)} % bound`;
  // Run-level counts are counted, not estimated.
  return o.unit === 'count' ? 'count' : 'point estimate';
}

/**
 * What the decision risks, stated on every line that reads an estimate: the chance that a model
 * exactly at the threshold gets the wrong verdict (one side of the two-sided interval).
 */
export function decisionText(o: CheckOutcome, level: number): string | null {
  if (o.unit === 'count' || !o.decision) return null;
  const tail = `${fixed((100 * (1 - level)) / 2, 1)} %`;
  if (o.bound === 'point') return 'point: a model exactly at the threshold passes about half the time';
  // An end named directly decides like within or not-outside, depending on the side it is on.
  const within = o.bound === (o.comparator === '>=' ? 'lower' : 'upper');
  const name =
    o.decision === 'lower' || o.decision === 'upper'
      ? `${o.decision} end, i.e. ${within ? 'within' : 'not-outside'}`
      : o.decision;
  return within
    ? `${name}: a model exactly at the threshold passes at most ${tail} of the time`
    : `${name}: a model exactly at the threshold fails at most ${tail} of the time`;
}

/** One line per check: verdict, what, where, the value read, the threshold, the bound, and by how much it failed. */
export function renderOutcome(o: CheckOutcome, level: number): string {
  const who = o.model === null ? '' : ` for ${o.model}`;
  const digits = o.value === null || o.pass ? DIGITS[o.unit] : separatingDigits(o.value, o.threshold, o.unit);
  const limit = `${o.comparator === '>=' ? 'min' : 'max'} ${show(o.threshold, o.unit, digits)}`;
  const parts = [`${o.pass ? 'PASS' : 'FAIL'} ${o.metric} at ${o.where}${who}:`];
  if (o.value === null) {
    parts.push(`${boundText(o, level)} is undefined (${o.detail ?? 'not computed'}), ${limit}`);
  } else {
    const op = o.pass ? o.comparator : o.comparator === '>=' ? '<' : '>';
    parts.push(`${boundText(o, level)} ${show(o.value, o.unit, digits)} ${op} ${limit}`);
    const extras: string[] = [];
    if (!o.pass)
      extras.push(
        `${o.comparator === '>=' ? 'short' : 'over'} by ` +
          `${fixed(Math.abs(o.value - o.threshold), digits)}${MARGIN_UNIT[o.unit]}`,
      );
    if (o.bound !== 'point' && o.estimate?.value != null)
      extras.push(`estimate ${show(o.estimate.value, o.unit, DIGITS[o.unit])}`);
    if (o.boundNote) extras.push(o.boundNote);
    const risk = decisionText(o, level);
    if (risk) extras.push(risk);
    if (o.detail) extras.push(o.detail);
    if (o.implicit) extras.push(o.origin);
    if (extras.length) parts.push(`(${extras.join('; ')})`);
  }
  return escapeTerminal(parts.join(' '));
}

export function renderGate(outcomes: readonly CheckOutcome[], level: number, header: string): string {
  const failed = outcomes.filter((o) => !o.pass).length;
  const checks = (n: number) => `${n} check${n === 1 ? '' : 's'}`;
  const verdict = failed
    ? `gate FAILED: ${failed} of ${checks(outcomes.length)} failed`
    : `gate passed: ${checks(outcomes.length)}`;
  return [escapeTerminal(header), ...outcomes.map((o) => renderOutcome(o, level)), verdict, ''].join('\n');
}
