import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

describe('architecture', () => {
  const core = files('src');

  it('finds the core files (guards against a vacuous pass)', () => {
    expect(core.length).toBeGreaterThan(20);
    expect(importsOf('src/files/read-yaml.ts')).toContain('js-yaml');
  });

  it('keeps src/ free of promptfoo, the model SDKs and the adapters', () => {
    const offenders = core.flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^(promptfoo|openai|@anthropic-ai\/sdk)(\/|$)/.test(spec) || /(^|\/)(providers|assertions|extensions)\//.test(spec))
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps the promptfoo adapters thin', () => {
    const adapters = [...files('providers'), ...files('assertions'), ...files('extensions')];
    const long = adapters.filter((f) => readFileSync(f, 'utf8').split('\n').length > 160);
    expect(long).toEqual([]);
  });
});
