import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { PARSE_FAILURE_KINDS, type ParseFailureKind, type ParseResult } from '../src/answers/parsing/parse-result.js';
import { sampleRecordSchema } from '../src/recordings/sample-schema.js';
import type { SampleRecord } from '../src/recordings/types.js';

// Issue 13 item 1: one sample type, derived from the zod schema recordings are checked with.
const line = (parse: unknown) => ({
  schema: 'stratalign.sample/v1',
  scenario: 'business/prisoners-dilemma',
  split: 'in-sample',
  model: 'm',
  role: null,
  text: 'x',
  parse,
  provenance: { source: 'live', origin: 'test', seed: 3 },
});

describe('the sample type', () => {
  it("is the schema's type, with the parser's ParseResult and failure kinds (checked by tsc)", () => {
    expectTypeOf<SampleRecord>().toEqualTypeOf<z.infer<typeof sampleRecordSchema>>();
    expectTypeOf<SampleRecord['parse']>().toEqualTypeOf<ParseResult>();
    expectTypeOf<Extract<SampleRecord['parse'], { ok: false }>['failure']>().toEqualTypeOf<ParseFailureKind>();
  });

  it('accepts every failure kind and refuses one it does not declare', () => {
    for (const failure of PARSE_FAILURE_KINDS) {
      expect(sampleRecordSchema.safeParse(line({ ok: false, failure, reason: 'r' })).success).toBe(true);
    }
    expect(sampleRecordSchema.safeParse(line({ ok: false, failure: 'guessed', reason: 'r' })).success).toBe(false);
    const parsed = sampleRecordSchema.parse(line({ ok: true, action: 'C', rule: 'json', evidence: 'C' }));
    expect(parsed.provenance.seed).toBe(3);
  });
});
