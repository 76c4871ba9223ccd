import { join } from 'node:path';
import type { Catalogue } from '../../catalogue/catalogue.js';
import { StratalignError } from '../../shared/errors.js';
import { AppendLog } from './append-log.js';
import { Journal, JOURNAL_FILE, JOURNAL_SCHEMA, readJournal, type JournalEntry } from './journal.js';
import { applyBaseUrl, removeStrayTemps } from './collection-dir.js';
import { acquireLock } from './lock.js';
import { loadPlan, PLAN_FILE, type LoadedPlan } from './plan.js';
import { ERRORS_FILE, readErrorKeys, readRecording, RECORDING_FILE, type ParseTally } from './recording.js';

/** Everything a collection directory holds, opened and checked against each other. */
export type CollectionFiles = {
  loaded: LoadedPlan;
  journal: Journal;
  entries: JournalEntry[];
  recording: AppendLog;
  errors: AppendLog;
  /** custom_ids in the recording, and the parse outcomes of its samples. */
  recorded: Set<string>;
  parse: ParseTally;
  /** Failures already in the errors file. */
  errorKeys: Set<string>;
  /** Closes the files and releases the directory lock. */
  close(): void;
};

/**
 * Locks the directory, loads the plan, opens the journal, recording and errors file (removing a
 * line a crash cut off, and temp files of an interrupted write, and saying so), journals a
 * corrected base URL and reads what the files hold.
 */
export async function openCollectionFiles(
  dir: string,
  catalogue: Catalogue,
  now: (() => Date) | undefined,
  log: (line: string) => void,
  baseUrl: string | null = null,
): Promise<CollectionFiles> {
  const release = acquireLock(dir);
  const opened: { close(): void }[] = [];
  const close = () => {
    for (const file of opened) file.close();
    release();
  };
  try {
    const loaded = loadPlan(dir, catalogue);
    removeStrayTemps(dir, log);
    const journal = new Journal(join(dir, JOURNAL_FILE), now);
    opened.push(journal);
    const recording = new AppendLog(join(dir, RECORDING_FILE));
    opened.push(recording);
    const errors = new AppendLog(join(dir, ERRORS_FILE));
    opened.push(errors);
    for (const [name, bytes] of [
      [JOURNAL_FILE, journal.repairedBytes],
      [RECORDING_FILE, recording.repairedBytes],
      [ERRORS_FILE, errors.repairedBytes],
    ] as const) {
      if (bytes > 0)
        log(
          `removed a partly written last line (${bytes} bytes) from ${name}, left by an interrupted run; that ` +
            `step runs again`,
        );
    }
    let entries = await readJournal(join(dir, JOURNAL_FILE));
    // plan.json is written before the journal: a crash between the two leaves an empty journal.
    if (entries.length === 0)
      entries = [
        journal.append({
          type: 'plan',
          schema: JOURNAL_SCHEMA,
          planHash: loaded.hash,
          items: loaded.items.length,
          provider: loaded.plan.provider,
          model: loaded.plan.model,
        }),
      ];
    const first = entries[0]!;
    if (first.type === 'plan' && first.planHash !== loaded.hash) {
      throw new StratalignError(
        { file: join(dir, PLAN_FILE) },
        'the plan changed after the collection started (its hash differs from the one in the journal)',
        'restore the original plan.json, or start a new collection in a new --dir',
      );
    }
    if (baseUrl !== null) applyBaseUrl(journal, entries, loaded.plan.baseUrl, baseUrl, log);
    const { ids, parse } = await readRecording(join(dir, RECORDING_FILE), loaded.byCustomId);
    const errorKeys = await readErrorKeys(join(dir, ERRORS_FILE));
    return { loaded, journal, entries, recording, errors, recorded: ids, parse, errorKeys, close };
  } catch (err) {
    close();
    throw err;
  }
}
