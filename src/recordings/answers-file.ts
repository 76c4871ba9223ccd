import { closeSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { StratalignError } from '../shared/errors.js';
import { SAMPLE_SCHEMA } from './types.js';
import { isFileSystemError, unreadableFile } from '../shared/files/file-errors.js';

/** The places answers live, told apart the same way by every command that reads them. */
export type AnswersFileKind =
  | 'counts-table'
  | 'recording'
  | 'promptfoo-results-json'
  | 'promptfoo-results-jsonl'
  | 'empty';

export const ANSWERS_FILE_FIX =
  'give a counts table (.csv), a stratalign recording (.jsonl or .ndjson, one stratalign.sample/v1 line per ' +
  'answer) or promptfoo output (`promptfoo eval -o results.json`, or .jsonl)';

const JSON_LINES = new Set(['.jsonl', '.ndjson']);
/** A recording line is a few kilobytes; this much of a first line is enough to tell the kinds apart. */
const PEEK_BYTES = 1 << 20;
const CHUNK_BYTES = 1 << 16;

/**
 * Tells the kind of an answers file by its extension and, for JSON, its first non-blank line:
 * .csv is a counts table (read by its own reader, which reports a missing or empty table);
 * .json is promptfoo's results document; .jsonl/.ndjson is a recording when its first line is a
 * stratalign sample, promptfoo's JSONL output otherwise. A JSON file with nothing in it is 'empty'.
 */
export function detectAnswersFile(file: string): AnswersFileKind {
  const extension = extname(file).toLowerCase();
  if (extension === '.csv') return 'counts-table';
  if (extension !== '.json' && !JSON_LINES.has(extension))
    throw new StratalignError({ file }, 'unknown kind of answers file', ANSWERS_FILE_FIX);
  const first = firstNonBlankLine(file);
  if (first === null) return 'empty';
  if (extension === '.json') return 'promptfoo-results-json';
  return isSampleLine(first) ? 'recording' : 'promptfoo-results-jsonl';
}

/** detectAnswersFile for readers: an empty file is an error that says so. */
export function answersFileKind(file: string): Exclude<AnswersFileKind, 'empty'> {
  const kind = detectAnswersFile(file);
  if (kind === 'empty')
    throw new StratalignError(
      { file },
      'file is empty',
      `${ANSWERS_FILE_FIX}; an eval or conversion that stopped before its first answer leaves an empty ` +
        `file: run it again`,
    );
  return kind;
}

function isSampleLine(line: string): boolean {
  try {
    return (JSON.parse(line) as { schema?: unknown } | null)?.schema === SAMPLE_SCHEMA;
  } catch {
    // A broken line that names the sample schema was meant as a recording: its reader then
    // reports the line with the fix for recordings.
    return line.includes(`"${SAMPLE_SCHEMA}"`);
  }
}

/** The first line that is not blank (its first PEEK_BYTES at most), or null when there is none. */
function firstNonBlankLine(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw unreadableFile(file, err);
  }
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    for (;;) {
      const bytes = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      pending += bytes === 0 ? decoder.end() : decoder.write(chunk.subarray(0, bytes));
      let newline: number;
      while ((newline = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, newline);
        if (line.trim() !== '') return line;
        pending = pending.slice(newline + 1);
      }
      if (pending.trim() === '') pending = '';
      if (bytes === 0 || pending.length >= PEEK_BYTES) return pending === '' ? null : pending.slice(0, PEEK_BYTES);
    }
  } catch (err) {
    throw isFileSystemError(err) ? unreadableFile(file, err) : err;
  } finally {
    closeSync(fd);
  }
}
