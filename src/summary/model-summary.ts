import type { Catalogue } from '../catalogue/catalogue.js';
import { validCount, type Tally } from '../recordings/types.js';
import type { Reference } from '../reference/reference.js';
import { resolveScenario } from '../scenarios/scenario.js';
import { distributionScores } from '../scoring/score-samples.js';

/**
 * Teacher agreement per model: the mean over scenarios of P(a reference answer equals one of the
 * model's answers), against the reference the alignment assertion scores with. Scenarios without
 * a reference entry or without valid answers are left out; null when none is left.
 */
export function agreementByModel(tallies: readonly Tally[], reference: Reference, catalogue: Catalogue): Map<string, number | null> {
  const values = new Map<string, number[]>();
  for (const t of tallies) {
    const list = values.get(t.model) ?? [];
    values.set(t.model, list);
    const entry = reference.scenarios[t.scenario];
    const n = validCount(t);
    if (!entry || entry.n === 0 || n === 0) continue;
    const shares = Object.fromEntries(Object.entries(t.counts).map(([a, c]) => [a, c / n]));
    list.push(distributionScores(shares, resolveScenario(catalogue, t.scenario).game.actionSpace, entry).agreement!);
  }
  return new Map([...values].map(([model, xs]) => [model, xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null]));
}
