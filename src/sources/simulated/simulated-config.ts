import { z } from 'zod';
import { StratalignError } from '../../shared/errors.js';
import type { ChoiceParameters } from '../../catalogue/scenarios/choice-covariates.js';
import { formatPath } from '../../shared/validation.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** A parametric player: the same choice model the fingerprint fits, with known parameters. */
const playerSchema = z.strictObject({
  /** Log-odds of cooperating when every other term is 0. */
  cooperationBias: finite.default(0),
  /** Response to C's payoff advantage, per point: one number for both R - T and S - P, or each apart. */
  incentiveSensitivity: z.union([finite, z.strictObject({ ifC: finite, ifD: finite })]).default(0),
  /** Pull towards the label that meant cooperation in the reference prompts (C): +1 log-odds where it marks C. */
  labelBias: finite.default(0),
  /** Pull towards the option listed first. */
  positionBias: finite.default(0),
  /** Share of answers written so that no choice can be read (counted as parse failures, never as a choice). */
  unparseableRate: z.number().min(0).max(1).default(0),
});

export const simulatedConfigSchema = z.strictObject({
  /** base, fine-tuned, teacher or any label; copied into every result. */
  role: z.string().min(1).optional(),
  /** Answers per row (one sample envelope); 1 for promptfoo's repeat. */
  samples: z.number().int().min(1).max(1_000_000).default(1),
  /** The same seed, label, scenario and repeat give the same answers. */
  seed: z.union([z.number(), z.string()]).default(1),
  /** Recorded in each row's metadata: the protocol a real model in this seat would be asked with. */
  protocol: z.string().min(1).optional(),
  player: playerSchema,
  /** Set by promptfoo: directory of the config file. */
  basePath: z.string().optional(),
});

export type SimulatedConfig = z.infer<typeof simulatedConfigSchema>;
export type PlayerConfig = SimulatedConfig['player'];

/** The player's parameters in the fingerprint's terms, so a fit can be checked against them. */
export function playerParameters(player: PlayerConfig): ChoiceParameters {
  const s = player.incentiveSensitivity;
  const [ifC, ifD] = typeof s === 'number' ? [s, s] : [s.ifC, s.ifD];
  return {
    cooperationBias: player.cooperationBias,
    incentiveIfC: ifC,
    incentiveIfD: ifD,
    labelBias: player.labelBias,
    positionBias: player.positionBias,
  };
}

/** Validates a simulated provider's config; unknown keys are rejected so a typo cannot pass as a default. */
export function parseSimulatedConfig(config: unknown, providerName: string): SimulatedConfig {
  const result = simulatedConfigSchema.safeParse(config ?? {});
  if (result.success && result.data.protocol === 'structured') {
    // The player answers with a bare label; the strict reader would count every answer as a violation.
    throw new StratalignError(
      { file: 'promptfooconfig.yaml', field: `providers[${providerName}].config.protocol`, value: 'structured' },
      'the simulated player answers with a bare option label, not the JSON object the structured protocol reads',
      'use protocol reasoned or letter-only for simulated players (the protocol is only recorded, it does not ' +
        'change their answers)',
    );
  }
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = formatPath(issue.path);
    return issue.code === 'unrecognized_keys'
      ? `${path ? `${path}: ` : ''}unknown key(s) ${issue.keys.join(', ')}`
      : `${path || 'config'}: ${issue.message}`;
  });
  throw new StratalignError(
    { file: 'promptfooconfig.yaml', field: `providers[${providerName}].config` },
    problems.join('; '),
    'give `player: { cooperationBias, incentiveSensitivity, labelBias, positionBias, unparseableRate }` ' +
      'and optionally role, samples, seed, protocol',
  );
}
