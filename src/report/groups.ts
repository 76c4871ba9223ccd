import { REGIONS } from '../catalogue/games/payoff-region.js';
import { scenarioRegion } from '../catalogue/scenarios/scenario-payoffs.js';
import type { Scenario } from '../catalogue/scenarios/scenario.js';

export type GroupKey = { split?: string; game?: string; context?: string; region?: string };

type UnitLike = { split: string; scenario: Scenario };

const DIMENSIONS = ['split', 'game', 'context', 'region'] as const;

/** The region group a unit falls in: a region id, 'boundary' between regions, or null (no 2x2 game, or no dilemma). */
function regionKey(unit: UnitLike): string | null {
  const rc = scenarioRegion(unit.scenario);
  return rc === null || rc.region === 'other' ? null : rc.region;
}

/**
 * The groups every report aggregates over: everything, each split on its own, and each game and
 * each context within a split. Games and contexts are not pooled across splits, because the
 * splits answer different questions (seen contexts vs new ones). Data with payoff-grid points
 * also gets each payoff region within a split (every 2x2 scenario of the split, classified from
 * its payoffs), so a gate can ask about the Stag Hunt region alone.
 */
export function groupKeys(units: readonly UnitLike[]): GroupKey[] {
  const splits = unique(units.map((u) => u.split));
  const keys: GroupKey[] = [{}];
  for (const split of splits) {
    keys.push({ split });
    const inSplit = units.filter((u) => u.split === split);
    for (const game of unique(inSplit.map((u) => u.scenario.game.id))) keys.push({ split, game });
    for (const context of unique(inSplit.map((u) => u.scenario.context.id))) keys.push({ split, context });
    if (!units.some((u) => u.scenario.grid)) continue;
    const regions = new Set(inSplit.flatMap((u) => regionKey(u) ?? []));
    for (const region of [...REGIONS, 'boundary'].filter((r) => regions.has(r))) keys.push({ split, region });
  }
  return keys;
}

export function inGroup(unit: UnitLike, key: GroupKey): boolean {
  return (
    (key.split === undefined || unit.split === key.split) &&
    (key.game === undefined || unit.scenario.game.id === key.game) &&
    (key.context === undefined || unit.scenario.context.id === key.context) &&
    (key.region === undefined || regionKey(unit) === key.region)
  );
}

/** `overall`, or `split=in-sample,game=stag-hunt`: the same text the gate accepts as a scope. */
export function groupLabel(key: GroupKey): string {
  const parts = DIMENSIONS.filter((d) => key[d] !== undefined).map((d) => `${d}=${key[d]}`);
  return parts.length ? parts.join(',') : 'overall';
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
