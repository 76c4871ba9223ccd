import { z } from 'zod';
import { PARSE_FAILURE_KINDS, type ParseFailureKind } from '../parsing/parse-result.js';

/**
 * What a stratalign provider returns as its output text when it answers with more than one sample
 * (or replays a recording): a JSON envelope that carries every raw answer, says where the answers
 * came from, and counts what is missing. Assertions and converters read it; plain-text outputs
 * (one live answer) are read as a single sample.
 */
export const ENVELOPE_TAG = 'stratalign.samples/v1';

export type SamplingMode =
  /** One call, one answer. */
  | 'single'
  /** N answers per call: the API's `n` or N bounded-concurrency calls. */
  | 'multi'
  /** Distribution read from the answer token's top log-probabilities in one call. */
  | 'logprobs'
  /** Replayed from a counts recording: the choice is recorded, the text is not. */
  | 'replay-counts'
  /** Replayed from a text recording. */
  | 'replay-text';

export type EnvelopeSample = {
  /** Raw model text; null for counts replays, which only know the choice. */
  text: string | null;
  /** The recorded choice, for counts replays only. Never set for live text. */
  recordedChoice?: string | number;
  /** A recorded parse failure (counts tables may count unparseable answers), for counts replays only. */
  recordedFailure?: ParseFailureKind;
  /** API finish reason, e.g. 'stop' or 'length'; 'length' lets the parser say "truncated". */
  finishReason?: string;
};

export type SampleEnvelope = {
  stratalign: typeof ENVELOPE_TAG;
  /** Human-readable label shown in the viewer, e.g. "REPLAY of recorded counts (…)". */
  note: string;
  source: 'replay' | 'live';
  mode: SamplingMode;
  scenario: string;
  model: string;
  role: string | null;
  /** Samples asked for; `samples.length + missing.count` always equals it. */
  requested: number;
  samples: EnvelopeSample[];
  /**
   * Requested samples that produced no answer, with reasons. `exhausted` counts those that were
   * asked of a replay past the end of its recording: nothing was collected for them, so they are
   * shown but are not lost answers.
   */
  missing: { count: number; reasons: string[]; exhausted?: number };
  /** Logprobs mode: probability per action (renormalised over the action space), and the mass outside it. */
  distribution?: { probabilities: Record<string, number>; otherMass: number };
};

const envelopeSchema = z.object({
  stratalign: z.literal(ENVELOPE_TAG),
  note: z.string(),
  source: z.enum(['replay', 'live']),
  mode: z.enum(['single', 'multi', 'logprobs', 'replay-counts', 'replay-text']),
  scenario: z.string(),
  model: z.string(),
  role: z.string().nullable(),
  requested: z.number().int().min(0),
  samples: z.array(
    z.object({
      text: z.string().nullable(),
      recordedChoice: z.union([z.string(), z.number()]).optional(),
      recordedFailure: z.enum(PARSE_FAILURE_KINDS as [ParseFailureKind, ...ParseFailureKind[]]).optional(),
      finishReason: z.string().optional(),
    }),
  ),
  missing: z
    .object({ count: z.number().int().min(0), reasons: z.array(z.string()), exhausted: z.number().int().min(0).optional() })
    .refine((m) => (m.exhausted ?? 0) <= m.count, 'exhausted cannot exceed count'),
  distribution: z.object({ probabilities: z.record(z.string(), z.number()), otherMass: z.number() }).optional(),
});

/** Missing samples that are lost answers (provider errors, filtered or failed calls), not exhausted replays. */
export function lostSamples(missing: SampleEnvelope['missing']): number {
  return missing.count - (missing.exhausted ?? 0);
}

export function formatEnvelope(envelope: SampleEnvelope): string {
  return JSON.stringify(envelope);
}

export type EnvelopeReadResult = { kind: 'envelope'; envelope: SampleEnvelope } | { kind: 'text' } | { kind: 'invalid'; reason: string };

/**
 * Tells an envelope from plain model text. Text that merely looks like JSON is plain text; text
 * carrying our tag but malformed is 'invalid' rather than silently scored as one answer.
 */
export function readEnvelope(output: string): EnvelopeReadResult {
  if (!output.trimStart().startsWith('{') || !output.includes(ENVELOPE_TAG)) return { kind: 'text' };
  let data: unknown;
  try {
    data = JSON.parse(output);
  } catch {
    return { kind: 'text' };
  }
  if (typeof data !== 'object' || data === null || (data as { stratalign?: unknown }).stratalign !== ENVELOPE_TAG) return { kind: 'text' };
  const parsed = envelopeSchema.safeParse(data);
  if (!parsed.success) return { kind: 'invalid', reason: `malformed ${ENVELOPE_TAG} envelope: ${parsed.error.issues[0]!.message} at ${parsed.error.issues[0]!.path.join('.')}` };
  const envelope = parsed.data as SampleEnvelope;
  if (envelope.samples.length + envelope.missing.count !== envelope.requested) {
    return { kind: 'invalid', reason: `envelope counts do not add up: ${envelope.samples.length} samples + ${envelope.missing.count} missing != ${envelope.requested} requested` };
  }
  return { kind: 'envelope', envelope };
}
