// Scores a game response (or a batch of samples) against the teacher's choice distribution.
import type { AssertionValueFunctionContext, GradingResult } from 'promptfoo';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { isStratalignError } from '../src/errors.js';
import { cachedReference } from '../src/reference/reference-cache.js';
import { parseAlignmentConfig } from '../src/scoring/assertion-config.js';
import { assessOutput } from '../src/scoring/assess-output.js';
import { resolveScenario } from '../src/scenarios/scenario.js';

export function alignment(output: string, context: AssertionValueFunctionContext): GradingResult {
  try {
    const catalogue = defaultCatalogue();
    const config = parseAlignmentConfig(context.config);
    const name = context.vars?.scenario;
    if (typeof name !== 'string') return { pass: false, score: 0, reason: 'stratalign: the test has no `scenario` var to score against' };
    const scenario = resolveScenario(catalogue, name, { field: 'vars.scenario' });
    const selector = config.referenceModel ? { model: config.referenceModel } : { role: config.referenceRole ?? 'teacher' };
    const reference = cachedReference(config.reference, selector, catalogue);
    const entry = reference.scenarios[scenario.id];
    if (!entry) return { pass: false, score: 0, reason: `stratalign: reference ${config.reference} (${reference.model}) has no distribution for ${scenario.id}` };
    const finishReason = (context.providerResponse?.metadata as { stratalign?: { finishReason?: unknown } } | undefined)?.stratalign?.finishReason;
    const { pass, score, reason, namedScores } = assessOutput(output, scenario, entry, config, typeof finishReason === 'string' ? { finishReason } : {});
    return { pass, score, reason, namedScores };
  } catch (err) {
    if (isStratalignError(err)) return { pass: false, score: 0, reason: `stratalign: ${err.message}` };
    throw err;
  }
}
