import { isValidAction, type ActionSpace } from '../../catalogue/games/action-space.js';
import type { LabelVariant } from '../../catalogue/games/label-variant.js';
import { applyExtraction } from '../extraction/apply-extraction.js';
import { parseOptions, parseWithLabels } from '../parsing/parse-answer.js';
import type { ParseResult } from '../parsing/parse-result.js';
import type { EnvelopeSample } from './envelope.js';

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
