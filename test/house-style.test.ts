import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * House style: no line of code over 120 characters (issue 13). Biome formats at 120 columns but
 * leaves long string, template and regular-expression literals alone, so this test catches those;
 * split them into joined parts (see src/answers/parsing for the regex pattern).
 *
 * Checked: every .ts/.mts/.cts/.js/.mjs/.cjs file under these folders, plus the config files at the
 * top level. Not checked, because they are data rather than code: the JSON/JSONL/YAML/CSV fixtures
 * and datasets (no code extension, so never listed here), and node_modules. The code under
 * test/fixtures and test/loopback (corpus generators, fake servers) is checked like any other.
 */
const MAX = 120;
const ROOTS = ['src', 'providers', 'assertions', 'extensions', 'bench', 'scripts', 'bin', 'test'];
const CODE = /\.(?:ts|mts|cts|js|mjs|cjs)$/;

function codeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? codeFiles(path) : CODE.test(name) ? [path] : [];
  });
}

/** `file:line (length)` for each line longer than MAX, counted in characters as an editor shows them. */
function longLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, i) => {
      const length = [...line].length;
      return length > MAX ? [`${file}:${i + 1} (${length})`] : [];
    });
}

describe('house style', () => {
  const files = [
    ...ROOTS.flatMap((root) => codeFiles(root)),
    ...readdirSync('.').filter((name) => CODE.test(name) && statSync(name).isFile()),
  ];

  it('finds the code files it checks', () => {
    // Guards against a wrong working directory making the check below pass on nothing.
    expect(files.filter((f) => f.startsWith('src')).length).toBeGreaterThan(100);
    expect(files).toContain(join('test', 'house-style.test.ts'));
  });

  it(`has no line over ${MAX} characters`, () => {
    const long = files.flatMap(longLines);
    expect(long, `lines over ${MAX} characters (split long literals into joined parts):\n${long.join('\n')}`).toEqual(
      [],
    );
  });
});
