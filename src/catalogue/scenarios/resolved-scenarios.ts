import type { ErrorLocation } from '../../shared/errors.js';
import type { Catalogue } from '../catalogue.js';
import { resolveScenario, type Scenario } from './scenario.js';

/**
 * Scenarios a reader already resolved, by id. The first reader of a row (e.g. the end-of-eval
 * hook turning promptfoo rows into samples) resolves each `vars.scenario` once; whatever it hands
 * on (tallies, the report's units, the summary's agreement) looks the object up here instead of
 * resolving the id string again.
 */
export type ResolvedScenarios = ReadonlyMap<string, Scenario>;

/** The scenario of an id: the one already resolved when there is one, else resolved now (data read from files). */
export function scenarioById(
  resolved: ResolvedScenarios | undefined,
  catalogue: Catalogue,
  id: string,
  where: Omit<ErrorLocation, 'value'> = {},
): Scenario {
  return resolved?.get(id) ?? resolveScenario(catalogue, id, where);
}
