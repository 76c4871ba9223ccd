import type { Catalogue } from '../../src/catalogue/catalogue.js';
import {
  choiceCovariates,
  cooperationProbability,
  type ChoiceParameters,
} from '../../src/catalogue/scenarios/choice-covariates.js';
import { createRng } from '../../src/shared/random.js';
import type { Tally } from '../../src/recordings/types.js';
import type { Scenario } from '../../src/catalogue/scenarios/scenario.js';
import { sampleBinomial } from '../../src/stats/bootstrap.js';

export type SimulatedModel = { model: string; role: string | null; params: ChoiceParameters };

/** Parameters in the fingerprint's terms, with zeros for what is not given. */
export function player(p: Partial<ChoiceParameters>): ChoiceParameters {
  return { cooperationBias: 0, incentiveIfC: 0, incentiveIfD: 0, labelBias: 0, positionBias: 0, ...p };
}

/**
 * Tallies of simulated players drawn straight from the choice model (n answers per scenario), for
 * statistical tests that need many seeded datasets fast; the provider test checks the same model
 * through answer texts and the parser.
 */
export function simulatedTallies(
  catalogue: Catalogue,
  scenarios: readonly Scenario[],
  models: readonly SimulatedModel[],
  n: number,
  seed: string,
  split = 'grid',
): Tally[] {
  const rng = createRng(seed);
  return models.flatMap((m) =>
    scenarios.map((s): Tally => {
      const k = sampleBinomial(n, cooperationProbability(m.params, choiceCovariates(s, catalogue)!), rng);
      return {
        split,
        scenario: s.id,
        model: m.model,
        role: m.role,
        counts: { C: k, D: n - k },
        failures: {},
        source: 'simulated',
      };
    }),
  );
}
