import { z } from 'zod';
import { PARSE_FAILURE_KINDS } from '../answers/parsing/parse-result.js';
import { SAMPLE_SCHEMA, SAMPLE_SOURCES } from './types.js';

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
    failure: z.enum(PARSE_FAILURE_KINDS as [string, ...string[]]),
    reason: z.string(),
    ruleFailure: z.enum(PARSE_FAILURE_KINDS as [string, ...string[]]).optional(),
    extractor: extractorId.optional(),
  }),
]);

/** One line of a JSONL recording (see SampleRecord). */
export const sampleRecordSchema = z.object({
  schema: z.literal(SAMPLE_SCHEMA),
  scenario: z.string().min(1),
  split: z.string().min(1),
  model: z.string().min(1),
  role: z.string().min(1).nullable(),
  text: z.string().nullable(),
  parse: parseResult,
  provenance: z.looseObject({
    source: z.enum(SAMPLE_SOURCES),
    origin: z.string().min(1),
  }),
});
