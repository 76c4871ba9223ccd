import type { ActionSpace } from './games/action-space.js';
import { defaultCatalogue } from './load.js';

export { defaultCatalogue, loadCatalogue, DEFAULT_CATALOGUE_DIR } from './load.js';

/**
 * Action space of a shipped game by id or alias; undefined when no such game exists. `stratalign
 * parse` loads it with import() from a variable specifier (cli/parse-command.ts), which knip cannot see.
 * @public
 */
export function findActionSpace(id: string): ActionSpace | undefined {
  return defaultCatalogue().findGame(id)?.actionSpace;
}

/**
 * Ids and aliases of the shipped games, for error messages (loaded like findActionSpace).
 * @public
 */
export function knownGameIds(): string[] {
  return defaultCatalogue().games.flatMap((g) => [g.id, ...g.aliases]);
}
