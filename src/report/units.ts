import type { Catalogue } from '../catalogue/catalogue.js';
import { StratalignError } from '../shared/errors.js';
import type { Tally } from '../recordings/types.js';
import type { Scenario } from '../catalogue/scenarios/scenario.js';
import { scenarioById, type ResolvedScenarios } from '../catalogue/scenarios/resolved-scenarios.js';

/** One scenario of one split with the tallies of the chosen models (some may be missing). */
export type ScenarioUnit = { split: string; scenario: Scenario; tallies: Map<string, Tally> };

/**
 * Groups the chosen models' tallies by (split, scenario), in first-seen order. A model answering
 * the same scenario twice in one split (e.g. the same run loaded from two files) is an error:
 * adding them up or picking one would both be guesses.
 */
export function buildUnits(
  tallies: readonly Tally[],
  models: readonly string[],
  catalogue: Catalogue,
  origin: string,
  /** Scenarios the data's reader already resolved; the others are resolved from their id here. */
  resolved?: ResolvedScenarios,
): ScenarioUnit[] {
  const units = new Map<string, ScenarioUnit>();
  for (const tally of tallies) {
    if (!models.includes(tally.model)) continue;
    const key = `${tally.split}\u0000${tally.scenario}`;
    let unit = units.get(key);
    if (!unit) {
      unit = {
        split: tally.split,
        scenario: scenarioById(resolved, catalogue, tally.scenario, { file: origin, field: 'scenario' }),
        tallies: new Map(),
      };
      units.set(key, unit);
    }
    if (unit.tallies.has(tally.model)) {
      throw new StratalignError(
        { file: origin, value: `${tally.split} / ${tally.scenario} / ${tally.model}` },
        'the same model answers the same scenario twice in one split',
        'load each run once, or give the runs different split names or model labels',
      );
    }
    unit.tallies.set(tally.model, tally);
  }
  return [...units.values()];
}
