import { z } from 'zod';
import { PARSE_FAILURE_KINDS, type ParseResult } from '../answers/parsing/parse-result.js';

/** Version tag carried by every sample line and file we write; bump on any incompatible change. */
export const SAMPLE_SCHEMA = 'stratalign.sample/v1';

/**
 * Where a sample came from; shown wherever its numbers are shown. Declared once: sample lines,
 * references and reports all validate against this list.
 *   recorded-counts  published or recorded counts: the choice is known, the text is not
 *   recorded-text    a recorded raw answer text
 *   replay           a replay of a recording through the replay provider
 *   live             a live model call
 *   simulated        drawn from a parametric simulated player (providers/simulated.ts): no model exists behind it
 */
export const SAMPLE_SOURCES = ['recorded-counts', 'recorded-text', 'replay', 'live', 'simulated'] as const;

const extractorId = z.object({ model: z.string().min(1), promptVersion: z.string().min(1) });

const parseResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    action: z.union([z.string(), z.number()]),
    rule: z.string(),
    evidence: z.string(),
    rounded: z.object({ from: z.number(), rule: z.literal('round-half-up') }).optional(),
    readBy: z.enum(['rules', 'extractor']).optional(),
    extractor: extractorId.optional(),
  }),
  z.object({
    ok: z.literal(false),
    failure: z.enum(PARSE_FAILURE_KINDS),
    reason: z.string(),
    ruleFailure: z.enum(PARSE_FAILURE_KINDS).optional(),
    extractor: extractorId.optional(),
  }),
]);

/** Type-level equality: the recorded parse result is exactly the parser's ParseResult, no wider, no narrower. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const parseResultMatchesParser: Same<z.infer<typeof parseResult>, ParseResult> = true;
void parseResultMatchesParser;

const provenance = z.looseObject({
  source: z.enum(SAMPLE_SOURCES),
  /** File, run or dataset the sample came from. */
  origin: z.string().min(1),
});

/** One line of a JSONL recording: the schema every sample type is derived from (SampleRecord). */
export const sampleRecordSchema = z.object({
  schema: z.literal(SAMPLE_SCHEMA),
  scenario: z.string().min(1),
  /** Group the sample is reported in, e.g. 'in-sample' or 'oos-context'; kept as given. */
  split: z.string().min(1),
  /** Model label, e.g. 'llama2-7b-chat'. */
  model: z.string().min(1),
  /** 'base', 'fine-tuned', 'teacher', or another role the user names; null when unknown. */
  role: z.string().min(1).nullable(),
  text: z.string().nullable(),
  parse: parseResult,
  /** Where the sample came from; free-form extras: config hash, model id, seed, time, sampling mode. */
  provenance,
});

export type SampleSource = (typeof SAMPLE_SOURCES)[number];

export type Provenance = z.infer<typeof provenance>;

/**
 * One answer of one model to one scenario: the common currency of providers, reference builder,
 * exporter and report. `parse` is the parse outcome; counts recordings carry
 * `{ ok: true, rule: 'recorded-choice' }` because their choice was recorded, not parsed.
 */
export type SampleRecord = z.infer<typeof sampleRecordSchema>;
