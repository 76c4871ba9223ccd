import type { GroupKey } from './types.js';

type UnitLike = { split: string; scenario: { game: { id: string }; context: { id: string } } };

const DIMENSIONS = ['split', 'game', 'context'] as const;

/**
 * The groups every report aggregates over: everything, each split on its own, and each game and
 * each context within a split. Games and contexts are not pooled across splits, because the
 * splits answer different questions (seen contexts vs new ones).
 */
export function groupKeys(units: readonly UnitLike[]): GroupKey[] {
  const splits = unique(units.map((u) => u.split));
  const keys: GroupKey[] = [{}];
  for (const split of splits) {
    keys.push({ split });
    const inSplit = units.filter((u) => u.split === split);
    for (const game of unique(inSplit.map((u) => u.scenario.game.id))) keys.push({ split, game });
    for (const context of unique(inSplit.map((u) => u.scenario.context.id))) keys.push({ split, context });
  }
  return keys;
}

export function inGroup(unit: UnitLike, key: GroupKey): boolean {
  return (
    (key.split === undefined || unit.split === key.split) &&
    (key.game === undefined || unit.scenario.game.id === key.game) &&
    (key.context === undefined || unit.scenario.context.id === key.context)
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
