import type { Catalogue } from '../../catalogue/catalogue.js';
import { isStratalignError } from '../../shared/errors.js';
import { isValidAction, type ActionSpace } from '../../catalogue/games/action-space.js';
import type { LabelVariant } from '../../catalogue/games/label-variant.js';
import { applyExtraction } from '../extraction/apply-extraction.js';
import { parseOptions } from '../parsing/parse-answer.js';
import type { ParseResult } from '../parsing/parse-result.js';
import { resolveScenario, type Scenario } from '../../catalogue/scenarios/scenario.js';
import { parseWithLabels } from '../scenario-answer.js';
import { readEnvelope, type EnvelopeReadResult, type EnvelopeSample } from './envelope.js';

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
