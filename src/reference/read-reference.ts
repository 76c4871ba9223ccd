import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Catalogue } from '../catalogue/catalogue.js';
import { StratalignError } from '../errors.js';
import { readCountsTable } from '../recordings/counts-table.js';
import { validCount, type Tally } from '../recordings/types.js';
import { resolveScenario } from '../scenarios/scenario.js';
import { validateFile } from '../validation.js';
import { REFERENCE_SCHEMA, type Reference, type ReferenceEntry } from './reference.js';

const referenceFileSchema = z.object({
  schema: z.literal(REFERENCE_SCHEMA),
  model: z.string().min(1),
  role: z.string().nullable(),
  source: z.object({ origin: z.string(), kind: z.enum(['recorded-counts', 'recorded-text', 'replay', 'live']), built: z.string(), catalogue: z.string() }),
  scenarios: z.record(
    z.string(),
    z.looseObject({
      counts: z.record(z.string(), z.number().int().min(0)),
      n: z.number().int().min(0),
      failures: z.record(z.string(), z.number().int().min(0)).default({}),
    }),
  ),
});

/** Which model of a counts table or recording is the reference: by role or by model label. */
export type ReferenceSelector = { role?: string; model?: string };

/**
 * Reads a reference: a reference JSON file written by `stratalign reference`, or a counts table
 * (.csv) from which the selected model's tallies are taken directly.
 */
export function readReference(file: string, catalogue: Catalogue, selector: ReferenceSelector = { role: 'teacher' }): Reference {
  if (file.endsWith('.csv')) return referenceFromTallies(readCountsTable(file, catalogue), selector, { origin: file, catalogue: catalogue.version });
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StratalignError({ file }, code === 'ENOENT' ? 'reference file not found' : `not a JSON reference file (${(err as Error).message})`, 'build one with `stratalign reference` or point at a counts table (.csv)');
  }
  const parsed = validateFile(referenceFileSchema, data, file, 'rebuild the file with `stratalign reference`');
  const scenarios: Record<string, ReferenceEntry> = {};
  for (const [name, entry] of Object.entries(parsed.scenarios)) {
    const id = resolveScenario(catalogue, name, { file, field: `scenarios.${name}` }).id;
    scenarios[id] = { counts: entry.counts, n: entry.n, failures: entry.failures };
  }
  return { ...parsed, schema: REFERENCE_SCHEMA, scenarios };
}

/** Picks one model's tallies (by role or label) as the reference; a scenario seen twice is an error. */
export function referenceFromTallies(tallies: readonly Tally[], selector: ReferenceSelector, source: { origin: string; catalogue: string }): Reference {
  const chosen = tallies.filter((t) => (selector.model ? t.model === selector.model : t.role === selector.role));
  const describe = selector.model ? `model "${selector.model}"` : `role "${selector.role}"`;
  if (chosen.length === 0) {
    const known = [...new Set(tallies.map((t) => `${t.model} (${t.role ?? 'no role'})`))].join(', ');
    throw new StratalignError({ file: source.origin, value: selector }, `no answers of ${describe}`, `choose one of: ${known}`);
  }
  const models = [...new Set(chosen.map((t) => t.model))];
  if (models.length > 1) {
    throw new StratalignError({ file: source.origin, value: models }, `${describe} matches several models`, 'select the reference by model label instead of role');
  }
  const scenarios: Record<string, ReferenceEntry> = {};
  for (const t of chosen) {
    if (scenarios[t.scenario]) {
      throw new StratalignError({ file: source.origin, value: t.scenario }, `${describe} has two tallies for this scenario (splits overlap)`, 'keep one split per scenario for the reference model');
    }
    scenarios[t.scenario] = { counts: { ...t.counts }, n: validCount(t), failures: { ...t.failures } };
  }
  return {
    schema: REFERENCE_SCHEMA,
    model: models[0]!,
    role: chosen[0]!.role,
    source: { origin: source.origin, kind: chosen[0]!.source, built: 'derived when loaded', catalogue: source.catalogue },
    scenarios,
  };
}
