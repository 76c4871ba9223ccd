import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, sha256Hex } from '../convert/canonical-json.js';
import { StratalignError } from '../errors.js';
import { writeFileAtomic } from '../export/atomic-file.js';
import { Journal, JOURNAL_FILE, JOURNAL_SCHEMA, readJournal } from './journal.js';
import { acquireLock } from './lock.js';
import { PLAN_FILE, planSchema, serializePlan, type CollectionPlan } from './plan.js';

export type PlanWrite = { written: boolean; hash: string };

/**
 * Writes plan.json once and starts the journal with its hash. Planning again with the same
 * choices is a no-op (so `run` can be repeated); different choices in the same directory are an
 * error, since the journal and recording belong to the first plan.
 */
export async function writePlan(dir: string, plan: CollectionPlan, items: number): Promise<PlanWrite> {
  mkdirSync(dir, { recursive: true });
  const release = acquireLock(dir);
  try {
    const file = join(dir, PLAN_FILE);
    let written = false;
    if (existsSync(file)) {
      const existing = planSchema.safeParse(safeJson(readFileSync(file, 'utf8')));
      const differs = !existing.success ? ['(unreadable plan)'] : differingFields(existing.data, plan);
      if (differs.length > 0) {
        throw new StratalignError({ file, field: differs.join(', ') }, 'this directory already holds a collection with a different plan', 'resume it with `stratalign batch resume --dir ...`, or start the new plan in a new --dir');
      }
    } else {
      writeFileAtomic(file, serializePlan(plan));
      written = true;
    }
    const hash = sha256Hex(readFileSync(file, 'utf8'));
    const journal = new Journal(join(dir, JOURNAL_FILE));
    try {
      if ((await readJournal(join(dir, JOURNAL_FILE))).length === 0) {
        journal.append({ type: 'plan', schema: JOURNAL_SCHEMA, planHash: hash, items, provider: plan.provider, model: plan.model });
      }
    } finally {
      journal.close();
    }
    return { written, hash };
  } finally {
    release();
  }
}

function differingFields(a: CollectionPlan, b: CollectionPlan): string[] {
  const keys = Object.keys(planSchema.shape).filter((k) => k !== 'createdAt') as (keyof CollectionPlan)[];
  return keys.filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
