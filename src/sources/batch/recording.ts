import { StratalignError } from '../../shared/errors.js';
import { SAMPLE_SCHEMA, type SampleRecord } from '../../recordings/types.js';
import { parseOptions, parseScenarioAnswer } from '../../answers/parsing/parse-answer.js';
import { forEachLine } from './journal.js';
import type { CollectionPlan, RequestItem } from './plan.js';

export const RECORDING_FILE = 'recording.jsonl';
export const ERRORS_FILE = 'errors.jsonl';

const FIX = 'the recording is appended to only by stratalign batch; restore it from a backup';

/** Parse outcomes of the recorded samples: valid answers, and failures by kind. */
export type ParseTally = { valid: number; failures: Record<string, number> };

export function countParse(tally: ParseTally, parse: SampleRecord['parse']): void {
  if (parse.ok) tally.valid++;
  else tally.failures[parse.failure] = (tally.failures[parse.failure] ?? 0) + 1;
}

/**
 * The custom_ids already in the recording. This, not the journal, decides whether a sample is
 * written, so a crash after writing samples but before journalling them cannot duplicate them.
 */
export async function readRecording(
  path: string,
  byCustomId: ReadonlyMap<string, RequestItem>,
): Promise<{ ids: Set<string>; parse: ParseTally }> {
  const seen = new Set<string>();
  const parse: ParseTally = { valid: 0, failures: {} };
  await forEachLine(path, (line, lineNo) => {
    const where = { file: path, field: `line ${lineNo}` };
    let id: unknown;
    try {
      const sample = JSON.parse(line) as Partial<SampleRecord>;
      id = sample.provenance?.customId;
      if (sample.parse && typeof sample.parse === 'object') countParse(parse, sample.parse);
    } catch {
      throw new StratalignError({ ...where, value: line }, 'not valid JSON', FIX);
    }
    if (typeof id !== 'string' || !byCustomId.has(id)) {
      throw new StratalignError(
        { ...where, field: `${where.field}, field provenance.customId`, value: id },
        'not a request of this collection plan',
        FIX,
      );
    }
    if (seen.has(id))
      throw new StratalignError({ ...where, value: id }, 'this custom_id is already recorded on an earlier line', FIX);
    seen.add(id);
  });
  return { ids: seen, parse };
}

/** `<batch id> <custom_id>` of every failure already in the errors file, so re-collecting a batch adds none twice. */
export async function readErrorKeys(path: string): Promise<Set<string>> {
  const keys = new Set<string>();
  await forEachLine(path, (line) => {
    try {
      const e = JSON.parse(line) as { batchId?: unknown; customId?: unknown };
      if (typeof e.batchId === 'string' && typeof e.customId === 'string') keys.add(errorKey(e.batchId, e.customId));
    } catch {
      // A damaged errors line only costs a repeated error entry, never a sample.
    }
  });
  return keys;
}

export function errorKey(batchId: string, customId: string): string {
  return `${batchId} ${customId}`;
}

export type BatchAnswer = { text: string; finishReason: string; model: string | null };

/** A batch answer as a recording line: raw text, the parse, and where it came from. */
export function batchSample(
  plan: CollectionPlan,
  planHash: string,
  item: RequestItem,
  answer: BatchAnswer,
  batchId: string,
  collectedAt: Date,
): SampleRecord {
  const seed = plan.sampling.seed === undefined ? null : plan.sampling.seed + item.sampleIndex;
  return {
    schema: SAMPLE_SCHEMA,
    scenario: item.scenario.id,
    split: item.split,
    model: plan.label,
    role: plan.role,
    text: answer.text,
    // A structured request (its prompt carries the schema) is read by the strict reader only.
    parse: parseScenarioAnswer(
      answer.text,
      item.scenario,
      parseOptions(answer.finishReason, item.prompt.answerSchema !== undefined),
    ),
    provenance: {
      source: 'live',
      origin: `${plan.provider} batch ${batchId}`,
      mode: 'batch',
      provider: plan.provider,
      modelId: answer.model ?? plan.model,
      requestedModel: plan.model,
      batchId,
      customId: item.customId,
      sampleIndex: item.sampleIndex,
      protocol: plan.protocol,
      catalogue: plan.catalogue,
      sampling: plan.sampling,
      seed,
      finishReason: answer.finishReason,
      planHash,
      collectedAt: collectedAt.toISOString(),
    },
  };
}
