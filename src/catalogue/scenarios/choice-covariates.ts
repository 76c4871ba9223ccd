import type { Catalogue } from '../catalogue.js';
import { letterTerm, positionTerm } from '../games/label-variant.js';
import { labelsOf, type Scenario } from './scenario.js';
import { statedPayoffs } from './scenario-payoffs.js';

/**
 * What a choice model of the probes sees of one scenario. Payoffs are those the prompt states
 * (scaled, or the grid point's); the two incentive terms are C's payoff advantage over D when the
 * coplayer plays C (R - T) and when it plays D (S - P): a player that responds to incentives
 * cooperates more as they grow, whatever the game is called.
 */
export type ChoiceCovariates = {
  /** R - T: what cooperating gains (or loses, when negative) against a cooperating coplayer. */
  advantageIfC: number;
  /** S - P: what cooperating gains against a defecting coplayer. */
  advantageIfD: number;
  /** +1 when the cooperative action wears the reference's cooperative label (C), -1 swapped, 0 neutral labels. */
  letter: number;
  /** +1 when the cooperative option is listed first, -1 when second. */
  position: number;
};

export function choiceCovariates(scenario: Scenario, catalogue: Catalogue): ChoiceCovariates | null {
  const p = statedPayoffs(scenario);
  if (!p) return null;
  const labels = labelsOf(catalogue, scenario);
  return {
    advantageIfC: p.CC - p.DC,
    advantageIfD: p.CD - p.DD,
    letter: letterTerm(labels, catalogue.referenceLabels),
    position: positionTerm(labels),
  };
}

/** The choice model's parameters: P(C) = logistic(bias + ifC * (R - T) + ifD * (S - P) + label * x + position * y). */
export type ChoiceParameters = {
  cooperationBias: number;
  incentiveIfC: number;
  incentiveIfD: number;
  labelBias: number;
  positionBias: number;
};

export const PARAMETER_NAMES = [
  'cooperationBias',
  'incentiveIfC',
  'incentiveIfD',
  'labelBias',
  'positionBias',
] as const satisfies readonly (keyof ChoiceParameters)[];
export type ParameterName = (typeof PARAMETER_NAMES)[number];

/** How tables name each parameter. */
export const PARAMETER_LABELS: Record<ParameterName, string> = {
  cooperationBias: 'cooperation bias',
  incentiveIfC: 'incentive R-T',
  incentiveIfD: 'incentive S-P',
  labelBias: 'label bias (letter)',
  positionBias: 'position bias',
};

/** The covariate each parameter multiplies (1 for the bias). */
export function designRow(x: ChoiceCovariates): Record<ParameterName, number> {
  return {
    cooperationBias: 1,
    incentiveIfC: x.advantageIfC,
    incentiveIfD: x.advantageIfD,
    labelBias: x.letter,
    positionBias: x.position,
  };
}

export function logistic(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** P(C) of the choice model at one scenario. */
export function cooperationProbability(params: ChoiceParameters, x: ChoiceCovariates): number {
  const row = designRow(x);
  return logistic(PARAMETER_NAMES.reduce((z, name) => z + params[name] * row[name], 0));
}
