import { buildGame, type Game } from './game.js';
import { formatPoint, payoffsAt, type GridFamily, type GridPointValues } from './grid-family.js';
import type { Payoffs2x2 } from './matrix-analysis.js';
import { classifyPayoffs, type RegionClass } from './payoff-region.js';

/** Where a scenario sits in a payoff-grid family. */
export type GridPoint = {
  family: GridFamily;
  values: GridPointValues;
  payoffs: Payoffs2x2;
  /** The point's region from its equilibrium analysis (see classifyPayoffs). */
  region: RegionClass;
};

/** `grid:st`: the game id every point of a family shares, so groups "by game" pool the family. */
export function gridGameId(family: GridFamily): string {
  return `grid:${family.id}`;
}

/**
 * The 2x2 game at one point of a family, rendered and analysed exactly like a catalogue game.
 * Its payoffs are the point's; it has no payoff-scaled variants (a scale is just another point).
 */
export function gridGame(family: GridFamily, values: GridPointValues): { game: Game; point: GridPoint } {
  const payoffs = payoffsAt(family, values);
  const base = buildGame({
    id: gridGameId(family),
    name: `${family.name} (${formatPoint(family, values)})`,
    aliases: [],
    kind: 'matrix-2x2',
    payoffs,
  });
  const game: Game = { ...base, supportsPayoffScale: false };
  return { game, point: { family, values, payoffs, region: classifyPayoffs(payoffs, base.analysis!) } };
}
