import type { Catalogue, Context } from '../catalogue/catalogue.js';
import { StratalignError, type ErrorLocation } from '../errors.js';
import type { Game } from '../games/game.js';

/** One cell of the grid: a game framed in a context, at a payoff scale. */
export type Scenario = {
  /** Stable readable id: `context/game`, with `@x2` for a payoff scale other than 1. */
  id: string;
  context: Context;
  game: Game;
  payoffScale: number;
};

export function scenarioId(contextId: string, gameId: string, payoffScale: number): string {
  return `${contextId}/${gameId}${payoffScale === 1 ? '' : `@x${payoffScale}`}`;
}

/**
 * Builds a scenario from its parts, each by id or paper alias (e.g. 'IR', 'prison').
 * Throws a StratalignError naming `where` for unknown names or an unsupported scale.
 */
export function scenarioFromParts(
  catalogue: Catalogue,
  parts: { context: string; game: string; payoffScale?: number },
  where: Omit<ErrorLocation, 'value'> = {},
): Scenario {
  const context = requireContext(catalogue, parts.context, where);
  const game = requireGame(catalogue, parts.game, where);
  const payoffScale = parts.payoffScale ?? 1;
  if (!(payoffScale > 0) || !Number.isFinite(payoffScale)) {
    throw new StratalignError({ ...where, value: payoffScale }, 'payoff scale must be a positive number', 'use 1 for the published payoffs or 2 for the doubled variants');
  }
  if (payoffScale !== 1 && !game.supportsPayoffScale) {
    throw new StratalignError({ ...where, value: payoffScale }, `game ${game.id} has no payoff-scaled variants`, 'use payoff scale 1 for this game');
  }
  return { id: scenarioId(context.id, game.id, payoffScale), context, game, payoffScale };
}

export function requireContext(catalogue: Catalogue, name: string, where: Omit<ErrorLocation, 'value'> = {}): Context {
  const context = catalogue.findContext(name);
  if (context) return context;
  throw new StratalignError({ ...where, value: name }, 'unknown context', `use one of ${catalogue.contexts.map((c) => `${c.id} (${c.key})`).join(', ')}`);
}

export function requireGame(catalogue: Catalogue, name: string, where: Omit<ErrorLocation, 'value'> = {}): Game {
  const game = catalogue.findGame(name);
  if (game) return game;
  throw new StratalignError({ ...where, value: name }, 'unknown game', `use one of ${catalogue.games.map((g) => [g.id, ...g.aliases].join('/')).join(', ')}`);
}

const SCENARIO_NAME = /^([^/@\s]+)\/([^/@\s]+)(?:@x([0-9]+(?:\.[0-9]+)?))?$/;

/** Reads a scenario name such as `business/prisoners-dilemma`, `biz/prison@x2` or `IR/delight`. */
export function resolveScenario(catalogue: Catalogue, name: string, where: Omit<ErrorLocation, 'value'> = {}): Scenario {
  const match = SCENARIO_NAME.exec(name.trim());
  if (!match) {
    throw new StratalignError({ ...where, value: name }, 'not a scenario name', 'write context/game, optionally with @x2 for doubled payoffs, e.g. business/prisoners-dilemma@x2');
  }
  return scenarioFromParts(catalogue, { context: match[1]!, game: match[2]!, payoffScale: match[3] ? Number(match[3]) : 1 }, where);
}

export type GridSelection = {
  /** Context ids or aliases; default all. */
  contexts?: readonly string[];
  /** Restrict to contexts of these catalogue splits; default both. */
  contextSplits?: readonly Context['split'][];
  /** Game ids or aliases; default all games. */
  games?: readonly string[];
  /** Payoff scales; default [1]. Games without scaled variants are skipped for other scales. */
  payoffScales?: readonly number[];
};

/** Every scenario of the selection, contexts outer and games inner, in catalogue order. */
export function expandGrid(catalogue: Catalogue, selection: GridSelection = {}, where: Omit<ErrorLocation, 'value'> = {}): Scenario[] {
  const contexts = (selection.contexts ?? catalogue.contexts.map((c) => c.id))
    .map((name) => requireContext(catalogue, name, where))
    .filter((c) => !selection.contextSplits || selection.contextSplits.includes(c.split));
  const games = (selection.games ?? catalogue.games.map((g) => g.id)).map((name) => requireGame(catalogue, name, where));
  const scales = selection.payoffScales ?? [1];
  const out: Scenario[] = [];
  for (const scale of scales) {
    for (const context of contexts) {
      for (const game of games) {
        if (scale !== 1 && !game.supportsPayoffScale) continue;
        out.push(scenarioFromParts(catalogue, { context: context.id, game: game.id, payoffScale: scale }, where));
      }
    }
  }
  return out;
}
