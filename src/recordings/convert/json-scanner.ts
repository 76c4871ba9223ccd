import { StratalignError } from '../../shared/errors.js';
import { ByteReader } from './byte-reader.js';

export type JsonPath = readonly (string | number)[];

/** What to do with the value at a path: copy it out whole, walk into it, or step over it. */
export type ScanDecision = 'capture' | 'descend' | 'skip';

export type ScannedValue = {
  path: JsonPath;
  /** The value's JSON text exactly as in the file; parse it with JSON.parse. */
  text: string;
  /** 1-based line where the value starts, for error messages. */
  line: number;
};

const FIX =
  'point at a complete promptfoo output file (`promptfoo eval -o results.json`); a file cut short by an ' +
  'interrupted run cannot be read, re-export it with `promptfoo export`';

/**
 * Streams the values a plan asks for out of a JSON document on disk, e.g. every element of
 * `results.results` of a promptfoo output, without building the document. Memory is bounded by
 * the largest captured value plus one read chunk (`chunkSize`, 1 MiB unless a test asks for less).
 *
 * We wrote this small scanner instead of adding a streaming JSON dependency: the walk we need is
 * three keys deep and the byte loop is ~100 lines; a library would add a tokenizer event per
 * string and number inside every row, which is the work we are skipping.
 */
export function* scanJsonValues(
  file: string,
  plan: (path: JsonPath) => ScanDecision,
  chunkSize?: number,
): Generator<ScannedValue, void, undefined> {
  const reader = new ByteReader(file, chunkSize);
  try {
    if (reader.skipWhitespace() === -1) throw new StratalignError({ file }, 'file is empty', FIX);
    yield* walkValue(reader, [], plan);
    if (reader.skipWhitespace() !== -1) fail(reader, 'unexpected text after the end of the JSON document');
  } finally {
    reader.close();
  }
}

function* walkValue(
  reader: ByteReader,
  path: JsonPath,
  plan: (path: JsonPath) => ScanDecision,
): Generator<ScannedValue, void, undefined> {
  const first = reader.skipWhitespace();
  if (first === -1) fail(reader, 'the file ends where a value should start');
  const decision = plan(path);
  if (decision === 'capture') {
    const line = reader.line;
    reader.startCapture();
    reader.skipValue();
    yield { path, text: reader.endCapture(), line };
  } else if (decision === 'descend' && first === 0x7b) yield* walkObject(reader, path, plan);
  else if (decision === 'descend' && first === 0x5b) yield* walkArray(reader, path, plan);
  else reader.skipValue();
}

function* walkObject(
  reader: ByteReader,
  path: JsonPath,
  plan: (path: JsonPath) => ScanDecision,
): Generator<ScannedValue, void, undefined> {
  reader.next();
  if (reader.skipWhitespace() === 0x7d) {
    reader.next();
    return;
  }
  for (;;) {
    expectNext(reader, 0x22, `a key in ${describe(path)}`, path);
    const key = readKey(reader);
    expectNext(reader, 0x3a, `":" after key "${key}"`, path);
    reader.next();
    yield* walkValue(reader, [...path, key], plan);
    const after = reader.skipWhitespace();
    reader.next();
    if (after === 0x2c) continue;
    if (after === 0x7d) return;
    fail(reader, after === -1 ? `the file ends inside ${describe(path)}` : `expected "," or "}" in ${describe(path)}`);
  }
}

function* walkArray(
  reader: ByteReader,
  path: JsonPath,
  plan: (path: JsonPath) => ScanDecision,
): Generator<ScannedValue, void, undefined> {
  reader.next();
  if (reader.skipWhitespace() === 0x5d) {
    reader.next();
    return;
  }
  for (let index = 0; ; index++) {
    yield* walkValue(reader, [...path, index], plan);
    const after = reader.skipWhitespace();
    reader.next();
    if (after === 0x2c) continue;
    if (after === 0x5d) return;
    fail(reader, after === -1 ? `the file ends inside ${describe(path)}` : `expected "," or "]" in ${describe(path)}`);
  }
}

function expectNext(reader: ByteReader, byte: number, what: string, path: JsonPath): void {
  const next = reader.skipWhitespace();
  if (next === byte) return;
  fail(reader, next === -1 ? `the file ends inside ${describe(path)}` : `expected ${what}`);
}

function readKey(reader: ByteReader): string {
  reader.startCapture();
  reader.skipString();
  const raw = reader.endCapture();
  try {
    return JSON.parse(raw) as string;
  } catch {
    return fail(reader, `malformed key ${raw.slice(0, 40)}`);
  }
}

function describe(path: JsonPath): string {
  return path.length === 0
    ? 'the top-level object'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, '');
}

function fail(reader: ByteReader, problem: string): never {
  throw new StratalignError({ file: reader.file, field: `line ${reader.line}` }, `not valid JSON: ${problem}`, FIX);
}
