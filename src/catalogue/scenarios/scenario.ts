import type { Catalogue, Context } from '../catalogue.js';
import { StratalignError, type ErrorLocation } from '../../shared/errors.js';
import type { Game } from '../games/game.js';
import { formatPoint, gridPoints, parsePoint, type GridFamily, type GridPointValues } from '../games/grid-family.js';
import { gridGame, gridGameId, type GridPoint } from '../games/grid-game.js';
import type { LabelVariant } from '../games/label-variant.js';
import { createRng, shuffled } from '../../shared/random.js';

/** One cell of the grid: a game framed in a context, at a payoff scale. */
export type Scenario = {
  /**
   * Stable readable id: `context/game`, with `@x2` for a payoff scale other than 1, or
   * `context/grid:<family>@S=2,T=7` for a point of a payoff-grid family; `~<variant>` at the end
   * when the options are labelled other than the catalogue's reference (`~swapped`).
   */
  id: string;
  context: Context;
  game: Game;
  payoffScale: number;
  /** The label variant when it is not the reference one; absent means the game's own labels (C, D). */
  labels?: LabelVariant;
  /** Set for a point of a payoff-grid family. */
  grid?: GridPoint;
};

export function scenarioId(contextId: string, gameId: string, payoffScale: number): string {
  return `${contextId}/${gameId}${payoffScale === 1 ? '' : `@x${payoffScale}`}`;
}

/** The id of the same scenario under the reference labels: what label variants of it share. */
export function baseScenarioId(scenario: Scenario): string {
  return scenario.labels ? scenario.id.slice(0, scenario.id.lastIndexOf('~')) : scenario.id;
}

/** The label variant a scenario is shown with (the reference one when it names none). */
export function labelsOf(catalogue: Catalogue, scenario: Scenario): LabelVariant {
  return scenario.labels ?? catalogue.referenceLabels;
}

/**
 * Builds a scenario from its parts, each by id or paper alias (e.g. 'IR', 'prison').
 * Throws a StratalignError naming `where` for unknown names or an unsupported scale.
 */
export function scenarioFromParts(
  catalogue: Catalogue,
  parts: { context: string; game: string; payoffScale?: number; labels?: string },
  where: Omit<ErrorLocation, 'value'> = {},
): Scenario {
  const context = requireContext(catalogue, parts.context, where);
  const game = requireGame(catalogue, parts.game, where);
  const payoffScale = parts.payoffScale ?? 1;
  if (!(payoffScale > 0) || !Number.isFinite(payoffScale)) {
    throw new StratalignError(
      { ...where, value: payoffScale },
      'payoff scale must be a positive number',
      'use 1 for the published payoffs or 2 for the doubled variants',
    );
  }
  if (payoffScale !== 1 && !game.supportsPayoffScale) {
    throw new StratalignError(
      { ...where, value: payoffScale },
      `game ${game.id} has no payoff-scaled variants`,
      'use payoff scale 1 for this game',
    );
  }
  const scenario = { id: scenarioId(context.id, game.id, payoffScale), context, game, payoffScale };
  return withLabels(catalogue, scenario, parts.labels, where);
}

/** A point of a payoff-grid family framed in a context, by names as ids write them. */
export function gridScenario(
  catalogue: Catalogue,
  parts: { context: string; family: string; point: string | GridPointValues; labels?: string },
  where: Omit<ErrorLocation, 'value'> = {},
): Scenario {
  const context = requireContext(catalogue, parts.context, where);
  const family = requireGridFamily(catalogue, parts.family, where);
  const values = typeof parts.point === 'string' ? parsePoint(family, parts.point) : parts.point;
  if (typeof values === 'string') {
    throw new StratalignError(
      { ...where, value: parts.point },
      `not a point of grid family ${family.id}: ${values}`,
      `write the point as ${formatPoint(family, gridPoints(family)[0]!)}`,
    );
  }
  const { game, point } = gridGame(family, values);
  const id = `${context.id}/${gridGameId(family)}@${formatPoint(family, values)}`;
  return withLabels(catalogue, { id, context, game, payoffScale: 1, grid: point }, parts.labels, where);
}

/** The scenario under a label variant: the reference variant (or none) keeps the id without a suffix. */
function withLabels(
  catalogue: Catalogue,
  scenario: Scenario,
  labels: string | undefined,
  where: Omit<ErrorLocation, 'value'>,
): Scenario {
  if (labels === undefined) return scenario;
  const variant = requireLabels(catalogue, labels, where);
  if (variant.id === catalogue.referenceLabels.id) return scenario;
  const space = scenario.game.actionSpace;
  if (space.kind !== 'choice' || space.options.length !== 2) {
    throw new StratalignError(
      { ...where, value: `${scenario.id}~${variant.id}` },
      `game ${scenario.game.id} has no two options to label`,
      'use label variants with the 2x2 games only',
    );
  }
  return { ...scenario, id: `${scenario.id}~${variant.id}`, labels: variant };
}

type Where = Omit<ErrorLocation, 'value'>;

export function requireLabels(catalogue: Catalogue, name: string, where: Where = {}): LabelVariant {
  const variant = catalogue.findLabels(name);
  if (variant) return variant;
  const known = catalogue.labelVariants.map((v) => v.id).join(', ');
  const fix = `use one of ${known} (datasets/catalogue/labels.yaml)`;
  throw new StratalignError({ ...where, value: name }, 'unknown label variant', fix);
}

export function requireGridFamily(catalogue: Catalogue, name: string, where: Where = {}): GridFamily {
  const family = catalogue.findGridFamily(name);
  if (family) return family;
  const known = catalogue.gridFamilies.map((f) => f.id).join(', ');
  const fix = `use one of ${known} (datasets/catalogue/grids.yaml)`;
  throw new StratalignError({ ...where, value: name }, 'unknown payoff-grid family', fix);
}

export function requireContext(catalogue: Catalogue, name: string, where: Omit<ErrorLocation, 'value'> = {}): Context {
  const context = catalogue.findContext(name);
  if (context) return context;
  throw new StratalignError(
    { ...where, value: name },
    'unknown context',
    `use one of ${catalogue.contexts.map((c) => `${c.id} (${c.key})`).join(', ')}`,
  );
}

export function requireGame(catalogue: Catalogue, name: string, where: Omit<ErrorLocation, 'value'> = {}): Game {
  const game = catalogue.findGame(name);
  if (game) return game;
  throw new StratalignError(
    { ...where, value: name },
    'unknown game',
    `use one of ${catalogue.games.map((g) => [g.id, ...g.aliases].join('/')).join(', ')}`,
  );
}

const SCENARIO_NAME = /^([^/@~\s]+)\/([^/@~\s]+)(?:@([^/@~\s]+))?(?:~([^/@~\s]+))?$/;
const SCALE = /^x([0-9]+(?:\.[0-9]+)?)$/;
const NAME_HELP =
  'write context/game, optionally with @x2 for doubled payoffs, e.g. business/prisoners-dilemma@x2; ' +
  'a grid point as context/grid:<family>@S=2,T=7; ' +
  'add ~<variant> for other option labels, e.g. business/stag-hunt~swapped';

/**
 * Reads a scenario name such as `business/prisoners-dilemma`, `biz/prison@x2`, `IR/delight`,
 * `business/grid:st@S=2,T=7` or `team/stag-hunt~swapped`, and returns it with its canonical id.
 */
export function resolveScenario(
  catalogue: Catalogue,
  name: string,
  where: Omit<ErrorLocation, 'value'> = {},
): Scenario {
  // Readers resolve the same few hundred names once per tally or row; a grid point builds and analyses a game.
  let cache = resolved.get(catalogue);
  if (!cache) resolved.set(catalogue, (cache = new Map()));
  const hit = cache.get(name);
  if (hit) return hit;
  const fresh = resolveUncached(catalogue, name, where);
  // Every spelling of a scenario (aliases, case, point order) resolves to one object.
  const scenario = cache.get(fresh.id) ?? fresh;
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(name, scenario);
  cache.set(scenario.id, scenario);
  return scenario;
}

const resolved = new WeakMap<Catalogue, Map<string, Scenario>>();
const MAX_CACHED = 100_000;

function resolveUncached(catalogue: Catalogue, name: string, where: Omit<ErrorLocation, 'value'>): Scenario {
  const match = SCENARIO_NAME.exec(name.trim());
  if (!match) throw new StratalignError({ ...where, value: name }, 'not a scenario name', NAME_HELP);
  const [context, game] = [match[1]!, match[2]!];
  const at = match[3];
  const labelled = match[4] ? { labels: match[4] } : {};
  if (/^grid:/i.test(game)) {
    if (at === undefined) {
      throw new StratalignError({ ...where, value: name }, 'a grid scenario names its point after @', NAME_HELP);
    }
    return gridScenario(catalogue, { context, family: game.slice('grid:'.length), point: at, ...labelled }, where);
  }
  const scale = at === undefined ? null : SCALE.exec(at);
  if (at !== undefined && !scale) {
    throw new StratalignError({ ...where, value: name }, 'not a scenario name', NAME_HELP);
  }
  return scenarioFromParts(catalogue, { context, game, payoffScale: scale ? Number(scale[1]) : 1, ...labelled }, where);
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
  /** Label variants to show each scenario with; default the reference only (also for games without two options). */
  labels?: readonly string[];
  /** A payoff-grid family instead of games: its points (or a seeded subset of `points` of them) in every context. */
  grid?: { family: string; points?: number; seed?: string | number };
};

/** Every scenario of the selection, contexts outer and games inner, in catalogue order. */
export function expandGrid(
  catalogue: Catalogue,
  selection: GridSelection = {},
  where: Omit<ErrorLocation, 'value'> = {},
): Scenario[] {
  const contexts = (selection.contexts ?? catalogue.contexts.map((c) => c.id))
    .map((name) => requireContext(catalogue, name, where))
    .filter((c) => !selection.contextSplits || selection.contextSplits.includes(c.split));
  const names = selection.labels ?? [catalogue.referenceLabels.id];
  const variants = names.map((name) => requireLabels(catalogue, name, where).id);
  const out: Scenario[] = [];
  const push = (scenario: (labels: string) => Scenario, labelled: boolean) => {
    for (const labels of labelled ? variants : [catalogue.referenceLabels.id]) out.push(scenario(labels));
  };
  if (selection.grid) {
    if (selection.games || selection.payoffScales) {
      throw new StratalignError(
        { ...where, value: selection.grid.family },
        'a split takes a grid family or games and payoff scales, not both',
        'put the grid and the games in two splits',
      );
    }
    const family = selection.grid.family;
    const points = selectPoints(requireGridFamily(catalogue, family, where), selection.grid, where);
    for (const context of contexts) {
      for (const point of points) {
        push((labels) => gridScenario(catalogue, { context: context.id, family, point, labels }, where), true);
      }
    }
    return out;
  }
  const games = (selection.games ?? catalogue.games.map((g) => g.id)).map((name) =>
    requireGame(catalogue, name, where),
  );
  const scales = selection.payoffScales ?? [1];
  for (const scale of scales) {
    for (const context of contexts) {
      for (const game of games) {
        if (scale !== 1 && !game.supportsPayoffScale) continue;
        const labelled = game.actionSpace.kind === 'choice' && game.actionSpace.options.length === 2;
        const parts = { context: context.id, game: game.id, payoffScale: scale };
        push((labels) => scenarioFromParts(catalogue, { ...parts, labels }, where), labelled);
      }
    }
  }
  return out;
}

/** Every point of the family, or a seeded subset of `points` of them kept in the family's order. */
function selectPoints(
  family: GridFamily,
  grid: NonNullable<GridSelection['grid']>,
  where: Omit<ErrorLocation, 'value'>,
): GridPointValues[] {
  const all = gridPoints(family);
  if (grid.points === undefined) return all;
  if (!Number.isInteger(grid.points) || grid.points < 1 || grid.points > all.length) {
    throw new StratalignError(
      { ...where, value: grid.points },
      `grid family ${family.id} has ${all.length} points`,
      `ask for 1 to ${all.length} points, or leave points out for all of them`,
    );
  }
  const order = shuffled(
    all.map((_, i) => i),
    createRng(`${grid.seed ?? 1}/${family.id}`),
  );
  const chosen = new Set(order.slice(0, grid.points));
  return all.filter((_, i) => chosen.has(i));
}
