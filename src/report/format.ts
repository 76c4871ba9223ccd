import { ZERO_WIDTH_SHORT } from './estimate.js';
import type { Estimate } from './types.js';

/** Fixed digits without a minus sign on values that round to zero ("-0.0" reads as a loss). */
export function fixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** A value already in percent, e.g. a closure: "46.26 %". */
export function percent(value: number | null, digits = 1): string {
  return value === null ? 'n/a' : `${fixed(value, digits)} %`;
}

/** A share 0..1 shown as percent: "84.7 %". */
export function share(value: number | null, digits = 1): string {
  return value === null ? 'n/a' : `${fixed(100 * value, digits)} %`;
}

export type Scale = 'percent' | 'share' | 'plain';

/**
 * "35.0 % [30.5, 39.2]". Without an interval: the value alone when none applies (method 'none'),
 * else the value with the reason, e.g. "50.0 % (no interval: one answer)".
 */
export function withInterval(e: Estimate | null, scale: Scale, digits = 1): string {
  if (!e || e.value === null) return 'n/a';
  const factor = scale === 'share' ? 100 : 1;
  const unit = scale === 'plain' ? '' : ' %';
  const main = `${fixed(factor * e.value, digits)}${unit}`;
  if (e.low === null || e.high === null) {
    const why = /^none \((.+)\)$/.exec(e.method)?.[1];
    const reason = e.note ?? (why ? `no interval: ${why}` : null);
    return reason ? `${main} (${reason})` : main;
  }
  const interval = `${main} [${fixed(factor * e.low, digits)}, ${fixed(factor * e.high, digits)}]`;
  return e.note ? `${interval} (${ZERO_WIDTH_SHORT[e.note] ?? e.note})` : interval;
}

export function pValue(p: number): string {
  return p < 0.001 ? 'p<0.001' : `p=${fixed(p, 3)}`;
}

/** A difference of two shares in percentage points, with its interval: "31.9 pp [29.0, 34.5]". */
export function percentagePoints(e: Estimate | null): string {
  if (!e || e.value === null) return 'n/a';
  const main = `${fixed(100 * e.value, 1)} pp`;
  return e.low === null || e.high === null ? main : `${main} [${fixed(100 * e.low, 1)}, ${fixed(100 * e.high, 1)}]`;
}
