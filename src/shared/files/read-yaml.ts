import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import { StratalignError } from '../errors.js';
import { unreadableFile } from './file-errors.js';

/** Reads and parses a YAML file; missing files and syntax errors become errors naming the file and line. */
export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw unreadableFile(file, err, 'check the path, relative to the directory you run from');
  }
  try {
    return loadYaml(text, { filename: file });
  } catch (err) {
    const mark = (err as { mark?: { line: number } }).mark;
    const reason = (err as { reason?: string }).reason ?? (err as Error).message;
    throw new StratalignError(
      { file, field: mark ? `line ${mark.line + 1}` : undefined },
      `invalid YAML: ${reason}`,
      'fix the YAML syntax at that line',
    );
  }
}
