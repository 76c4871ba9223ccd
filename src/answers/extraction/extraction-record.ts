import { z } from 'zod';
import { PARSE_FAILURE_KINDS, type ParseFailureKind } from '../parsing/parse-result.js';

/**
 * The extractor's prompt is fixed and versioned: a reading is reproducible only with the exact
 * words it was asked in, so every record names the version, and a change of wording is a new one.
 */
export const EXTRACTOR_PROMPT_VERSION = 'stratalign.extractor/v1';

/** The vendors an extractor can be; the same two the live providers speak. */
export const EXTRACTOR_PROVIDERS = ['openai-compatible', 'anthropic'] as const;
export type ExtractorProvider = (typeof EXTRACTOR_PROVIDERS)[number];

/** Replies longer than this are kept cut: no valid reply is near it, and the record stays small. */
export const MAX_KEPT_REPLY = 200;

/**
 * What the extractor was asked and said about one answer, as the provider recorded it. The action
 * is NOT stored: it is re-derived from `reply` by the strict reply reader whenever the sample is
 * read, so a recording can never carry a choice its reply does not state.
 */
export type ExtractionRecord = {
  provider: ExtractorProvider;
  model: string;
  promptVersion: string;
  /** What the rules said when the extractor was asked. */
  ruleFailure: ParseFailureKind;
  /** 'answered': the extractor replied (whatever it said); 'error': the call failed after its retries. */
  outcome: 'answered' | 'error';
  /** The extractor's raw reply (cut at MAX_KEPT_REPLY characters); null when it returned no text. */
  reply?: string | null;
  /** Why the call failed (outcome 'error'), as the live providers describe faults. */
  error?: string;
};

export const extractionRecordSchema = z.object({
  provider: z.enum(EXTRACTOR_PROVIDERS),
  model: z.string().min(1),
  promptVersion: z.string().min(1),
  ruleFailure: z.enum(PARSE_FAILURE_KINDS),
  outcome: z.enum(['answered', 'error']),
  reply: z.string().nullable().optional(),
  error: z.string().optional(),
});

export function keptReply(reply: string | null): string | null {
  if (reply === null || reply.length <= MAX_KEPT_REPLY) return reply;
  return `${reply.slice(0, MAX_KEPT_REPLY)}…`;
}
