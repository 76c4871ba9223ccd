import { UsageError } from '../shared/command.js';
import type { ActionSpace } from '../catalogue/games/action-space.js';

/** Looks up a game's action space by id or alias; undefined when the game is unknown. */
export type ActionSpaceLookup = (id: string) => ActionSpace | undefined;

/**
 * The action space a game's answers are parsed against. The lookup is passed in so parsing
 * does not depend on where games are defined (the catalogue, or a table in a test).
 * `knownIds` only feeds the error message.
 */
export function actionSpaceForGame(
  gameId: string,
  lookup: ActionSpaceLookup,
  knownIds: readonly string[] = [],
): ActionSpace {
  const space = lookup(gameId.trim());
  if (space) return space;
  const known = knownIds.length > 0 ? ` Known games: ${[...knownIds].sort().join(', ')}.` : '';
  throw new UsageError(`unknown game ${JSON.stringify(gameId)}.${known}`);
}
