#!/usr/bin/env node
// Moves src/ into the layout of scripts/dev/layout.json and rewrites every reference to a moved file.
//
//   node scripts/dev/move-layout.mjs [--dry-run]
//
// The moves are folder-level (plus a few single files), so files added after this script was written
// follow their folder. Re-running it on a moved tree changes nothing. What it rewrites:
//   * relative import specifiers in code under src/ providers/ assertions/ extensions/ test/ bench/
//     scripts/ bin/: static and dynamic imports, export-from, require, vi.mock/importActual, and
//     `new URL('…', import.meta.url)` (a moved file's relative paths to datasets/ are recomputed too);
//   * `src/<path>` mentions in code strings, Markdown, YAML and JSON anywhere in the repository
//     (README paths, architecture-test fixtures), except node_modules, .git, this folder and the data
//     (non-code) files of test/fixtures.
// It also writes src/<folder>/README.md for each top-level folder from layout.json (what the folder
// owns, what it may import). It moves with `git mv` when the file is tracked. It stops before touching
// anything when two files would land on one path, and it lists relative paths it could not rewrite
// (template literals) so they can be checked by hand.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LAYOUT = JSON.parse(readFileSync(join(ROOT, 'scripts/dev/layout.json'), 'utf8'));
const DRY = process.argv.includes('--dry-run');
const CODE_ROOTS = ['src', 'providers', 'assertions', 'extensions', 'test', 'bench', 'scripts', 'bin'];
const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const TEXT = /\.(ts|mts|cts|js|mjs|cjs|md|ya?ml|json)$/;
const SKIP_DIRS = new Set(['node_modules', '.git', '.promptfoo', 'out', '.compat', 'coverage']);
// Data fixtures keep their text as recorded; code under test/fixtures is rewritten like any code.
const SKIP_PATHS = ['scripts/dev', 'package-lock.json'];
const DATA_ONLY = ['test/fixtures'];

const toPosix = (p) => p.split(sep).join('/');
const rel = (abs) => toPosix(relative(ROOT, abs));

function walk(dir, keep) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (SKIP_DIRS.has(name) || SKIP_PATHS.some((p) => rel(path) === p || rel(path).startsWith(`${p}/`))) return [];
    return statSync(path).isDirectory() ? walk(path, keep) : keep.test(name) ? [path] : [];
  });
}

/** The src/-relative path `p` (any extension, or none, or a folder) after the moves: the longest key wins. */
export function mapSrcPath(p) {
  const ext = /\.(d\.ts|ts|mts|cts|js|mjs|cjs|json|md)$/.exec(p)?.[0] ?? '';
  const stem = ext ? p.slice(0, -ext.length) : p;
  let best = null;
  for (const key of Object.keys(LAYOUT.moves)) {
    const isFile = stem === key;
    const inFolder = p.startsWith(`${key}/`) || p === key;
    if ((isFile || inFolder) && (!best || key.length > best.length)) best = key;
  }
  if (!best) return p;
  const target = LAYOUT.moves[best];
  if (stem === best) return `${target}${ext}`;
  return posix.join(target, p.slice(best.length + 1)) + (p.endsWith('/') ? '/' : '');
}

/** Absolute path after the moves, for any absolute path (only paths in src/ change). */
function mapAbs(abs) {
  const r = rel(abs);
  if (r !== 'src' && !r.startsWith('src/')) return abs;
  if (r === 'src') return abs;
  return join(ROOT, 'src', mapSrcPath(r.slice(4)));
}

// 1. Plan the file moves.
const srcFiles = walk(join(ROOT, 'src'), /./);
const moves = new Map(); // old abs -> new abs
for (const file of srcFiles) {
  const to = mapAbs(file);
  if (to !== file) moves.set(file, to);
}
const landing = new Map();
for (const [from, to] of moves) {
  if (landing.has(to)) throw new Error(`two files would move to ${rel(to)}: ${rel(landing.get(to))} and ${rel(from)}`);
  if (existsSync(to) && !moves.has(to)) throw new Error(`${rel(from)} would overwrite ${rel(to)}`);
  landing.set(to, from);
}
const newPathOf = (abs) => moves.get(abs) ?? abs;

// 2. Rewrite relative specifiers in code, resolved from where the file is now.
const SPEC = new RegExp(
  String.raw`(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*` +
    String.raw`|\bvi\.(?:mock|importActual|doMock)\s*\(\s*|\bnew URL\(\s*)(['"])` +
    String.raw`(\.{1,2}\/[^'"]*)\2`,
  'g',
);
const unresolved = [];
function rewriteSpecs(text, file) {
  const from = dirname(file);
  const to = dirname(newPathOf(file));
  return text.replace(SPEC, (whole, head, quote, spec) => {
    const target = resolve(from, spec);
    const mapped = mapAbs(target);
    // A specifier naming a folder (or a file by its .js twin) maps as written; only the text changes.
    if (mapped === target && to === from) return whole;
    let next = toPosix(relative(to, mapped));
    if (!next.startsWith('.')) next = `./${next}`;
    if (spec.endsWith('/') && !next.endsWith('/')) next += '/';
    return `${head}${quote}${next}${quote}`;
  });
}
function noteTemplates(text, file) {
  if (!moves.has(file)) return;
  for (const m of text.matchAll(/`(\.{1,2}\/[^`]*\$\{[^`]*)`/g)) unresolved.push(`${rel(file)}: \`${m[1]}\``);
}

// 3. Rewrite `src/<path>` mentions (README, YAML, strings in tests) to the new paths.
const MENTION = /(?<![\w./-])src\/([\w.-]+(?:\/[\w.-]+)*\/?)/g;
function rewriteMentions(text) {
  return text.replace(MENTION, (whole, p) => {
    const mapped = mapSrcPath(p);
    return mapped === p ? whole : `src/${mapped}`;
  });
}

const changed = new Map(); // final abs path -> new text
const codeFiles = new Set(CODE_ROOTS.flatMap((r) => walk(join(ROOT, r), CODE)));
for (const file of walk(ROOT, TEXT)) {
  const isData = DATA_ONLY.some((p) => rel(file).startsWith(`${p}/`));
  if (isData && !codeFiles.has(file)) continue;
  const text = readFileSync(file, 'utf8');
  let next = text;
  if (codeFiles.has(file)) {
    noteTemplates(text, file);
    next = rewriteSpecs(next, file);
  }
  next = rewriteMentions(next);
  if (next !== text) changed.set(newPathOf(file), next);
}

// 4. Folder READMEs, generated from layout.json.
/** Breaks a paragraph into lines of at most 100 characters. */
function wrap(text) {
  const lines = [''];
  for (const word of text.split(/\s+/)) {
    const last = lines.length - 1;
    if (lines[last] && lines[last].length + 1 + word.length > 100) lines.push(word);
    else lines[last] = lines[last] ? `${lines[last]} ${word}` : word;
  }
  return lines.join('\n');
}

const folderReadme = (name, { owns, mayImport, notes }) => {
  const allowed = mayImport.length
    ? mayImport.map((f) => `\`${f}/\``).join(', ')
    : 'nothing in src/ (Node built-ins and npm packages only)';
  const rules =
    'No folder of src/ imports promptfoo or a model SDK. test/architecture.test.ts checks these rules ' +
    '(folder direction, no file or folder cycles, dynamic imports included) from scripts/dev/layout.json.';
  // `notes`: a paragraph of the folder's own, after the rules (e.g. where its one shared type lives).
  const extra = notes ? `\n${wrap(notes)}\n` : '';
  return `# src/${name}\n\n${wrap(owns)}\n\n${wrap(`May import: ${allowed}.`)}\n\n${wrap(rules)}\n${extra}`;
};

/** The src/ lines of the README's Layout block, one per folder, bottom layer first. */
function writeReadmeLayout() {
  const file = join(ROOT, 'README.md');
  const text = readFileSync(file, 'utf8');
  const lines = [
    'src/            the core: no promptfoo, no SDK imports; each folder imports only the ones listed ' +
      'before it (tested)',
    ...Object.entries(LAYOUT.folders).map(([name, f]) => `  ${`${name}/`.padEnd(12)}  ${f.summary}`),
  ];
  const block = /^src\/ {2,}[^\n]*\n(?: {2}[^\n]*\n)*(?=providers\/)/m;
  if (block.test(text)) writeFileSync(file, text.replace(block, `${lines.join('\n')}\n`));
  else console.log('README.md: no Layout block starting with "src/" found; its src/ lines are not updated');
}

if (DRY) {
  for (const [from, to] of moves) console.log(`move ${rel(from)} -> ${rel(to)}`);
  console.log(`${moves.size} files to move, ${changed.size} files to rewrite`);
} else {
  const tracked = new Set(execFileSync('git', ['ls-files', '-z', 'src'], { cwd: ROOT, encoding: 'utf8' }).split('\0'));
  for (const [from, to] of moves) {
    mkdirSync(dirname(to), { recursive: true });
    if (tracked.has(rel(from))) execFileSync('git', ['mv', rel(from), rel(to)], { cwd: ROOT });
    else renameSync(from, to);
  }
  for (const [file, text] of changed) writeFileSync(file, text);
  for (const [name, folder] of Object.entries(LAYOUT.folders)) {
    mkdirSync(join(ROOT, 'src', name), { recursive: true });
    writeFileSync(join(ROOT, 'src', name, 'README.md'), folderReadme(name, folder));
  }
  const prune = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) prune(path);
    }
    if (dir !== join(ROOT, 'src') && readdirSync(dir).length === 0) rmdirSync(dir);
  };
  prune(join(ROOT, 'src'));
  writeReadmeLayout();
  console.log(
    `moved ${moves.size} files, rewrote ${changed.size} files, wrote ${Object.keys(LAYOUT.folders).length} ` +
      `folder READMEs`,
  );
}
if (unresolved.length) {
  console.log('relative paths in template literals of moved files, check by hand:');
  for (const u of unresolved) console.log(`  ${u}`);
}
