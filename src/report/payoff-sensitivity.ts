import { twoProportionTest } from '../stats/two-proportion.js';
import type { PayoffPair, PayoffSensitivity } from './types.js';
import type { UnitWork } from './unit-work.js';

/**
 * Pairs every payoff-scaled scenario (e.g. `team/stag-hunt@x2`) with its x1 scenario of the same
 * context and game, preferring the same split, and tests per model whether cooperation changed.
 * The teacher changed in 16 of the paper's 20 doubled scenarios, its student in 1: a student that
 * ignores the stakes has not learnt the teacher's reasoning, whatever its mean improvement.
 */
export function payoffSensitivity(
  works: readonly UnitWork[],
  models: readonly string[],
  alpha: number,
): PayoffSensitivity | null {
  const pairs: PayoffPair[] = [];
  for (const scaled of works) {
    const { scenario } = scaled.unit;
    if (scenario.payoffScale === 1 || scaled.space.kind !== 'choice') continue;
    const candidates = works.filter((w) => {
      const x = w.unit.scenario;
      // Same context, game and option labels: a label variant is compared with itself at x1.
      const same = x.context.id === scenario.context.id && x.game.id === scenario.game.id;
      return x.payoffScale === 1 && same && x.labels?.id === scenario.labels?.id;
    });
    const plain = candidates.find((w) => w.unit.split === scaled.unit.split) ?? candidates[0];
    if (!plain) continue;
    const cooperative = scaled.space.cooperative;
    const pairModels: PayoffPair['models'] = [];
    for (const model of models) {
      const a = plain.cells.get(model)?.measured;
      const b = scaled.cells.get(model)?.measured;
      if (!a || !b || a.valid === 0 || b.valid === 0) continue;
      const ka = a.counts[a.actions.indexOf(cooperative)]!;
      const kb = b.counts[b.actions.indexOf(cooperative)]!;
      const test = twoProportionTest(kb, b.valid, ka, a.valid);
      pairModels.push({
        model,
        share: ka / a.valid,
        scaledShare: kb / b.valid,
        test,
        significant: test.pValue < alpha,
      });
    }
    pairs.push({
      context: scenario.context.id,
      game: scenario.game.id,
      scenario: plain.unit.scenario.id,
      split: plain.unit.split,
      scaledScenario: scenario.id,
      scaledSplit: scaled.unit.split,
      models: pairModels,
    });
  }
  if (!pairs.length) return null;
  const perModel = models.map((model) => {
    const tested = pairs.flatMap((p) => p.models.filter((m) => m.model === model));
    return { model, pairs: tested.length, changed: tested.filter((m) => m.significant).length };
  });
  return { pairs, perModel };
}
