import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { StratalignError } from '../errors.js';
import { isFileSystemError, unreadableFile } from './file-errors.js';

export type NumberedLine = { line: number; text: string };

export type JsonLine = NumberedLine & { value: unknown };

export type JsonLinesOptions = {
  /** How to repair a line that is not JSON; it ends the message that names the file and line. */
  fix: string;
  /**
   * Blank lines are skipped unless this is false; then one is an error like any other
   * non-JSON line (an exported dataset must be exactly one example per line).
   */
  skipBlankLines?: boolean;
};

/** The lines of a text stream with their 1-based numbers, so errors can point at the line. */
export async function* numberedLines(input: Readable, skipBlankLines = true): AsyncGenerator<NumberedLine> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (skipBlankLines && text.trim() === '') continue;
      yield { line, text };
    }
  } finally {
    lines.close();
  }
}

/**
 * Streams a JSON Lines file one parsed line at a time (memory is one line, whatever the size).
 * A missing or unreadable file, and a line that is not JSON, stop with the file (and line) named.
 */
export async function* readJsonLines(file: string, options: JsonLinesOptions): AsyncGenerator<JsonLine> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  try {
    for await (const { line, text } of numberedLines(stream, options.skipBlankLines ?? true)) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new StratalignError({ file, field: `line ${line}`, value: text }, 'not valid JSON', options.fix);
      }
      yield { line, text, value };
    }
  } catch (err) {
    throw isFileSystemError(err) ? unreadableFile(file, err) : err;
  } finally {
    stream.destroy();
  }
}
