import type { Catalogue } from '../../catalogue/catalogue.js';
import type { ErrorLocation } from '../../shared/errors.js';
import { requireContext, requireGame } from '../../catalogue/scenarios/scenario.js';
import type { Check, Scope } from './checks.js';

/**
 * A scope with its game and context written as the report's groups are keyed (catalogue ids), so
 * the paper's keys and every other alias work in scopes as they do in scenario names:
 * `game=prison` is `game=prisoners-dilemma`, `context=IR` is `context=international-relations`.
 * An unknown name is an error listing the names that work.
 */
export function canonicalScope(scope: Scope, catalogue: Catalogue, where: Omit<ErrorLocation, 'value'>): Scope {
  const out: Scope = { ...scope };
  if (scope.game !== undefined && scope.game !== '*') out.game = requireGame(catalogue, scope.game, where).id;
  if (scope.context !== undefined && scope.context !== '*')
    out.context = requireContext(catalogue, scope.context, where).id;
  return out;
}

export function withCanonicalScopes(checks: readonly Check[], catalogue: Catalogue): Check[] {
  return checks.map((c) => ({ ...c, scope: canonicalScope(c.scope, catalogue, { field: c.origin }) }));
}
