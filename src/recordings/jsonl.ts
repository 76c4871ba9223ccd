import type { Catalogue } from '../catalogue/catalogue.js';
import { StratalignError, type ErrorLocation } from '../shared/errors.js';
import { readJsonLines } from '../shared/files/json-lines.js';
import { isValidAction } from '../catalogue/games/action-space.js';
import { resolveScenario } from '../catalogue/scenarios/scenario.js';
import { formatPath } from '../shared/validation.js';
import { sampleRecordSchema } from './sample-schema.js';
import { SAMPLE_SCHEMA, type SampleRecord } from './types.js';

const FIX =
  `write one JSON object per line with schema "${SAMPLE_SCHEMA}", scenario, split, model, role, text, ` +
  `parse and provenance (see README, "Recordings")`;

export type NumberedSample = { sample: SampleRecord; line: number };

/**
 * Streams a JSONL recording, validating every line; scenario names may use the paper's aliases
 * and come back canonical. Blank lines are skipped; anything else malformed stops with the line.
 */
export async function* readSampleFile(file: string, catalogue: Catalogue): AsyncGenerator<SampleRecord> {
  for await (const { sample } of readNumberedSamples(file, catalogue)) yield sample;
}

/** readSampleFile with the line each sample came from, for messages about it later. */
export async function* readNumberedSamples(file: string, catalogue: Catalogue): AsyncGenerator<NumberedSample> {
  for await (const { line, value } of readJsonLines(file, { fix: FIX })) {
    yield { sample: sampleFromJson(value, { file, field: `line ${line}` }, catalogue), line };
  }
}

function sampleFromJson(data: unknown, where: ErrorLocation & { field: string }, catalogue: Catalogue): SampleRecord {
  const result = sampleRecordSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new StratalignError(
      { ...where, field: `${where.field}, field ${formatPath(issue.path) || '(line)'}` },
      issue.message,
      FIX,
    );
  }
  const record = result.data as SampleRecord;
  const scenario = resolveScenario(catalogue, record.scenario, { ...where, field: `${where.field}, field scenario` });
  if (record.parse.ok && !isValidAction(scenario.game.actionSpace, record.parse.action)) {
    throw new StratalignError(
      { ...where, field: `${where.field}, field parse.action`, value: record.parse.action },
      `not an action of ${scenario.game.id}`,
      'record a valid action or a parse failure',
    );
  }
  return { ...record, scenario: scenario.id };
}

export function formatSampleLine(record: SampleRecord): string {
  return JSON.stringify(record);
}
