import { StratalignError } from '../../shared/errors.js';
import { answersFileKind } from '../answers-file.js';
import { readJsonLines } from '../../shared/files/json-lines.js';
import { SAMPLE_SCHEMA } from '../types.js';
import { scanJsonValues, type JsonPath, type ScanDecision } from './json-scanner.js';
import { runProvenanceFrom, type RunProvenance } from './run-provenance.js';

/** One element of promptfoo's `results.results` (or one line of its JSONL output), not yet checked. */
export type RawRow = {
  value: unknown;
  /** 1-based position of the row in the file. */
  number: number;
  /** Where to point error messages: `line 812` (JSONL) or `line 812 (results.results[40])` (JSON). */
  field: string;
};

/** Rows of one promptfoo run and where they came from; `file` names them in messages. */
export type PromptfooRows = {
  file: string;
  kind: 'json' | 'jsonl';
  run: RunProvenance;
  rows(): AsyncGenerator<RawRow>;
};
export type PromptfooResultsFile = PromptfooRows;

/**
 * The rows promptfoo hands its afterAll hook, read in place: no temporary file. Each row goes
 * through the same JSON round trip as promptfoo's `-o results.jsonl` (one row at a time, so memory
 * stays at one row's copy), so the hook counts exactly what `stratalign convert` counts on that
 * file; like JSONL, the rows carry no config, so the config hash is unknown.
 */
export function rowsInMemory(rows: readonly unknown[], name: string): PromptfooRows {
  async function* each(): AsyncGenerator<RawRow> {
    let number = 0;
    for (const row of rows) {
      number++;
      const text = JSON.stringify(row);
      yield { value: text === undefined ? undefined : JSON.parse(text), number, field: `result row ${number}` };
    }
  }
  return { file: name, kind: 'jsonl', run: runProvenanceFrom({}), rows: each };
}

/** promptfoo output layouts this converter understands (`results.version`). */
export const SUPPORTED_RESULTS_VERSIONS: readonly number[] = [3];

const REEXPORT =
  'export the eval again with promptfoo 0.121 (`promptfoo export eval <evalId> -o results.json`, or `-o ' +
  'results.jsonl`)';

/**
 * Opens promptfoo output: `-o results.json` (one document, read in two streaming passes: first the
 * small run-level parts, which promptfoo writes after the rows, then the rows) or `-o results.jsonl`
 * (one row per line, which carries no config, so its config hash is unknown).
 */
export function openPromptfooResults(file: string): PromptfooResultsFile {
  const kind = answersFileKind(file);
  if (kind === 'counts-table')
    throw new StratalignError(
      { file },
      'this is a counts table, not promptfoo results',
      'counts tables need no conversion: pass them straight to `stratalign report` or `stratalign reference`',
    );
  if (kind === 'recording') throw notPromptfoo(file, SAMPLE_SCHEMA);
  if (kind === 'promptfoo-results-jsonl')
    return { file, kind: 'jsonl', run: runProvenanceFrom({}), rows: () => jsonlRows(file) };
  const run = readRunParts(file);
  return { file, kind: 'json', run, rows: () => jsonRows(file) };
}

function readRunParts(file: string): RunProvenance {
  const parts: Record<string, unknown> = {};
  const topKeys: string[] = [];
  const plan = (path: JsonPath): ScanDecision => {
    if (path.length === 0) return 'descend';
    if (path.length === 1) topKeys.push(String(path[0]));
    const key = path.join('.');
    if (key === 'results') return 'descend';
    if (['evalId', 'config', 'metadata', 'schema', 'results.version', 'results.timestamp'].includes(key))
      return 'capture';
    return 'skip';
  };
  try {
    for (const { path, text, line } of scanJsonValues(file, plan)) {
      try {
        parts[path.join('.')] = JSON.parse(text);
      } catch (err) {
        throw new StratalignError(
          { file, field: `line ${line}, ${path.join('.')}` },
          `not valid JSON (${(err as Error).message})`,
          REEXPORT,
        );
      }
    }
  } catch (err) {
    if (typeof parts.schema === 'string') throw notPromptfoo(file, parts.schema);
    if (looksLikeRow(topKeys)) throw notADocument(file);
    throw err;
  }
  if (typeof parts.schema === 'string') throw notPromptfoo(file, parts.schema);
  if (looksLikeRow(topKeys) && !topKeys.includes('results')) throw notADocument(file);
  const version = parts['results.version'];
  if (version === undefined) {
    throw new StratalignError(
      { file, field: 'results.version' },
      'not a promptfoo results file (no results.version)',
      `write it with \`promptfoo eval -o results.json\`; ${REEXPORT}`,
    );
  }
  if (typeof version !== 'number' || !SUPPORTED_RESULTS_VERSIONS.includes(version)) {
    throw new StratalignError(
      { file, field: 'results.version', value: version },
      `unsupported promptfoo results version (this converter reads version ${SUPPORTED_RESULTS_VERSIONS.join(', ')})`,
      REEXPORT,
    );
  }
  return runProvenanceFrom(parts);
}

function looksLikeRow(topKeys: string[]): boolean {
  return topKeys.includes('testIdx') || (topKeys.includes('provider') && topKeys.includes('response'));
}

function notPromptfoo(file: string, schema: string): StratalignError {
  return new StratalignError(
    { file, field: 'schema', value: schema },
    'this is a stratalign file, not promptfoo results',
    'recordings need no conversion: name them .jsonl and pass them to `stratalign reference` or `stratalign ' +
      'export`; `convert` reads promptfoo output',
  );
}

function notADocument(file: string): StratalignError {
  return new StratalignError(
    { file },
    'this looks like promptfoo JSONL output (one row per line), not a results.json document',
    'name the file with a .jsonl extension so it is read line by line',
  );
}

async function* jsonRows(file: string): AsyncGenerator<RawRow> {
  const plan = (path: JsonPath): ScanDecision => {
    if (path.length === 0 || (path.length === 1 && path[0] === 'results')) return 'descend';
    if (path.length === 2 && path[0] === 'results' && path[1] === 'results') return 'descend';
    return path.length === 3 && path[1] === 'results' ? 'capture' : 'skip';
  };
  let number = 0;
  for (const { path, text, line } of scanJsonValues(file, plan)) {
    number++;
    const field = `line ${line} (results.results[${String(path[2])}])`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new StratalignError({ file, field }, `row is not valid JSON (${(err as Error).message})`, REEXPORT);
    }
    yield { value, number, field };
  }
}

async function* jsonlRows(file: string): AsyncGenerator<RawRow> {
  let number = 0;
  for await (const { line, value } of readJsonLines(file, {
    fix: `each line must be one promptfoo result row; ${REEXPORT}`,
  })) {
    number++;
    const schema = (value as { schema?: unknown } | null)?.schema;
    if (typeof schema === 'string') throw notPromptfoo(file, schema);
    if (value !== null && typeof value === 'object' && 'evalId' in value && 'results' in value) {
      throw new StratalignError(
        { file, field: `line ${line}` },
        'this is a promptfoo results.json document, not JSONL',
        'name the file with a .json extension',
      );
    }
    yield { value, number, field: `line ${line}` };
  }
}
