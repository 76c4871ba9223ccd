import type { LiveFault } from './faults.js';

// The value itself is declared once, with the envelope that carries it (src/answers/samples/missing.ts).
export type { MissingAnswers, MissingKind } from '../../answers/samples/missing.js';
import type { MissingAnswers, MissingKind } from '../../answers/samples/missing.js';

/** The kind of answer a fault costs. */
export function missingKindOf(fault: LiveFault): MissingKind {
  switch (fault.kind) {
    case 'missing-key':
      return 'missing-key';
    case 'http':
      if (fault.retryAfterRefused) return 'retry-after-too-long';
      if (fault.status === 429) return 'rate-limited';
      if (fault.status === 401 || fault.status === 403) return 'auth';
      return fault.status >= 500 ? 'server-error' : 'http-error';
    case 'timeout':
    case 'connection':
    case 'malformed':
    case 'no-choices':
    case 'no-logprobs':
    case 'aborted':
    case 'unexpected':
      return fault.kind;
  }
}

/** Adds `count` answers of one kind and message, merging with an equal entry (first-seen order kept). */
export function addMissing(list: MissingAnswers[], kind: MissingKind, count: number, message: string): void {
  if (count <= 0) return;
  const same = list.find((m) => m.kind === kind && m.message === message);
  if (same) same.count += count;
  else list.push({ kind, count, message });
}

export function missingTotal(list: readonly MissingAnswers[]): number {
  return list.reduce((sum, m) => sum + m.count, 0);
}

/** The text edge: `3× 503 server error at …`, one line per distinct reason. */
export function formatMissing(list: readonly MissingAnswers[]): string[] {
  return list.map(({ count, message }) => `${count}× ${message}`);
}

/**
 * What every live row carries under `metadata.stratalign`, error rows included: how many answers
 * it asked for, how many it recorded, and the missing ones both as text and as data, so the
 * summary and the gate count lost answers, not rows.
 */
export function answerCounts(
  requested: number,
  recorded: number,
  missing: readonly MissingAnswers[],
): Record<string, unknown> {
  const count = missingTotal(missing);
  if (recorded + count !== requested) {
    throw new Error(`bug: ${recorded} recorded + ${count} missing != ${requested} requested`);
  }
  const byKind = missing.map((m) => ({ ...m }));
  return { requested, recorded, missing: { count, reasons: formatMissing(missing), byKind } };
}
