import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readYamlFile } from '../shared/files/read-yaml.js';
import { validateFile } from '../shared/validation.js';
import { Catalogue } from './catalogue.js';
import {
  contextsFileSchema,
  gamesFileSchema,
  gridsFileSchema,
  labelsFileSchema,
  protocolsFileSchema,
} from './schema.js';

/** The catalogue shipped in datasets/catalogue, found relative to this file so any cwd works. */
export const DEFAULT_CATALOGUE_DIR = fileURLToPath(new URL('../../datasets/catalogue/', import.meta.url));

const FIX = 'compare the file with the shipped datasets/catalogue files and the schema in src/catalogue/schema.ts';

export function loadCatalogue(dir: string = DEFAULT_CATALOGUE_DIR): Catalogue {
  const paths = {
    games: join(dir, 'games.yaml'),
    contexts: join(dir, 'contexts.yaml'),
    protocols: join(dir, 'protocols.yaml'),
    labels: join(dir, 'labels.yaml'),
    grids: join(dir, 'grids.yaml'),
  };
  const games = validateFile(gamesFileSchema, readYamlFile(paths.games), paths.games, FIX);
  const contexts = validateFile(contextsFileSchema, readYamlFile(paths.contexts), paths.contexts, FIX);
  const protocols = validateFile(protocolsFileSchema, readYamlFile(paths.protocols), paths.protocols, FIX);
  const labels = validateFile(labelsFileSchema, readYamlFile(paths.labels), paths.labels, FIX);
  const grids = validateFile(gridsFileSchema, readYamlFile(paths.grids), paths.grids, FIX);
  return new Catalogue(games, contexts, protocols, paths, { labels, grids });
}

let cached: Catalogue | undefined;

/** The shipped catalogue, loaded once per process. */
export function defaultCatalogue(): Catalogue {
  cached ??= loadCatalogue();
  return cached;
}
