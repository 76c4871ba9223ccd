import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

/** Every `file://path[:export]` reference in a promptfoo config, with what it must be. */
function references(config: string): { path: string; exportName?: string; raw: string }[] {
  const text = readFileSync(config, 'utf8');
  load(text); // the file must be valid YAML at all
  return [...text.matchAll(/file:\/\/([^\s:'"]+)(?::([A-Za-z_$][\w$]*))?/g)].map((m) => ({
    path: m[1]!,
    exportName: m[2],
    raw: m[0],
  }));
}

const configs = [
  'promptfooconfig.yaml',
  ...readdirSync('.').filter((f) => /^promptfooconfig\..+\.yaml$/.test(f)),
  ...(existsSync('examples')
    ? readdirSync('examples')
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `examples/${f}`)
    : []),
];

describe.each(configs)('file references in %s', (config) => {
  const refs = references(config);

  it('has references to check', () => {
    expect(refs.length).toBeGreaterThan(0);
  });

  it.each(refs.map((r) => [r.raw, r]))('%s resolves to what it names', async (_raw, ref) => {
    // promptfoo resolves file:// references against the folder of the config file.
    const path = resolve(dirname(config), ref.path);
    expect(existsSync(path), `${path} exists`).toBe(true);
    if (!/\.(ts|mts|js|mjs)$/.test(path)) return;
    const mod = await import(/* @vite-ignore */ pathToFileURL(path).href);
    if (ref.exportName) {
      expect(typeof mod[ref.exportName], `${ref.raw} exports a function`).toBe('function');
      // promptfoo takes `default` first when it exists, hiding named exports (PROMPTFOO-NOTES P1).
      expect(mod.default, `${ref.path} must not mix a default export with named ones`).toBeUndefined();
    } else {
      expect(typeof mod.default, `${ref.raw} default-exports a provider class`).toBe('function');
      expect(mod.default.prototype?.callApi, `${ref.raw} has callApi`).toBeTypeOf('function');
    }
  });
});
