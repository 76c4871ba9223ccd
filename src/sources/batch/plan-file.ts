import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, sha256Hex } from '../../recordings/convert/canonical-json.js';
import { StratalignError } from '../../shared/errors.js';
import { writeFileAtomic } from '../../shared/files/atomic-file.js';
import { Journal, JOURNAL_FILE, JOURNAL_SCHEMA, readJournal } from './journal.js';
import { acquireLock } from './lock.js';
import { checkCollectionDir, checkNoForeignCollection } from './collection-dir.js';
import { indexItems, PLAN_FILE, planSchema, serializePlan, type CollectionPlan, type RequestItem } from './plan.js';

export type PlanWrite = {
  written: boolean;
  hash: string;
  /** The plan in the directory (its base URL may differ from the one asked for). */ stored: CollectionPlan;
};

/**
 * Writes plan.json once and starts the journal with its hash. Planning again with the same
 * choices is a no-op (so `run` can be repeated); different choices in the same directory are an
 * error, since the journal and recording belong to the first plan. The base URL alone may differ:
 * it says where requests go, not what they ask, and a wrong one is corrected in the journal.
 * A directory that is a file, or holds another collection's files, is refused before anything
 * is written to it.
 */
export async function writePlan(dir: string, plan: CollectionPlan, items: readonly RequestItem[]): Promise<PlanWrite> {
  checkCollectionDir(dir);
  const file = join(dir, PLAN_FILE);
  if (!existsSync(file)) await checkNoForeignCollection(dir, indexItems(items));
  mkdirSync(dir, { recursive: true });
  const release = acquireLock(dir);
  try {
    let written = false;
    let stored = plan;
    if (existsSync(file)) {
      const existing = planSchema.safeParse(safeJson(readFileSync(file, 'utf8')));
      const differs = !existing.success ? ['(unreadable plan)'] : differingFields(existing.data, plan);
      if (differs.length > 0) {
        throw new StratalignError(
          { file, field: differs.join(', ') },
          'this directory already holds a collection with a different plan',
          'resume it with `stratalign batch resume --dir ...`, or start the new plan in a new --dir',
        );
      }
      stored = existing.data!;
    } else {
      writeFileAtomic(file, serializePlan(plan));
      written = true;
    }
    const hash = sha256Hex(readFileSync(file, 'utf8'));
    const journal = new Journal(join(dir, JOURNAL_FILE));
    try {
      if ((await readJournal(join(dir, JOURNAL_FILE))).length === 0) {
        journal.append({
          type: 'plan',
          schema: JOURNAL_SCHEMA,
          planHash: hash,
          items: items.length,
          provider: plan.provider,
          model: plan.model,
        });
      }
    } finally {
      journal.close();
    }
    return { written, hash, stored };
  } finally {
    release();
  }
}

function differingFields(a: CollectionPlan, b: CollectionPlan): string[] {
  const keys = Object.keys(planSchema.shape).filter(
    (k) => k !== 'createdAt' && k !== 'baseUrl',
  ) as (keyof CollectionPlan)[];
  return keys.filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
