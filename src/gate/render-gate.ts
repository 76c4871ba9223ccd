import { fixed } from '../report/format.js';
import { escapeTerminal } from '../report/escape.js';
import type { CheckOutcome } from './evaluate.js';
import type { MetricUnit } from './metrics.js';

const DIGITS: Record<MetricUnit, number> = { percent: 2, distance: 3, correlation: 3, count: 0 };
const MARGIN_UNIT: Record<MetricUnit, string> = { percent: ' points', distance: '', correlation: '', count: '' };

function show(value: number, unit: MetricUnit): string {
  return `${fixed(value, DIGITS[unit])}${unit === 'percent' ? ' %' : ''}`;
}

function boundText(o: CheckOutcome, level: number): string {
  const pct = `${fixed(100 * level, 0)} %`;
  return o.bound === 'point' ? 'point estimate' : `${o.bound} ${pct} bound`;
}

/** One line per check: verdict, what, where, the value read, the threshold, the bound, and by how much it failed. */
export function renderOutcome(o: CheckOutcome, level: number): string {
  const who = o.model === null ? '' : ` for ${o.model}`;
  const limit = `${o.comparator === '>=' ? 'min' : 'max'} ${show(o.threshold, o.unit)}`;
  const parts = [`${o.pass ? 'PASS' : 'FAIL'} ${o.metric} at ${o.where}${who}:`];
  if (o.value === null) {
    parts.push(`${boundText(o, level)} is undefined (${o.detail ?? 'not computed'}), ${limit}`);
  } else {
    const op = o.pass ? o.comparator : o.comparator === '>=' ? '<' : '>';
    parts.push(`${boundText(o, level)} ${show(o.value, o.unit)} ${op} ${limit}`);
    const extras: string[] = [];
    if (!o.pass) extras.push(`${o.comparator === '>=' ? 'short' : 'over'} by ${fixed(Math.abs(o.value - o.threshold), DIGITS[o.unit])}${MARGIN_UNIT[o.unit]}`);
    if (o.bound !== 'point' && o.estimate?.value != null) extras.push(`estimate ${show(o.estimate.value, o.unit)}`);
    if (o.boundNote) extras.push(o.boundNote);
    if (o.detail) extras.push(o.detail);
    if (o.implicit) extras.push(o.origin);
    if (extras.length) parts.push(`(${extras.join('; ')})`);
  }
  return escapeTerminal(parts.join(' '));
}

export function renderGate(outcomes: readonly CheckOutcome[], level: number, header: string): string {
  const failed = outcomes.filter((o) => !o.pass).length;
  const checks = (n: number) => `${n} check${n === 1 ? '' : 's'}`;
  const verdict = failed ? `gate FAILED: ${failed} of ${checks(outcomes.length)} failed` : `gate passed: ${checks(outcomes.length)}`;
  return [escapeTerminal(header), ...outcomes.map((o) => renderOutcome(o, level)), verdict, ''].join('\n');
}
