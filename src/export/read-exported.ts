import { StratalignError } from '../shared/errors.js';
import { readJsonLines } from '../shared/files/json-lines.js';
import type { ExportFormat, ReadBack } from './formats/format.js';

/**
 * Reads an exported data file back, checking every line against its format, and yields the
 * prompt and target each line carries: the other half of the export round trip, and a check
 * a user can run on a file before uploading it. A blank line is an error here: upload
 * validators want exactly one example per line.
 */
export async function* readExportedFile(file: string, format: ExportFormat): AsyncGenerator<ReadBack> {
  const lines = readJsonLines(file, {
    fix: `every line of a ${format.id} file is one JSON object`,
    skipBlankLines: false,
  });
  for await (const { line, value } of lines) {
    const check = format.validate(value);
    if (!check.ok)
      throw new StratalignError(
        { file, field: `line ${line}, field ${check.field}` },
        `not a valid ${format.id} line: ${check.problem}`,
        `re-export the file with \`stratalign export --format ${format.id}\``,
      );
    yield format.readBack(value);
  }
}
