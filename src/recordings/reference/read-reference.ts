import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Catalogue } from '../../catalogue/catalogue.js';
import { StratalignError } from '../../shared/errors.js';
import { actionsOf } from '../../catalogue/games/action-space.js';
import { PARSE_FAILURE_KINDS } from '../../answers/parsing/parse-result.js';
import { readCountsTable } from '../counts-table.js';
import { readingCount } from '../logprob-reading.js';
import { SAMPLE_SOURCES, validCount, type Tally } from '../types.js';
import { resolveScenario } from '../../catalogue/scenarios/scenario.js';
import { validateFile } from '../../shared/validation.js';
import { REFERENCE_SCHEMA, type Reference, type ReferenceEntry } from './reference.js';

const referenceFileSchema = z.object({
  schema: z.literal(REFERENCE_SCHEMA),
  model: z.string().min(1),
  role: z.string().nullable(),
  source: z.object({ origin: z.string(), kind: z.enum(SAMPLE_SOURCES), built: z.string(), catalogue: z.string() }),
  scenarios: z.record(
    z.string(),
    z.looseObject({
      // Whole answers, or expected counts when the entry's answers are log-probability readings (checkEntry).
      counts: z.record(z.string(), z.number().min(0)),
      n: z.number().int().min(0),
      failures: z.record(z.string(), z.number().int().min(0)).default({}),
      thin: z.literal(true).optional(),
      readings: z.number().int().min(1).optional(),
    }),
  ),
});

/** Which model of a counts table or recording is the reference: by role or by model label. */
export type ReferenceSelector = { role?: string; model?: string };

/**
 * Reads a reference: a reference JSON file written by `stratalign reference`, or a counts table
 * (.csv) from which the selected model's tallies are taken directly.
 */
export function readReference(
  file: string,
  catalogue: Catalogue,
  selector: ReferenceSelector = { role: 'teacher' },
): Reference {
  if (file.endsWith('.csv')) {
    const reference = referenceFromTallies(readCountsTable(file, catalogue), selector, {
      origin: file,
      catalogue: catalogue.version,
    });
    for (const [id, entry] of Object.entries(reference.scenarios)) {
      if (entry.n === 0)
        throw new StratalignError(
          { file, field: `${reference.model} / ${id}`, value: entry.counts },
          'the reference model has no valid answer for this scenario, so there is no distribution to score against',
          'remove the row, give it answers, or build a reference with `stratalign reference --allow-thin` to ' +
            'keep it marked thin',
        );
    }
    return reference;
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StratalignError(
      { file },
      code === 'ENOENT' ? 'reference file not found' : `not a JSON reference file (${(err as Error).message})`,
      'build one with `stratalign reference` or point at a counts table (.csv)',
    );
  }
  const parsed = validateFile(referenceFileSchema, data, file, 'rebuild the file with `stratalign reference`');
  const scenarios: Record<string, ReferenceEntry> = {};
  for (const [name, entry] of Object.entries(parsed.scenarios)) {
    const field = `scenarios.${name}`;
    const scenario = resolveScenario(catalogue, name, { file, field });
    if (scenarios[scenario.id])
      throw new StratalignError(
        { file, field, value: scenario.id },
        'a second entry for the same scenario (under another name)',
        'keep one entry per scenario',
      );
    checkEntry(entry, actionsOf(scenario.game.actionSpace).map(String), { file, field, game: scenario.game.id });
    const readings = entry.readings ? { readings: entry.readings } : {};
    const extras = { ...(entry.thin ? { thin: true as const } : {}), ...readings };
    scenarios[scenario.id] = { counts: entry.counts, n: entry.n, failures: entry.failures, ...extras };
  }
  return { ...parsed, schema: REFERENCE_SCHEMA, scenarios };
}

const REBUILD = 'rebuild the file with `stratalign reference`';

/** What the schema cannot see: counts of the game's actions only, n their sum, a usable n unless marked thin. */
function checkEntry(
  entry: {
    counts: Record<string, number>;
    n: number;
    failures: Record<string, number>;
    thin?: true;
    readings?: number;
  },
  actions: string[],
  at: { file: string; field: string; game: string },
): void {
  const fractional = Object.entries(entry.counts)
    .filter(([, k]) => !Number.isInteger(k))
    .map(([a]) => a);
  if (fractional.length && !entry.readings) {
    const why = 'counts must be whole answers unless the entry says they are log-probability readings (`readings`)';
    throw new StratalignError({ file: at.file, field: `${at.field}.counts`, value: fractional }, why, REBUILD);
  }
  if (entry.readings !== undefined && entry.readings > entry.n) {
    const why = `readings cannot exceed n, the number of valid answers (${entry.n})`;
    throw new StratalignError({ file: at.file, field: `${at.field}.readings`, value: entry.readings }, why, REBUILD);
  }
  const foreign = Object.keys(entry.counts).filter((k) => !actions.includes(k));
  if (foreign.length)
    throw new StratalignError(
      { file: at.file, field: `${at.field}.counts`, value: foreign },
      `not an action of ${at.game} (actions: ${actions.join(', ')})`,
      REBUILD,
    );
  const kinds = PARSE_FAILURE_KINDS as readonly string[];
  const badKinds = Object.keys(entry.failures).filter((k) => !kinds.includes(k));
  if (badKinds.length)
    throw new StratalignError(
      { file: at.file, field: `${at.field}.failures`, value: badKinds },
      `not a parse failure kind (kinds: ${kinds.join(', ')})`,
      REBUILD,
    );
  const sum = Object.values(entry.counts).reduce((a, b) => a + b, 0);
  if (entry.n !== sum)
    throw new StratalignError(
      { file: at.file, field: `${at.field}.n`, value: entry.n },
      `n must be the number of valid answers, the sum of the counts (${sum})`,
      REBUILD,
    );
  if (entry.n === 0 && !entry.thin) {
    throw new StratalignError(
      { file: at.file, field: `${at.field}.n`, value: 0 },
      'no valid answers, so there is no distribution to score against',
      'collect answers for this scenario and rebuild with `stratalign reference`, remove the entry, or mark it ' +
        '`"thin": true` (what `--allow-thin` writes) to keep it knowingly',
    );
  }
}

/** Picks one model's tallies (by role or label) as the reference; a scenario seen twice is an error. */
export function referenceFromTallies(
  tallies: readonly Tally[],
  selector: ReferenceSelector,
  source: { origin: string; catalogue: string },
): Reference {
  const chosen = tallies.filter((t) => (selector.model ? t.model === selector.model : t.role === selector.role));
  const describe = selector.model ? `model "${selector.model}"` : `role "${selector.role}"`;
  if (chosen.length === 0) {
    const known = [...new Set(tallies.map((t) => `${t.model} (${t.role ?? 'no role'})`))].join(', ');
    throw new StratalignError(
      { file: source.origin, value: selector },
      `no answers of ${describe}`,
      `choose one of: ${known}`,
    );
  }
  const models = [...new Set(chosen.map((t) => t.model))];
  if (models.length > 1) {
    throw new StratalignError(
      { file: source.origin, value: models },
      `${describe} matches several models`,
      'select the reference by model label instead of role',
    );
  }
  const scenarios: Record<string, ReferenceEntry> = {};
  for (const t of chosen) {
    if (scenarios[t.scenario]) {
      throw new StratalignError(
        { file: source.origin, value: t.scenario },
        `${describe} has two tallies for this scenario (splits overlap)`,
        'keep one split per scenario for the reference model',
      );
    }
    const readings = readingCount(t);
    const counted = { counts: { ...t.counts }, n: validCount(t), failures: { ...t.failures } };
    scenarios[t.scenario] = readings ? { ...counted, readings } : counted;
  }
  return {
    schema: REFERENCE_SCHEMA,
    model: models[0]!,
    role: chosen[0]!.role,
    source: {
      origin: source.origin,
      kind: chosen[0]!.source,
      built: 'derived when loaded',
      catalogue: source.catalogue,
    },
    scenarios,
  };
}
