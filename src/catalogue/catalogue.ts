import { StratalignError } from '../shared/errors.js';
import { buildGame, type Game } from './games/game.js';
import type { GridFamily } from './games/grid-family.js';
import type { LabelVariant } from './games/label-variant.js';
import { buildProbes, type ProbesFiles } from './probes.js';
import type { ContextEntry, ContextsFile, GamesFile, ProtocolEntry, ProtocolsFile } from './schema.js';

export type Context = ContextEntry;
export type Protocol = ProtocolEntry;

export type CatalogueSources = { games: string; contexts: string; protocols: string; labels: string; grids: string };

/** Games, contexts and protocols with alias lookup; built once from the validated data files. */
export class Catalogue {
  readonly games: readonly Game[];
  readonly contexts: readonly Context[];
  readonly protocols: readonly Protocol[];
  readonly payoffScales: readonly number[];
  /** Versions of the three files, e.g. 'games@1+contexts@1+protocols@1'; recordings keep it. */
  readonly version: string;
  /** Option-label variants (labels.yaml); `referenceLabels` is the one ids without `~variant` mean. */
  readonly labelVariants: readonly LabelVariant[];
  readonly referenceLabels: LabelVariant;
  /** Payoff-grid families (grids.yaml). */
  readonly gridFamilies: readonly GridFamily[];
  /**
   * Versions of the probe files, e.g. 'labels@1+grids@1'. Kept apart from `version`, which names
   * what the paper's prompts are made of; rows of variant or grid scenarios carry both.
   */
  readonly probesVersion: string;
  private readonly gameIndex: Map<string, Game>;
  private readonly contextIndex: Map<string, Context>;

  constructor(
    games: GamesFile,
    contexts: ContextsFile,
    protocols: ProtocolsFile,
    sources: CatalogueSources,
    probes: ProbesFiles,
  ) {
    this.games = games.games.map(buildGame);
    this.contexts = contexts.contexts;
    this.protocols = protocols.protocols;
    this.payoffScales = games.payoff_scales;
    this.version = `games@${games.version}+contexts@${contexts.version}+protocols@${protocols.version}`;
    this.gameIndex = buildIndex(
      this.games.map((g) => [g, [g.id, ...g.aliases]]),
      sources.games,
      'games',
    );
    this.contextIndex = buildIndex(
      this.contexts.map((c) => [c, [c.id, c.key]]),
      sources.contexts,
      'contexts',
    );
    ensureUnique(
      this.protocols.map((p) => p.id),
      sources.protocols,
      'protocols',
    );
    const built = buildProbes(probes, sources);
    this.labelVariants = built.variants;
    this.referenceLabels = built.reference;
    this.gridFamilies = built.families;
    this.probesVersion = `labels@${probes.labels.version}+grids@${probes.grids.version}`;
  }

  /** A label variant by id (case-insensitive), or undefined. */
  findLabels(id: string): LabelVariant | undefined {
    return this.labelVariants.find((v) => v.id === id.toLowerCase());
  }

  /** A payoff-grid family by id (case-insensitive), or undefined. */
  findGridFamily(id: string): GridFamily | undefined {
    return this.gridFamilies.find((f) => f.id === id.toLowerCase());
  }

  /** The game with this id or alias (case-insensitive), or undefined. */
  findGame(idOrAlias: string): Game | undefined {
    return this.gameIndex.get(idOrAlias.toLowerCase());
  }

  findContext(idOrAlias: string): Context | undefined {
    return this.contextIndex.get(idOrAlias.toLowerCase());
  }

  findProtocol(id: string): Protocol | undefined {
    return this.protocols.find((p) => p.id === id);
  }

  /** Like findProtocol, but a user-facing error listing the known ids when it is missing. */
  protocol(id: string, where: { file?: string; field?: string } = {}): Protocol {
    const found = this.findProtocol(id);
    if (!found) {
      throw new StratalignError(
        { ...where, value: id },
        'unknown prompt protocol',
        `use one of ${this.protocols.map((p) => p.id).join(', ')}`,
      );
    }
    return found;
  }
}

function buildIndex<T>(entries: [T, string[]][], file: string, field: string): Map<string, T> {
  const index = new Map<string, T>();
  entries.forEach(([item, names], i) => {
    for (const name of names) {
      const key = name.toLowerCase();
      const existing = index.get(key);
      if (existing !== undefined && existing !== item) {
        throw new StratalignError(
          { file, field: `${field}[${i}]`, value: name },
          'id or alias is already used by another entry',
          'give every entry distinct ids and aliases',
        );
      }
      index.set(key, item);
    }
  });
  return index;
}

function ensureUnique(ids: string[], file: string, field: string): void {
  buildIndex(
    ids.map((id) => [id, [id]]),
    file,
    field,
  );
}
