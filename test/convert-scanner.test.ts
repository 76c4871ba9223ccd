import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanJsonValues, type JsonPath } from '../src/recordings/convert/json-scanner.js';
import { createRng } from '../src/shared/random.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();

const rowsPlan = (path: JsonPath) => {
  if (path.length === 0 || (path.length === 1 && path[0] === 'results') || (path.length === 2 && path[1] === 'results'))
    return 'descend' as const;
  return path.length === 3 && path[1] === 'results' ? ('capture' as const) : ('skip' as const);
};

/** Strings that stress the scanner: escaped quotes, runs of backslashes, braces, multi-byte text. */
const NASTY = [
  'plain',
  'quote " inside',
  'ends with backslash \\',
  '\\\\\\"',
  '{[}]',
  'naïve ☃ 🎲 ünïcödé',
  'new\nline\ttab',
  '',
  '"',
  '\\',
  'a\\"b\\\\"c',
];

function randomValue(rng: () => number, depth: number): unknown {
  const r = rng();
  if (depth > 3 || r < 0.35) return NASTY[Math.floor(rng() * NASTY.length)];
  if (r < 0.45) return Math.round(rng() * 1e6) / 100;
  if (r < 0.5) return [true, false, null][Math.floor(rng() * 3)];
  if (r < 0.75) return Array.from({ length: Math.floor(rng() * 4) }, () => randomValue(rng, depth + 1));
  return Object.fromEntries(
    Array.from({ length: Math.floor(rng() * 4) }, (_, i) => [
      `${NASTY[i % NASTY.length]}${i}`,
      randomValue(rng, depth + 1),
    ]),
  );
}

describe('scanJsonValues', () => {
  it('captures every row of results.results exactly, at any chunk size, pretty-printed or not', () => {
    const rng = createRng('scanner');
    for (let trial = 0; trial < 30; trial++) {
      const rows = Array.from({ length: 1 + Math.floor(rng() * 6) }, () => ({
        vars: randomValue(rng, 0),
        output: NASTY[Math.floor(rng() * NASTY.length)],
      }));
      const doc = {
        evalId: 'e"}]',
        results: { version: 3, prompts: [{ raw: ']]}}' }], results: rows, stats: { a: '[' } },
        config: { x: rows[0] },
      };
      const file = join(tempDir(), 'r.json');
      writeFileSync(file, trial % 2 === 0 ? JSON.stringify(doc, null, 2) : JSON.stringify(doc));
      for (const chunk of [1, 2, 3, 7, 64, 1 << 20]) {
        const got = [...scanJsonValues(file, rowsPlan, chunk)].map((v) => JSON.parse(v.text));
        expect(got).toEqual(rows);
      }
    }
  });

  it('reports the line each captured value starts on', () => {
    const file = join(tempDir(), 'r.json');
    writeFileSync(file, JSON.stringify({ results: { version: 3, results: [{ a: 1 }, { b: 'x\\"y' }] } }, null, 2));
    const lines = [...scanJsonValues(file, rowsPlan, 5)].map((v) => v.line);
    const text = JSON.stringify({ results: { version: 3, results: [{ a: 1 }, { b: 'x\\"y' }] } }, null, 2).split('\n');
    expect(lines).toEqual([text.findIndex((l) => l.includes('"a"')), text.findIndex((l) => l.includes('"b"'))]);
  });

  it('names the file and line when the document is cut short', () => {
    const file = join(tempDir(), 'cut.json');
    const full = JSON.stringify({ results: { version: 3, results: [{ a: 1 }, { b: 2 }] }, config: {} }, null, 2);
    writeFileSync(file, full.slice(0, full.indexOf('"b"')));
    expect(() => [...scanJsonValues(file, () => 'descend')]).toThrow(
      /cut\.json: line \d+: not valid JSON: the file ends/,
    );
  });

  it('rejects trailing text after the document, with its line', () => {
    const file = join(tempDir(), 'two.json');
    writeFileSync(file, '{"a":1}\n{"a":2}\n');
    expect(() => [...scanJsonValues(file, () => 'skip')]).toThrow(/two\.json: line 2: not valid JSON: unexpected text/);
  });
});
