import { z } from 'zod';
import type { Catalogue } from '../../catalogue/catalogue.js';
import { resolveScenario, type Scenario } from '../../catalogue/scenarios/scenario.js';
import { isStratalignError } from '../../shared/errors.js';
import { isValidAction, type ActionSpace } from '../../catalogue/games/action-space.js';
import type { LabelVariant } from '../../catalogue/games/label-variant.js';
import { applyExtraction } from '../extraction/apply-extraction.js';
import { extractionRecordSchema } from '../extraction/extraction-record.js';
import { parseOptions, parseWithLabels } from '../parsing/parse-answer.js';
import type { ParseResult } from '../parsing/parse-result.js';
import { missingAnswersSchema } from './missing.js';
import { PARSE_FAILURE_KINDS } from '../parsing/parse-result.js';

/**
 * What a stratalign provider returns as its output text when it answers with more than one sample
 * (or replays a recording): a JSON envelope that carries every raw answer, says where the answers
 * came from, and counts what is missing. This file holds its schema, its writer and its one reader
 * (readOutputFor, readEnvelopeSample, both together in readOutputSamples), which the assertion and
 * conversion share; plain-text outputs (one live answer) are read as a single sample.
 */
export const ENVELOPE_TAG = 'stratalign.samples/v1';

/**
 * How the answers of an envelope were drawn, declared once:
 *   single         one call, one answer
 *   multi          N answers per call: the API's `n` or N bounded-concurrency calls
 *   logprobs       distribution read from the answer token's top log-probabilities in one call
 *   replay-counts  replayed from a counts recording: the choice is recorded, the text is not
 *   replay-text    replayed from a text recording
 *   sequential     live answers drawn in batches until the gate's decision settled, the interval
 *                  was narrow enough, or a cap
 *   simulated      answers drawn from a parametric simulated player; no model was called
 */
export const SAMPLING_MODES = [
  'single',
  'multi',
  'logprobs',
  'replay-counts',
  'replay-text',
  'sequential',
  'simulated',
] as const;
export type SamplingMode = (typeof SAMPLING_MODES)[number];

export const ENVELOPE_SOURCES = ['replay', 'live', 'simulated'] as const;

/** How a sequential run ended (src/eval/sequential/run-sequential.ts SequentialOutcome). */
export const SEQUENTIAL_DECISIONS = [
  'settled-within',
  'settled-outside',
  'pinned',
  'futile',
  'unsettled-at-cap',
  'stopped-by-error',
] as const;

// The types below are inferred from these schemas, so the reader and the writers cannot drift apart.
const share = z.number().min(0).max(1);

/**
 * What a sequential envelope adds: why sampling stopped where it did. `requested` of the
 * envelope is the calls spent (at most `cap`); `valid` of them named one of the two actions.
 */
const sequentialSchema = z.object({
  decision: z.enum(SEQUENTIAL_DECISIONS),
  /** Looks at the data, one after each batch. */
  looks: z.number().int().min(0),
  batch: z.number().int().min(1),
  cap: z.number().int().min(1),
  /** The counted action (the cooperative option) whose probability the interval bounds. */
  action: z.string(),
  /** Answers that named an action: the only data the interval uses. */
  valid: z.number().int().min(0),
  /**
   * The first valid answers the decision rests on, when fewer than `valid` (group-sequential looks off schedule after
   * unread answers).
   */
  decidedOn: z.number().int().min(0).optional(),
  /** Always-valid interval for P(action) at the last look. */
  interval: z.object({ low: share, high: share, level: z.number().gt(0).lt(1) }),
  /** The teacher's share of `action`, a fixed estimate from `n` answers, and the gate's tolerance around it. */
  reference: z.object({
    share,
    n: z.number().int().min(0),
    tolerance: z.number().gt(0).lt(1),
    model: z.string(),
    origin: z.string(),
  }),
  targetHalfWidth: z.number().gt(0).lt(0.5).optional(),
  /** The first failed call's reason when a call failed (the run stops after that batch). */
  error: z.string().optional(),
  /** How looks were judged; absent in older records (always-valid). */
  design: z.enum(['group-sequential', 'always-valid']).optional(),
  /** 'estimated': the teacher's noise is in the decision; 'exact': the reference was declared exact. */
  teacher: z.enum(['estimated', 'exact']).optional(),
  /** Wrong-decision rate allowed on the tolerance boundary (1 − level). */
  errorRate: z.number().gt(0).lt(1).optional(),
  /** The gate's edges after the teacher's noise moved them (within: inner, outside: outer). */
  edges: z
    .object({ innerLow: z.number(), innerHigh: z.number(), outerLow: z.number(), outerHigh: z.number() })
    .optional(),
});
export type SequentialRecord = z.infer<typeof sequentialSchema>;

const envelopeSampleSchema = z
  .object({
    /** Raw model text; null for counts replays, which only know the choice. */
    text: z.string().nullable(),
    /** The recorded choice, for counts replays only. Never set for live text. */
    recordedChoice: z.union([z.string(), z.number()]).optional(),
    /** A recorded parse failure (counts tables may count unparseable answers), for counts replays only. */
    recordedFailure: z.enum(PARSE_FAILURE_KINDS).optional(),
    /** API finish reason, e.g. 'stop' or 'length'; 'length' lets the parser say "truncated". */
    finishReason: z.string().optional(),
    /** Set when the rules left the text unread and an extractor was configured: what it was asked and said. */
    extraction: extractionRecordSchema.optional(),
  })
  .refine(
    // Without text, a sample is only what its recording says: a choice or a parse failure.
    (s) => s.text !== null || s.recordedChoice !== undefined || s.recordedFailure !== undefined,
    'a sample without text must carry a recorded choice or a recorded failure',
  );
export type EnvelopeSample = z.infer<typeof envelopeSampleSchema>;

/**
 * Requested samples that produced no answer. `exhausted` counts those that were asked of a replay
 * past the end of its recording: nothing was collected for them, so they are shown but are not lost answers.
 */
const missingSchema = z
  .object({
    count: z.number().int().min(0),
    /** The sentences a person reads (the viewer's reason); never counted. */
    reasons: z.array(z.string()),
    exhausted: z.number().int().min(0).optional(),
    /** The same missing answers as data, summing to `count`; absent in older envelopes. */
    byKind: z.array(missingAnswersSchema).optional(),
  })
  .refine((m) => (m.exhausted ?? 0) <= m.count, 'exhausted cannot exceed count')
  .refine(
    (m) => m.byKind === undefined || m.byKind.reduce((sum, k) => sum + k.count, 0) === m.count,
    'byKind counts must add up to count',
  );

const envelopeSchema = z.object({
  stratalign: z.literal(ENVELOPE_TAG),
  /** Human-readable label shown in the viewer, e.g. "REPLAY of recorded counts (…)". */
  note: z.string(),
  source: z.enum(ENVELOPE_SOURCES),
  mode: z.enum(SAMPLING_MODES),
  scenario: z.string(),
  model: z.string(),
  role: z.string().nullable(),
  /** Samples asked for; `samples.length + missing.count` always equals it. */
  requested: z.number().int().min(0),
  samples: z.array(envelopeSampleSchema),
  missing: missingSchema,
  /** Logprobs mode: probability per action (renormalised over the action space), and the mass outside it. */
  distribution: z.object({ probabilities: z.record(z.string(), z.number()), otherMass: z.number() }).optional(),
  /** Sequential mode only: the decision, the interval and the gate it was checked against. */
  sequential: sequentialSchema.optional(),
});
export type SampleEnvelope = z.infer<typeof envelopeSchema>;

/** Missing samples that are lost answers (provider errors, filtered or failed calls), not exhausted replays. */
export function lostSamples(missing: SampleEnvelope['missing']): number {
  return missing.count - (missing.exhausted ?? 0);
}

export function formatEnvelope(envelope: SampleEnvelope): string {
  return JSON.stringify(envelope);
}

export type EnvelopeReadResult =
  | { kind: 'envelope'; envelope: SampleEnvelope }
  | { kind: 'text' }
  | { kind: 'invalid'; reason: string };

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
  if (typeof data !== 'object' || data === null || (data as { stratalign?: unknown }).stratalign !== ENVELOPE_TAG)
    return { kind: 'text' };
  const parsed = envelopeSchema.safeParse(data);
  if (!parsed.success)
    return {
      kind: 'invalid',
      reason:
        `malformed ${ENVELOPE_TAG} envelope: ${parsed.error.issues[0]!.message} at ` +
        `${parsed.error.issues[0]!.path.join('.')}`,
    };
  const envelope = parsed.data;
  if (envelope.samples.length + envelope.missing.count !== envelope.requested) {
    return {
      kind: 'invalid',
      reason:
        `envelope counts do not add up: ${envelope.samples.length} samples + ${envelope.missing.count} ` +
        `missing != ${envelope.requested} requested`,
    };
  }
  const sequentialProblem = checkSequential(envelope);
  if (sequentialProblem) return { kind: 'invalid', reason: sequentialProblem };
  return { kind: 'envelope', envelope };
}

/** What the schema cannot see: the record belongs to sequential mode only, and no run spends past its cap. */
function checkSequential(envelope: SampleEnvelope): string | null {
  const record = envelope.sequential;
  if ((envelope.mode === 'sequential') !== (record !== undefined)) {
    return record
      ? `a ${envelope.mode} envelope carries a sequential record`
      : 'a sequential envelope without its sequential record (decision, interval, reference)';
  }
  if (record && envelope.requested > record.cap)
    return `sequential envelope spent ${envelope.requested} calls, more than its cap ${record.cap}`;
  if (record && record.valid > envelope.samples.length)
    return `sequential envelope claims ${record.valid} valid answers among ${envelope.samples.length} samples`;
  return null;
}

/**
 * The one reader of a provider's output for a known scenario, shared by the alignment assertion and
 * by conversion (the end-of-eval summary, `stratalign convert`), so the two cannot disagree on the
 * same row: an envelope that is malformed, or that is for another scenario than the row's
 * `vars.scenario`, is 'invalid' for both. It never throws on the output's content.
 */
export function readOutputFor(output: string, scenario: Scenario, catalogue: Catalogue): EnvelopeReadResult {
  const read = readEnvelope(output);
  if (read.kind !== 'envelope') return read;
  const named = read.envelope.scenario;
  // Providers write the resolved id: only another spelling needs resolving to compare.
  if (named === scenario.id) return read;
  let other: Scenario;
  try {
    other = resolveScenario(catalogue, named);
  } catch (err) {
    if (!isStratalignError(err)) throw err;
    return {
      kind: 'invalid',
      reason: `the envelope names scenario ${JSON.stringify(named)}, which the catalogue does not know`,
    };
  }
  if (other.id !== scenario.id)
    return { kind: 'invalid', reason: `the output is for ${other.id} but vars.scenario says ${scenario.id}` };
  return read;
}

/** A row's output read for its scenario: each envelope sample's parse result, in order, or the plain answer's. */
export type OutputSamplesRead =
  | { kind: 'envelope'; envelope: SampleEnvelope; parses: ParseResult[] }
  | { kind: 'text'; parse: ParseResult }
  | { kind: 'invalid'; reason: string };

/**
 * What conversion needs from one row: the envelope checked against the row's scenario
 * (readOutputFor) and each of its samples read once (readEnvelopeSample); plain text is one
 * sample, read by the same readEnvelopeSample as the assertion reads it.
 */
export function readOutputSamples(
  output: string,
  scenario: Scenario,
  catalogue: Catalogue,
  /** Asked under a structured protocol: read by the strict reader only. */
  structured: boolean,
  /** The provider's finish reason for a plain answer, so a cut-off answer reads as truncated. */
  finishReason?: string,
): OutputSamplesRead {
  const read = readOutputFor(output, scenario, catalogue);
  const { actionSpace } = scenario.game;
  if (read.kind === 'text') {
    const plain = { text: output, ...(finishReason ? { finishReason } : {}) };
    return { kind: 'text', parse: readEnvelopeSample(plain, actionSpace, scenario.labels, structured) };
  }
  if (read.kind !== 'envelope') return read;
  const parses = read.envelope.samples.map((s) => readEnvelopeSample(s, actionSpace, scenario.labels, structured));
  return { ...read, parses };
}

/**
 * The one reader of an envelope sample: a recorded failure or choice is taken as recorded (a choice
 * that is not an action of the game counts as out of range, never as a guess), a text goes through
 * the rules against the labels the prompt showed and then through the audited extractor's reading.
 */
export function readEnvelopeSample(
  sample: EnvelopeSample,
  space: ActionSpace,
  labels: LabelVariant | undefined,
  /** Asked under a structured protocol: read by the strict reader only. */
  structured: boolean,
): ParseResult {
  if (sample.text === null && sample.recordedFailure !== undefined) {
    return {
      ok: false,
      failure: sample.recordedFailure,
      reason: `recorded as ${sample.recordedFailure} in the replayed counts (no text)`,
    };
  }
  if (sample.text === null && sample.recordedChoice !== undefined) {
    // The choice was recorded, not parsed: there is no text to quote as evidence.
    if (isValidAction(space, sample.recordedChoice))
      return { ok: true, action: sample.recordedChoice, rule: 'recorded-choice', evidence: '' };
    return {
      ok: false,
      failure: 'out-of-range',
      reason: `recorded choice ${JSON.stringify(sample.recordedChoice)} is not an action of this game`,
    };
  }
  const rules = parseWithLabels(sample.text, space, labels, parseOptions(sample.finishReason, structured));
  return applyExtraction(rules, sample.extraction, space, labels);
}
