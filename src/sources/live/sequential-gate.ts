import type { Catalogue } from '../../catalogue/catalogue.js';
import { isStratalignError, showValue, StratalignError } from '../../shared/errors.js';
import type { Action } from '../../catalogue/games/action-space.js';
import { cachedReference } from '../../recordings/reference/reference-cache.js';
import { referenceProbability, type Reference } from '../../recordings/reference/reference.js';
import type { Scenario } from '../../catalogue/scenarios/scenario.js';
import type { SequentialSettings } from './sequential-config.js';

/** What one row's sequential run checks: P(counted) against the teacher's share ± tolerance. */
export type SequentialGate = {
  /** The cooperative option first: it is the counted action whose share the interval bounds. */
  actions: readonly [Action, Action];
  share: number;
  /** Valid teacher answers the share comes from; the share is used as a fixed value. */
  n: number;
  model: string;
};

/**
 * Reads the reference when the provider is built, so a wrong path or role fails the config at
 * load time, naming the provider key, not on every row. Relative paths are resolved against the
 * promptfoo config's folder, as the alignment assertion resolves its own `reference`.
 */
export function loadSequentialReference(
  settings: SequentialSettings,
  providerId: string,
  catalogue: Catalogue,
  baseDir?: string,
): Reference {
  try {
    const base = baseDir === undefined ? [] : [baseDir];
    return cachedReference(settings.reference, settings.selector, catalogue, ...base);
  } catch (err) {
    if (!isStratalignError(err)) throw err;
    const where = [err.location.file, err.location.field].filter(Boolean).join(': ');
    const found = 'value' in err.location ? ` (got ${showValue(err.location.value)})` : '';
    throw new StratalignError(
      { field: `providers[${providerId}].config.sequential.reference`, value: settings.reference },
      `the reference cannot be used: ${where ? `${where}: ` : ''}${err.problem}${found}`,
      `${err.fix} (the path is relative to the promptfoo config file)`,
    );
  }
}

/** The gate for one scenario, or why this scenario cannot be sampled sequentially (no call is made). */
export function sequentialGateFor(
  scenario: Scenario,
  reference: Reference,
  settings: SequentialSettings,
): { ok: true; gate: SequentialGate } | { ok: false; reason: string } {
  const space = scenario.game.actionSpace;
  if (space.kind !== 'choice' || space.options.length !== 2) {
    const asks =
      space.kind === 'choice'
        ? `${space.options.length} options (${space.options.join(', ')})`
        : `an amount from ${space.min} to ${space.max}`;
    return {
      ok: false,
      reason:
        `scenario ${scenario.id}: mode sequential needs a choice game with two options, and ` +
        `${scenario.game.id} asks for ${asks}; use mode: multi with samples: N for this scenario`,
    };
  }
  const entry = reference.scenarios[scenario.id];
  if (!entry) {
    return {
      ok: false,
      reason:
        `reference ${settings.reference} (${reference.model}) has no distribution for scenario ` +
        `${scenario.id}: add the scenario to the reference, or leave it out of this provider's tests`,
    };
  }
  if (entry.n === 0) {
    return {
      ok: false,
      reason:
        `reference ${settings.reference} (${reference.model}) has no valid answers for scenario ` +
        `${scenario.id}, so there is no share to compare with`,
    };
  }
  const other = space.options.find((o) => o !== space.cooperative)!;
  return {
    ok: true,
    gate: {
      actions: [space.cooperative, other],
      share: referenceProbability(entry, space.cooperative),
      n: entry.n,
      model: reference.model,
    },
  };
}
