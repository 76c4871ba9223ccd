import { z } from 'zod';

/** Every kind of missing answer, declared once: providers, envelopes, conversion and summaries count by these. */
export const MISSING_KINDS = [
  /** No key in the env var the config names; no call was made. */
  'missing-key',
  /** The row could not be asked at all (no or unknown scenario, no reference for a sequential gate). */
  'not-asked',
  /** The provider's config was refused when promptfoo loaded it; no row of it makes a call. */
  'config-error',
  'rate-limited',
  /** The server asked to wait longer than maxRetryAfterMs before retrying; not retried. */
  'retry-after-too-long',
  'auth',
  'server-error',
  'http-error',
  'timeout',
  'connection',
  'malformed',
  'no-choices',
  /** The server returned fewer choices than `n` asked for. */
  'short-n',
  'content-filter',
  'refusal',
  'no-text',
  'no-logprobs',
  /** Log-probabilities came back, but no alternative of the first token is an option. */
  'no-option-token',
  /** The options hold less of the first token's probability mass than minInSpaceMass. */
  'low-in-space-mass',
  'aborted',
  'unexpected',
  /** Asked of a replay past the end of its recording: nothing was collected, so not a lost answer. */
  'recording-exhausted',
] as const;

export type MissingKind = (typeof MISSING_KINDS)[number];

/**
 * Why answers a row asked for were not recorded, as data: a kind a program can count on, how many
 * answers it cost, and the sentence a person reads. Counts are made from `kind` and `count` only;
 * `message` is text for the edges (terminal, report, viewer reason), so rewording it changes no count.
 */
export type MissingAnswers = { kind: MissingKind; count: number; message: string };

export const missingAnswersSchema = z.object({
  kind: z.enum(MISSING_KINDS),
  count: z.number().int().min(1),
  message: z.string(),
});

/** Reads a `byKind` list from row metadata or an envelope; null when absent or not one (older rows). */
export function readMissingByKind(value: unknown): MissingAnswers[] | null {
  const parsed = z.array(missingAnswersSchema).safeParse(value);
  return parsed.success ? parsed.data : null;
}
