import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Catalogue } from '../catalogue/catalogue.js';
import { StratalignError } from '../errors.js';
import { isValidAction } from '../games/action-space.js';
import { resolveScenario } from '../scenarios/scenario.js';
import { formatPath } from '../validation.js';
import { sampleRecordSchema } from './sample-schema.js';
import { SAMPLE_SCHEMA, type SampleRecord } from './types.js';

const FIX = `write one JSON object per line with schema "${SAMPLE_SCHEMA}", scenario, split, model, role, text, parse and provenance (see README, "Recordings")`;

/**
 * Streams a JSONL recording, validating every line; scenario names may use the paper's aliases
 * and come back canonical. Blank lines are skipped; anything else malformed stops with the line.
 */
export async function* readSampleFile(file: string, catalogue: Catalogue): AsyncGenerator<SampleRecord> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      yield parseSampleLine(line, file, lineNo, catalogue);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StratalignError({ file }, 'file not found', 'check the path');
    throw err;
  } finally {
    lines.close();
    stream.destroy();
  }
}

export function parseSampleLine(line: string, file: string, lineNo: number, catalogue: Catalogue): SampleRecord {
  const where = { file, field: `line ${lineNo}` };
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    throw new StratalignError({ ...where, value: line }, 'not valid JSON', FIX);
  }
  const result = sampleRecordSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new StratalignError({ ...where, field: `${where.field}, field ${formatPath(issue.path) || '(line)'}` }, issue.message, FIX);
  }
  const record = result.data as SampleRecord;
  const scenario = resolveScenario(catalogue, record.scenario, { ...where, field: `${where.field}, field scenario` });
  if (record.parse.ok && !isValidAction(scenario.game.actionSpace, record.parse.action)) {
    throw new StratalignError({ ...where, field: `${where.field}, field parse.action`, value: record.parse.action }, `not an action of ${scenario.game.id}`, 'record a valid action or a parse failure');
  }
  return { ...record, scenario: scenario.id };
}

export function formatSampleLine(record: SampleRecord): string {
  return JSON.stringify(record);
}
