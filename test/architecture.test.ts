import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = new RegExp(
  String.raw`(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)` +
    String.raw`|require\(\s*['"]([^'"]+)['"]\s*\)`,
  'g',
);

function specsIn(text: string): string[] {
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function importsOf(file: string): string[] {
  return specsIn(readFileSync(file, 'utf8'));
}

/**
 * The layout of src/: its top-level folders, what each may import, and the moves from the older
 * layout. scripts/dev/move-layout.mjs applies the moves; until it has run, each file is checked
 * where the moves will put it, so these rules hold the same before and after the move.
 */
type Layout = { folders: Record<string, { mayImport: string[] }>; moves: Record<string, string> };
const LAYOUT = JSON.parse(readFileSync('scripts/dev/layout.json', 'utf8')) as Layout;

/** A src/-relative path after the moves: the longest matching move wins (as in move-layout.mjs). */
function movedPath(p: string): string {
  const stem = p.replace(/\.(d\.ts|ts|js)$/, '');
  let best: string | null = null;
  for (const key of Object.keys(LAYOUT.moves))
    if ((stem === key || p.startsWith(`${key}/`)) && (!best || key.length > best.length)) best = key;
  if (!best) return p;
  return stem === best
    ? LAYOUT.moves[best]! + p.slice(stem.length)
    : posix.join(LAYOUT.moves[best]!, p.slice(best.length + 1));
}

const folderOf = (file: string): string => movedPath(file.slice('src/'.length)).split('/')[0]!;

/** The src/ file a relative specifier names (`.js` written for `.ts`, folders by their index), or null. */
function resolveInSrc(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = posix.normalize(posix.join(dirname(from), spec));
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`];
  const hit = candidates.find((c) => c.startsWith('src/') && c.endsWith('.ts') && existsSync(c));
  return hit ?? null;
}

/** Strongly connected components with more than one member: the import cycles. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('architecture', () => {
  const core = files('src').map((f) => f.split('\\').join('/'));
  const fileGraph = new Map(
    core.map((file) => [file, new Set(importsOf(file).flatMap((spec) => resolveInSrc(file, spec) ?? []))]),
  );

  it('finds the core files and their imports, dynamic ones too (guards against a vacuous pass)', () => {
    expect(core.length).toBeGreaterThan(20);
    expect(core.filter((f) => f.endsWith('read-yaml.ts')).flatMap(importsOf)).toContain('js-yaml');
    expect(specsIn("const m = await import('./lazy.js');\nexport { a } from '../b.js';")).toEqual([
      './lazy.js',
      '../b.js',
    ]);
    const edges = [...fileGraph.values()].reduce((n, targets) => n + targets.size, 0);
    expect(edges).toBeGreaterThan(core.length);
  });

  it('keeps src/ free of promptfoo, the model SDKs and the adapters', () => {
    const offenders = core.flatMap((file) =>
      importsOf(file)
        .filter(
          (spec) =>
            /^(promptfoo|openai|@anthropic-ai\/sdk)(\/|$)/.test(spec) ||
            /(^|\/)(providers|assertions|extensions)\//.test(spec),
        )
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps the promptfoo adapters thin', () => {
    const adapters = [...files('providers'), ...files('assertions'), ...files('extensions')];
    const long = adapters.filter((f) => readFileSync(f, 'utf8').split('\n').length > 160);
    expect(long).toEqual([]);
  });

  it('places every src/ file in one of at most 10 top-level folders of the layout', () => {
    const folders = Object.keys(LAYOUT.folders);
    expect(folders.length).toBeLessThanOrEqual(10);
    expect(core.map(folderOf).filter((f) => !folders.includes(f))).toEqual([]);
    // A new top-level entry must be a layout folder (or one the moves still have to empty).
    const pending = new Set(Object.keys(LAYOUT.moves).map((k) => k.split('/')[0]!));
    const stray = readdirSync('src')
      .map((name) => name.replace(/\.ts$/, ''))
      .filter((name) => !folders.includes(name) && !pending.has(name));
    expect(stray).toEqual([]);
  });

  it('imports between folders go one way: each folder only from those its layout entry allows', () => {
    const offenders = core.flatMap((file) =>
      [...fileGraph.get(file)!]
        .filter((target) => folderOf(target) !== folderOf(file))
        .filter((target) => !LAYOUT.folders[folderOf(file)]?.mayImport.includes(folderOf(target)))
        .map((target) => `${file} (${folderOf(file)}) imports ${target} (${folderOf(target)})`),
    );
    expect(offenders).toEqual([]);
  });

  it('has no import cycle between folders, neither in the allowed table nor in the code', () => {
    const allowed = new Map(Object.entries(LAYOUT.folders).map(([name, f]) => [name, new Set(f.mayImport)]));
    expect(cycles(allowed)).toEqual([]);
    const actual = new Map<string, Set<string>>();
    for (const [file, targets] of fileGraph)
      for (const target of targets)
        if (folderOf(target) !== folderOf(file))
          (actual.get(folderOf(file)) ?? actual.set(folderOf(file), new Set()).get(folderOf(file))!).add(
            folderOf(target),
          );
    expect(cycles(actual)).toEqual([]);
  });

  it('has no import cycle between files (type-only imports count: they couple the files just the same)', () => {
    expect(cycles(fileGraph)).toEqual([]);
  });
});
