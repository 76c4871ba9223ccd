import type { Catalogue } from '../../catalogue/catalogue.js';
import { StratalignError, type ErrorLocation } from '../../shared/errors.js';
import type { ParseResult } from '../../answers/parsing/parse-result.js';
import { SAMPLE_SCHEMA, type Provenance, type SampleRecord, type SampleSource } from '../types.js';
import { readOutputSamples, type SampleEnvelope } from '../../answers/samples/envelope.js';
import { resolveScenario, type Scenario } from '../../catalogue/scenarios/scenario.js';
import { recordedAsStructured } from '../../catalogue/structured/answer-schema.js';
import type { RowFields } from './promptfoo-row.js';
import { findProvider, type RunProvenance } from './run-provenance.js';

export type RowSamples = {
  /** The row's scenario, resolved once here and carried on (samples name it by id). */
  scenario: Scenario;
  samples: SampleRecord[];
  /** Samples the provider was asked for but could not deliver (from the envelope). */
  missing: SampleEnvelope['missing'];
  /** True when the row is a log-probability reading: its sample keeps the distribution, what every consumer counts. */
  distribution: boolean;
};

export type RowContext = {
  origin: string;
  where: ErrorLocation;
  rowNumber: number;
  catalogue: Catalogue;
  run: RunProvenance;
  scenarios: Map<string, Scenario>;
};

const FIX_ENVELOPE =
  'the provider wrote a broken stratalign.samples/v1 envelope; re-run the eval with the current providers';

/** Turns one promptfoo row that has output into samples: one for plain text, one per envelope sample. */
export function samplesFromRow(fields: RowFields, scenarioName: string, split: string, ctx: RowContext): RowSamples {
  const scenario = scenarioFor(scenarioName, ctx, 'vars.scenario');
  const output = fields.output ?? '';
  // Answers asked for under a structured protocol are read by the strict reader only.
  const structured = recordedAsStructured(ctx.catalogue, fields.meta.protocol);
  const finishReason = fields.meta.finishReason;
  const read = readOutputSamples(output, scenario, ctx.catalogue, structured, finishReason);
  if (read.kind === 'invalid')
    throw new StratalignError(
      { ...ctx.where, field: `${ctx.where.field}, field response.output` },
      read.reason,
      FIX_ENVELOPE,
    );
  if (fields.meta.scenario !== undefined)
    sameScenario(scenario, fields.meta.scenario, 'response.metadata.stratalign.scenario', ctx);

  const base = baseProvenance(fields, ctx);
  const record = (
    text: string | null,
    parse: ParseResult,
    source: SampleSource,
    extra: Record<string, unknown>,
  ): SampleRecord => ({
    schema: SAMPLE_SCHEMA,
    scenario: scenario.id,
    split,
    model: fields.providerLabel,
    role: fields.meta.role ?? null,
    text,
    parse,
    provenance: { source, origin: ctx.origin, ...base, ...extra },
  });

  if (read.kind === 'text') {
    const source: SampleSource = fields.meta.source === 'replay' ? 'replay' : 'live';
    return {
      scenario,
      samples: [
        record(output, read.parse, source, {
          mode: fields.meta.mode ?? 'single',
          ...(finishReason ? { finishReason } : {}),
        }),
      ],
      missing: { count: 0, reasons: [] },
      distribution: false,
    };
  }

  const envelope = read.envelope;
  const role = fields.meta.role ?? envelope.role;
  const samples = envelope.samples.map((s, i) => {
    const extra: Record<string, unknown> = { mode: envelope.mode, sample: i };
    if (s.finishReason) extra.finishReason = s.finishReason;
    // A log-probability row is counted as its distribution everywhere (recordings/logprob-reading.ts);
    // the sampled token alone would read 100 % one way.
    if (envelope.distribution) extra.distribution = envelope.distribution;
    // The extractor's question and reply stay with the sample, so a recording can be audited and re-read.
    if (s.extraction) extra.extraction = s.extraction;
    const sample = record(s.text, read.parses[i]!, envelope.source, extra);
    sample.role = role;
    return sample;
  });
  return { scenario, samples, missing: envelope.missing, distribution: envelope.distribution !== undefined };
}

function baseProvenance(fields: RowFields, ctx: RowContext): Omit<Provenance, 'source' | 'origin'> {
  const provider = findProvider(ctx.run, fields.providerLabel, fields.providerId);
  const out: Record<string, unknown> = {
    evalId: fields.evaluationId ?? ctx.run.evalId,
    row: ctx.rowNumber,
    testIdx: fields.testIdx,
    promptIdx: fields.promptIdx,
    provider: fields.providerId,
    modelId: fields.meta.model ?? provider?.model ?? null,
    configHash: ctx.run.configHash,
    promptfooVersion: ctx.run.promptfooVersion,
    evalTime: ctx.run.evalTime,
    seed: fields.meta.seed ?? provider?.seed ?? null,
  };
  if (fields.repeatIndex !== null) out.repeatIndex = fields.repeatIndex;
  if (fields.meta.protocol !== undefined) out.protocol = fields.meta.protocol;
  if (typeof fields.meta.recording === 'string') out.recording = fields.meta.recording;
  return out;
}

function scenarioFor(name: string, ctx: RowContext, field: string): Scenario {
  let scenario = ctx.scenarios.get(name);
  if (!scenario) {
    scenario = resolveScenario(ctx.catalogue, name, { ...ctx.where, field: `${ctx.where.field}, field ${field}` });
    ctx.scenarios.set(name, scenario);
  }
  return scenario;
}

function sameScenario(scenario: Scenario, other: string, field: string, ctx: RowContext): void {
  // The providers write the resolved id: only another spelling needs resolving to compare.
  if (other === scenario.id) return;
  const resolved = scenarioFor(other, ctx, field);
  if (resolved.id !== scenario.id) {
    throw new StratalignError(
      { ...ctx.where, field: `${ctx.where.field}, field ${field}`, value: other },
      `the output is for ${resolved.id} but vars.scenario says ${scenario.id}`,
      'the row mixes two scenarios; re-run the eval',
    );
  }
}
