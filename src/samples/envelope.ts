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
  | 'replay-text'
  /** Live answers drawn in batches until the gate's decision settled, the interval was narrow enough, or a cap. */
  | 'sequential'
  /** Answers drawn from a parametric simulated player; no model was called. */
  | 'simulated';

/** How a sequential run ended (src/sequential/run-sequential.ts SequentialOutcome). */
export const SEQUENTIAL_DECISIONS = ['settled-within', 'settled-outside', 'pinned', 'futile', 'unsettled-at-cap', 'stopped-by-error'] as const;
export type SequentialDecision = (typeof SEQUENTIAL_DECISIONS)[number];

/**
 * What a sequential envelope adds: why sampling stopped where it did. `requested` of the
 * envelope is the calls spent (at most `cap`); `valid` of them named one of the two actions.
 */
export type SequentialRecord = {
  decision: SequentialDecision;
  /** Looks at the data, one after each batch. */
  looks: number;
  batch: number;
  cap: number;
  /** The counted action (the cooperative option) whose probability the interval bounds. */
  action: string;
  /** Answers that named an action: the only data the interval uses. */
  valid: number;
  /** The first valid answers the decision rests on, when fewer than `valid` (group-sequential looks off schedule after unread answers). */
  decidedOn?: number;
  /** Always-valid interval for P(action) at the last look. */
  interval: { low: number; high: number; level: number };
  /** The teacher's share of `action`, a fixed estimate from `n` answers, and the gate's tolerance around it. */
  reference: { share: number; n: number; tolerance: number; model: string; origin: string };
  targetHalfWidth?: number;
  /** The first failed call's reason when a call failed (the run stops after that batch). */
  error?: string;
  /** How looks were judged; absent in older records (always-valid). */
  design?: 'group-sequential' | 'always-valid';
  /** 'estimated': the teacher's noise is in the decision; 'exact': the reference was declared exact. */
  teacher?: 'estimated' | 'exact';
  /** Wrong-decision rate allowed on the tolerance boundary (1 − level). */
  errorRate?: number;
  /** The gate's edges after the teacher's noise moved them (within: inner, outside: outer). */
  edges?: { innerLow: number; innerHigh: number; outerLow: number; outerHigh: number };
};

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
  source: 'replay' | 'live' | 'simulated';
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
  /** Sequential mode only: the decision, the interval and the gate it was checked against. */
  sequential?: SequentialRecord;
};

const share = z.number().min(0).max(1);
const sequentialSchema = z.object({
  decision: z.enum(SEQUENTIAL_DECISIONS),
  looks: z.number().int().min(0),
  batch: z.number().int().min(1),
  cap: z.number().int().min(1),
  action: z.string(),
  valid: z.number().int().min(0),
  decidedOn: z.number().int().min(0).optional(),
  interval: z.object({ low: share, high: share, level: z.number().gt(0).lt(1) }),
  reference: z.object({ share, n: z.number().int().min(0), tolerance: z.number().gt(0).lt(1), model: z.string(), origin: z.string() }),
  targetHalfWidth: z.number().gt(0).lt(0.5).optional(),
  error: z.string().optional(),
  design: z.enum(['group-sequential', 'always-valid']).optional(),
  teacher: z.enum(['estimated', 'exact']).optional(),
  errorRate: z.number().gt(0).lt(1).optional(),
  edges: z.object({ innerLow: z.number(), innerHigh: z.number(), outerLow: z.number(), outerHigh: z.number() }).optional(),
});

const envelopeSchema = z.object({
  stratalign: z.literal(ENVELOPE_TAG),
  note: z.string(),
  source: z.enum(['replay', 'live', 'simulated']),
  mode: z.enum(['single', 'multi', 'logprobs', 'replay-counts', 'replay-text', 'sequential', 'simulated']),
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
  sequential: sequentialSchema.optional(),
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
  const sequentialProblem = checkSequential(envelope);
  if (sequentialProblem) return { kind: 'invalid', reason: sequentialProblem };
  return { kind: 'envelope', envelope };
}

/** What the schema cannot see: the record belongs to sequential mode only, and no run spends past its cap. */
function checkSequential(envelope: SampleEnvelope): string | null {
  const record = envelope.sequential;
  if ((envelope.mode === 'sequential') !== (record !== undefined)) {
    return record ? `a ${envelope.mode} envelope carries a sequential record` : 'a sequential envelope without its sequential record (decision, interval, reference)';
  }
  if (record && envelope.requested > record.cap) return `sequential envelope spent ${envelope.requested} calls, more than its cap ${record.cap}`;
  if (record && record.valid > envelope.samples.length) return `sequential envelope claims ${record.valid} valid answers among ${envelope.samples.length} samples`;
  return null;
}
