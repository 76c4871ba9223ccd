// Scores a game response (or a batch of samples) against the teacher's choice distribution.
import type { AssertionValueFunctionContext, GradingResult } from 'promptfoo';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { isStratalignError } from '../src/shared/errors.js';
import { configErrorLine } from '../src/eval/config/config-error.js';
import { cachedReference } from '../src/recordings/reference/reference-cache.js';
import { parseAlignmentConfig } from '../src/eval/scoring/assertion-config.js';
import { assessOutput } from '../src/eval/scoring/assess-output.js';
import { isAlignmentAssertion } from '../src/eval/config/suite-check.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { recordedAsStructured } from '../src/catalogue/structured/answer-schema.js';

/**
 * A row it could score carries named scores; a row it could not (config, reference or scenario
 * problem) carries none, which is how the end-of-eval hook tells the two apart.
 */
export function alignment(output: string, context: AssertionValueFunctionContext): GradingResult {
  try {
    const catalogue = defaultCatalogue();
    const config = parseAlignmentConfig(context.config);
    const name = context.vars?.scenario;
    if (typeof name !== 'string')
      return { pass: false, score: 0, reason: 'stratalign: the test has no `scenario` var to score against' };
    const scenario = resolveScenario(catalogue, name, { field: 'vars.scenario' });
    const selector = config.referenceModel
      ? { model: config.referenceModel }
      : { role: config.referenceRole ?? 'teacher' };
    const reference = cachedReference(config.reference, selector, catalogue);
    const entry = reference.scenarios[scenario.id];
    if (!entry)
      return {
        pass: false,
        score: 0,
        reason: `stratalign: reference ${config.reference} (${reference.model}) has no distribution for ${scenario.id}`,
      };
    type Meta = { stratalign?: { finishReason?: unknown; protocol?: unknown } };
    const meta = (context.providerResponse?.metadata as Meta | undefined)?.stratalign;
    const finishReason = meta?.finishReason;
    // Answers asked for under a structured protocol are read by the strict reader, never by the rules.
    const structured = recordedAsStructured(catalogue, meta?.protocol);
    const { pass, score, reason, namedScores } = assessOutput(
      output,
      scenario,
      entry,
      config,
      {
        ...(typeof finishReason === 'string' ? { finishReason } : {}),
        ...(structured ? { structured } : {}),
      },
      catalogue,
    );
    return { pass, score, reason, namedScores: withoutDuplicateOfScore(namedScores, context) };
  } catch (err) {
    if (isStratalignError(err)) return { pass: false, score: 0, reason: configErrorLine(err) };
    throw err;
  }
}

/**
 * The score is the teacher agreement, and promptfoo shows the score under the assertion's
 * `metric:` name; under another name (e.g. `alignment`) the viewer would show the same number
 * twice, so the named score is dropped and the metric's own chip carries it.
 */
function withoutDuplicateOfScore(
  namedScores: Record<string, number>,
  context: AssertionValueFunctionContext,
): Record<string, number> {
  const metric = context.test?.assert?.find((a) => isAlignmentAssertion(a as { value?: unknown }))?.metric;
  if (typeof metric !== 'string' || metric === 'teacher_agreement') return namedScores;
  const { teacher_agreement: _sameAsScore, ...rest } = namedScores;
  return rest;
}
