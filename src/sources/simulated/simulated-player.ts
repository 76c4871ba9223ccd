import type { Catalogue } from '../../catalogue/catalogue.js';
import { labelOfAction } from '../../catalogue/games/label-variant.js';
import {
  choiceCovariates,
  cooperationProbability,
  type ChoiceParameters,
} from '../../catalogue/scenarios/choice-covariates.js';
import { createRng } from '../../shared/random.js';
import { ENVELOPE_TAG, type EnvelopeSample, type SampleEnvelope } from '../../answers/samples/envelope.js';
import { labelsOf, type Scenario } from '../../catalogue/scenarios/scenario.js';
import { playerParameters, type SimulatedConfig } from './simulated-config.js';

/** The text of an answer the simulated player leaves unreadable on purpose: it names no option. */
export const UNREADABLE_ANSWER = 'SIMULATED answer without a decision';

export type SimulatedCall = { envelope: SampleEnvelope; probability: number; parameters: ChoiceParameters };

/**
 * One row's answers from a parametric player: each answer is C with the choice model's probability
 * at this scenario (payoffs as stated, labels as shown), written as the label the prompt shows for
 * the chosen action. Seeded by seed, model, scenario and repeat, so a run is reproducible and the
 * models' draws are independent. Returns null with a reason for games it cannot play.
 */
export function simulateCall(
  scenario: Scenario,
  catalogue: Catalogue,
  config: SimulatedConfig,
  call: { model: string; split: string | undefined; repeatIndex: number },
): SimulatedCall | string {
  const covariates = choiceCovariates(scenario, catalogue);
  const space = scenario.game.actionSpace;
  if (!covariates || space.kind !== 'choice')
    return `scenario ${scenario.id}: the simulated player plays two-option (2x2) games only`;
  const parameters = playerParameters(config.player);
  const probability = cooperationProbability(parameters, covariates);
  const labels = labelsOf(catalogue, scenario);
  const defect = space.options.find((o) => o !== space.cooperative)!;
  const rng = createRng(`${config.seed}\u0000${call.model}\u0000${scenario.id}\u0000${call.repeatIndex}`);
  const samples: EnvelopeSample[] = [];
  for (let i = 0; i < config.samples; i++) {
    const unreadable = rng() < config.player.unparseableRate;
    const action = rng() < probability ? space.cooperative : defect;
    samples.push({ text: unreadable ? UNREADABLE_ANSWER : labelOfAction(labels, space, action) });
  }
  const p = parameters;
  const note =
    'SIMULATED player, no model was called: ' +
    `P(C) = logistic(${p.cooperationBias} + ${p.incentiveIfC}*(R-T) + ${p.incentiveIfD}*(S-P)` +
    ` + ${p.labelBias}*label + ${p.positionBias}*position) = ${probability.toFixed(4)} here` +
    ` (labels ${labels.id}); seed ${config.seed}`;
  const envelope: SampleEnvelope = {
    stratalign: ENVELOPE_TAG,
    note,
    source: 'simulated',
    mode: 'simulated',
    scenario: scenario.id,
    model: call.model,
    role: config.role ?? null,
    requested: config.samples,
    samples,
    missing: { count: 0, reasons: [] },
  };
  return { envelope, probability, parameters };
}
