import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { StratalignError } from '../errors.js';
import type { ExportFormat, ReadBack } from './formats/format.js';

/**
 * Reads an exported data file back, checking every line against its format, and yields the
 * prompt and target each line carries: the other half of the export round trip, and a check
 * a user can run on a file before uploading it.
 */
export async function* readExportedFile(file: string, format: ExportFormat): AsyncGenerator<ReadBack> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new StratalignError({ file, field: `line ${lineNo}`, value: line }, 'not valid JSON', `every line of a ${format.id} file is one JSON object`);
      }
      const check = format.validate(value);
      if (!check.ok) throw new StratalignError({ file, field: `line ${lineNo}, field ${check.field}` }, `not a valid ${format.id} line: ${check.problem}`, `re-export the file with \`stratalign export --format ${format.id}\``);
      yield format.readBack(value);
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}
