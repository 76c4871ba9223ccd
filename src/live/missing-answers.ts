import type { LiveFault } from './faults.js';

/**
 * Why answers a row asked for were not recorded, as data: a kind a program can count on, how many
 * answers it cost, and the sentence a person reads. Text is made from it only where it is shown
 * (error messages, the envelope's `reasons`).
 */
export type MissingAnswers = { kind: MissingKind; count: number; message: string };

export type MissingKind =
  /** No key in the env var the config names; no call was made. */
  | 'missing-key'
  /** The row could not be asked at all (no or unknown scenario, no reference for a sequential gate). */
  | 'not-asked'
  /** The provider's config was refused when promptfoo loaded it; no row of it makes a call. */
  | 'config-error'
  | 'rate-limited'
  /** The server asked to wait longer than maxRetryAfterMs before retrying; not retried. */
  | 'retry-after-too-long'
  | 'auth'
  | 'server-error'
  | 'http-error'
  | 'timeout'
  | 'connection'
  | 'malformed'
  | 'no-choices'
  /** The server returned fewer choices than `n` asked for. */
  | 'short-n'
  | 'content-filter'
  | 'refusal'
  | 'no-text'
  | 'no-logprobs'
  /** Log-probabilities came back, but no alternative of the first token is an option. */
  | 'no-option-token'
  /** The options hold less of the first token's probability mass than minInSpaceMass. */
  | 'low-in-space-mass'
  | 'aborted'
  | 'unexpected';

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
