import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { StratalignError } from '../../shared/errors.js';
import { formatPath } from '../../shared/validation.js';
import { AppendLog } from './append-log.js';

export const JOURNAL_FILE = 'journal.jsonl';
/**
 * v2 journals a `creating` step before every create request; in a v1 journal a prepared batch
 * without `created` may have been sent, so it is looked up like an open `creating`.
 */
export const JOURNAL_SCHEMA = 'stratalign.batch-journal/v2';
export const JOURNAL_SCHEMAS = ['stratalign.batch-journal/v1', JOURNAL_SCHEMA] as const;

const ids = z.array(z.string().min(1));
const at = z.string().min(1);
const counts = z.strictObject({ total: z.number().nullable(), succeeded: z.number(), failed: z.number() });

/** Why an item produced no sample in a collected batch. */
export const FAILURE_OUTCOMES = [
  'errored',
  'expired',
  'cancelled',
  'batch-failed',
  'no-result',
  'no-answer',
  'malformed',
] as const;
export type FailureOutcome = (typeof FAILURE_OUTCOMES)[number];
const failure = z.strictObject({ customId: z.string().min(1), outcome: z.enum(FAILURE_OUTCOMES), reason: z.string() });

/**
 * One step of a collection. The journal is the collection's memory: every step is appended and
 * fsynced once it has happened, so a resumed run knows exactly what was done.
 */
export const journalEntrySchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('plan'),
    at,
    schema: z.enum(JOURNAL_SCHEMAS),
    planHash: z.string().min(1),
    items: z.number().int(),
    provider: z.string(),
    model: z.string(),
  }),
  /** A request file was written; the batch is not created yet. `resubmitted` lists ids that were in earlier batches. */
  z.strictObject({
    type: z.literal('prepared'),
    at,
    key: z.string().min(1),
    file: z.string().min(1),
    sha256: z.string(),
    bytes: z.number().int(),
    customIds: ids,
    resubmitted: ids,
  }),
  /**
   * A create request is about to be sent (attempt 1, 2, ... within one run). Until `created` or
   * `create-failed` follows, the batch may exist.
   */
  z.strictObject({ type: z.literal('creating'), at, key: z.string().min(1), attempt: z.number().int().min(1) }),
  /** The API refused the create, or it never reached the API, or the user said no batch was made: nothing exists. */
  z.strictObject({ type: z.literal('create-failed'), at, key: z.string().min(1), reason: z.string() }),
  /**
   * The API accepted the batch. `adopted`: not created by this request's answer but found after
   * a lost answer or a crash, `match` saying how (its tag; its size and creation time; the user).
   */
  z.strictObject({
    type: z.literal('created'),
    at,
    key: z.string().min(1),
    batchId: z.string().min(1),
    status: z.string(),
    adopted: z.boolean(),
    match: z.enum(['tag', 'count-and-time', 'user']).optional(),
  }),
  /** A batch taken for this one by size and time was not it (`stratalign batch adopt`); never taken again. */
  z.strictObject({
    type: z.literal('released'),
    at,
    key: z.string().min(1),
    batchId: z.string().min(1),
    reason: z.string(),
  }),
  /** The API base URL from here on (corrected with --base-url); the plan keeps the one it was made with. */
  z.strictObject({ type: z.literal('base-url'), at, baseUrl: z.string().min(1) }),
  /** A poll saw a new status (unchanged polls are not written). */
  z.strictObject({
    type: z.literal('status'),
    at,
    key: z.string().min(1),
    batchId: z.string(),
    status: z.string(),
    counts,
  }),
  z.strictObject({
    type: z.literal('ended'),
    at,
    key: z.string().min(1),
    batchId: z.string(),
    status: z.string(),
    endedAs: z.enum(['completed', 'expired', 'failed', 'cancelled']),
    errors: z.array(z.string()),
  }),
  /** Written before the cancel request is sent: a crash after the API accepted it cannot re-send its requests. */
  z.strictObject({ type: z.literal('cancel-requested'), at, key: z.string().min(1), batchId: z.string() }),
  /** Results were written to the recording (and failures to the errors file), then fsynced, then this. */
  z.strictObject({
    type: z.literal('collected'),
    at,
    key: z.string().min(1),
    batchId: z.string(),
    recorded: ids,
    alreadyRecorded: ids,
    failed: z.array(failure),
    /** Lines with a custom_id of another batch, or a repeated one. */
    ignoredLines: z.number().int(),
    /** Lines that are not JSON or have no custom_id (absent in journals of earlier versions). */
    unreadableLines: z.number().int().optional(),
    usage: z.strictObject({ prompt: z.number(), completion: z.number(), unreported: z.number().int() }),
  }),
]);

export type JournalEntry = z.infer<typeof journalEntrySchema>;
export type FailedItem = z.infer<typeof failure>;
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewJournalEntry = Without<JournalEntry, 'at'>;

/** Appends entries, each fsynced before `append` returns. */
export class Journal {
  private readonly log: AppendLog;

  constructor(
    path: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.log = new AppendLog(path);
  }

  /** Bytes of a step cut off mid-write by a crash, removed on opening. */
  get repairedBytes(): number {
    return this.log.repairedBytes;
  }

  append(entry: NewJournalEntry): JournalEntry {
    const full = { ...entry, at: this.now().toISOString() } as JournalEntry;
    this.log.writeLine(JSON.stringify(full));
    this.log.sync();
    return full;
  }

  close(): void {
    this.log.close();
  }
}

/** Reads every entry; open the Journal first so a torn last line is already removed. */
export async function readJournal(path: string): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  await forEachLine(path, (line, lineNo) => {
    const where = { file: path, field: `line ${lineNo}` };
    const fix =
      'the journal is written only by stratalign batch; restore it from a backup, or start a new collection ' +
      'in a new --dir';
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      throw new StratalignError({ ...where, value: line }, 'not valid JSON', fix);
    }
    const parsed = journalEntrySchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new StratalignError(
        { ...where, field: `${where.field}, field ${formatPath(issue.path) || '(line)'}` },
        issue.message,
        fix,
      );
    }
    entries.push(parsed.data);
  });
  return entries;
}

/** Calls `onLine` for each non-blank line; a missing file has no lines. */
export async function forEachLine(path: string, onLine: (line: string, lineNo: number) => void): Promise<void> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() !== '') onLine(line, lineNo);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  } finally {
    lines.close();
    stream.destroy();
  }
}
