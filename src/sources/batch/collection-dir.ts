import { existsSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { StratalignError } from '../../shared/errors.js';
import { Journal, JOURNAL_FILE, readJournal, type JournalEntry } from './journal.js';
import { acquireLock } from './lock.js';
import type { RequestItem } from './plan.js';
import { ERRORS_FILE, readRecording, RECORDING_FILE } from './recording.js';

export const REQUESTS_DIR = 'requests';

/** --dir must be a directory (or not exist yet): a file is refused before anything is written. */
export function checkCollectionDir(dir: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    return;
  }
  if (!isDirectory)
    throw new StratalignError(
      { file: dir },
      '--dir names a file, not a directory',
      'give a new or empty directory for a new collection, or the directory of an existing one',
    );
}

const nonEmpty = (path: string) => existsSync(path) && statSync(path).size > 0;

/**
 * A directory without plan.json is about to become a collection: it may hold other files, but
 * none a collection would read as its own (a recording, an errors file, a journal, request
 * files). Someone else's recording there would be taken for answers already collected.
 */
export async function checkNoForeignCollection(
  dir: string,
  byCustomId: ReadonlyMap<string, RequestItem>,
): Promise<void> {
  const fix = 'plan the collection in a new or empty --dir (or restore the plan.json that belongs to these files)';
  const journal = join(dir, JOURNAL_FILE);
  if (nonEmpty(journal))
    throw new StratalignError(
      { file: journal },
      'a collection journal without its plan.json: this directory holds another collection',
      fix,
    );
  const recording = join(dir, RECORDING_FILE);
  if (nonEmpty(recording)) {
    // Names the first sample that is not a request of this plan, if there is one.
    const { ids } = await readRecording(recording, byCustomId);
    if (ids.size > 0)
      throw new StratalignError(
        { file: recording },
        `already holds ${ids.size} sample${ids.size === 1 ? '' : 's'}, but the directory has no plan.json: ` +
          'it is not a collection this plan started',
        fix,
      );
  }
  const errors = join(dir, ERRORS_FILE);
  if (nonEmpty(errors))
    throw new StratalignError(
      { file: errors },
      'an errors file without its plan.json: this directory holds another collection',
      fix,
    );
  const requests = join(dir, REQUESTS_DIR);
  if (
    existsSync(requests) &&
    statSync(requests).isDirectory() &&
    readdirSync(requests).some((name) => !isStrayTemp(name))
  ) {
    throw new StratalignError(
      { file: requests },
      'request files without their plan.json: this directory holds another collection',
      fix,
    );
  }
}

/** The base URL a collection uses now: the last one journalled after planning, or null for the plan's own. */
export function recordedBaseUrl(dir: string): string | null {
  // Read before the collection is opened (the API client needs the URL), so the journal may still
  // end in a line a crash cut off: only complete lines count, and the strict read comes later.
  let text: string;
  try {
    text = readFileSync(join(dir, JOURNAL_FILE), 'utf8');
  } catch {
    return null;
  }
  let url: string | null = null;
  for (const line of text.split('\n').slice(0, -1)) {
    if (!line.includes('"base-url"')) continue;
    try {
      const entry = JSON.parse(line) as { type?: unknown; baseUrl?: unknown };
      if (entry.type === 'base-url' && typeof entry.baseUrl === 'string') url = entry.baseUrl;
    } catch {
      // Not a complete step: the strict read on opening reports it.
    }
  }
  return url;
}

export function lastBaseUrl(entries: readonly JournalEntry[]): string | null {
  let url: string | null = null;
  for (const entry of entries) if (entry.type === 'base-url') url = entry.baseUrl;
  return url;
}

/**
 * Journals a corrected base URL when it differs from the one in use. plan.json is not rewritten:
 * its hash ties the journal, the recording and the batch tags to it.
 */
export function applyBaseUrl(
  journal: Journal,
  entries: JournalEntry[],
  planBaseUrl: string,
  url: string,
  log: (line: string) => void,
): void {
  const current = lastBaseUrl(entries) ?? planBaseUrl;
  if (url === current) return;
  entries.push(journal.append({ type: 'base-url', baseUrl: url }));
  log(
    `base URL changed from ${current} to ${url} ` +
      `(recorded in ${JOURNAL_FILE}; plan.json keeps the one it was planned with)`,
  );
}

/** applyBaseUrl for the plan step, which opens no collection. */
export async function recordBaseUrl(
  dir: string,
  planBaseUrl: string,
  url: string,
  log: (line: string) => void,
): Promise<void> {
  const release = acquireLock(dir);
  const journal = new Journal(join(dir, JOURNAL_FILE));
  try {
    applyBaseUrl(journal, await readJournal(join(dir, JOURNAL_FILE)), planBaseUrl, url, log);
  } finally {
    journal.close();
    release();
  }
}

/** `.<name>.<pid>-<8 hex>.partial`: a temp file of an atomic write (src/shared/files/atomic-file.ts). */
const STRAY_TEMP = /^\..+\.\d+-[0-9a-f]{8}\.partial$/;

function isStrayTemp(name: string): boolean {
  return STRAY_TEMP.test(name);
}

/**
 * Removes temp files an interrupted atomic write left (a SIGKILL skips the exit hook that would
 * remove them). Only called with the directory locked, so no live writer owns them.
 */
export function removeStrayTemps(dir: string, log: (line: string) => void): void {
  let removed = 0;
  for (const folder of [dir, join(dir, REQUESTS_DIR)]) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names.filter(isStrayTemp)) {
      try {
        unlinkSync(join(folder, name));
        removed++;
      } catch {
        // Gone already.
      }
    }
  }
  if (removed > 0)
    log(`removed ${removed} unfinished temporary file${removed === 1 ? '' : 's'} left by an interrupted run`);
}
