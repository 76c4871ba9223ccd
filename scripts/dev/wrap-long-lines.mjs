#!/usr/bin/env node
// Breaks the lines the formatter leaves over 120 characters: long comments and long string or
// template literals. Run it after `biome format` (apply-house-style.sh does), then format again.
//
//   node scripts/dev/wrap-long-lines.mjs [--check]
//
// Only text changes shape, never meaning:
//   * a whole-line `//` comment or a JSDoc line is re-wrapped into several lines (biome-ignore
//     comments are left alone: a suppression must stay one comment);
//   * a quoted string or an untagged template literal is cut at a space into `'a ' + 'b'`, in
//     parentheses when an operator or a member access next to it binds tighter than `+`.
// Regular-expression literals and tagged templates (String.raw) are never cut; what is left over
// 120 is listed, so it can be shortened by hand. `--check` only lists. Re-running changes nothing.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ROOTS = ['src', 'providers', 'assertions', 'extensions', 'test', 'bench', 'scripts', 'bin'];
const MAX = 120;
const CHECK = process.argv.includes('--check');

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? walk(path) : /\.(ts|mts|cts|mjs|js|cjs)$/.test(name) ? [path] : [];
  });
}

/**
 * Marks each character of a file with what it belongs to: 'code', a quoted string ("'" or '"'),
 * template text ('`'), a comment ('/') or a regular expression ('r'); `open[i]` is the index where
 * the literal around i starts. Template substitutions `${…}` are code again, nested to any depth.
 */
function classify(text) {
  const kind = new Array(text.length).fill('code');
  const open = new Array(text.length).fill(-1);
  const stack = []; // for each open template: the brace depth of its current substitution
  let braces = 0;
  let lastSignificant = '';
  let lastWord = '';
  let i = 0;
  const regexAllowed = () =>
    lastSignificant === '' ||
    /[(,=:[!&|?{};+\-*%<>~^]/.test(lastSignificant) ||
    /^(return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)$/.test(lastWord);
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      for (let j = i; j < stop; j++) kind[j] = '/';
      i = stop;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (let j = i; j < stop; j++) kind[j] = '/';
      i = stop;
      continue;
    }
    if (c === "'" || c === '"') {
      const start = i;
      kind[i] = c;
      open[i] = start;
      i++;
      while (i < text.length && text[i] !== c && text[i] !== '\n') {
        kind[i] = c;
        open[i] = start;
        if (text[i] === '\\') {
          kind[i + 1] = c;
          open[i + 1] = start;
          i++;
        }
        i++;
      }
      kind[i] = c;
      open[i] = start;
      i++;
      lastSignificant = c;
      lastWord = '';
      continue;
    }
    const closesSubstitution = c === '}' && stack.length > 0 && braces - 1 === stack[stack.length - 1].braces;
    if (c === '`' || closesSubstitution) {
      // Template text: from a backtick, or from the `}` that closes a substitution.
      let tplStart = i;
      if (closesSubstitution) {
        braces--;
        tplStart = stack.pop().start;
      }
      kind[i] = '`';
      open[i] = tplStart;
      i++;
      while (i < text.length) {
        if (text[i] === '\\') {
          kind[i] = kind[i + 1] = '`';
          open[i] = open[i + 1] = tplStart;
          i += 2;
        } else if (text[i] === '`') {
          kind[i] = '`';
          open[i] = tplStart;
          i++;
          break;
        } else if (text[i] === '$' && text[i + 1] === '{') {
          kind[i] = kind[i + 1] = '`';
          open[i] = open[i + 1] = tplStart;
          i += 2;
          stack.push({ braces, start: tplStart });
          braces++;
          break;
        } else {
          kind[i] = '`';
          open[i] = tplStart;
          i++;
        }
      }
      lastSignificant = '`';
      lastWord = '';
      continue;
    }
    if (c === '/' && regexAllowed()) {
      const start = i;
      let inClass = false;
      kind[i++] = 'r';
      while (i < text.length && text[i] !== '\n') {
        kind[i] = 'r';
        if (text[i] === '\\') {
          kind[i + 1] = 'r';
          i += 2;
          continue;
        }
        if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        else if (text[i] === '/' && !inClass) break;
        i++;
      }
      i++;
      while (i < text.length && /[a-z]/.test(text[i])) kind[i++] = 'r';
      void start;
      lastSignificant = 'r';
      lastWord = '';
      continue;
    }
    if (c === '{') braces++;
    else if (c === '}') braces--;
    if (!/\s/.test(c)) {
      lastSignificant = c;
      if (/[\w$]/.test(c)) {
        let j = i;
        while (j < text.length && /[\w$]/.test(text[j])) j++;
        lastWord = text.slice(i, j);
        lastSignificant = 'w';
        i = j;
        continue;
      }
      lastWord = '';
    }
    i++;
  }
  return { kind, open };
}

const BINDS_TIGHTER_AFTER = /^\s*(\.|\?\.|\[|\(|`)/;
const BINDS_TIGHTER_BEFORE = /(\btypeof|\bvoid|\bawait|\binstanceof|\bin|[!~*/%.-]|\*\*)\s*$/;

/** Cuts one long literal on this line at a space; returns the new text or null when none can be cut. */
function cutLiteral(text, lineStart, lineEnd, kind, open) {
  const indent = /^\s*/.exec(text.slice(lineStart, lineEnd))[0];
  for (let p = Math.min(lineEnd - 1, lineStart + MAX - 8); p > lineStart + indent.length + 20; p--) {
    const k = kind[p];
    if ((k !== "'" && k !== '"' && k !== '`') || text[p] !== ' ') continue;
    if (text[p - 1] === ' ' || text[p + 1] === ' ') continue;
    const start = open[p];
    if (start < 0) continue;
    if (k === '`') {
      if (/[\w$)\]]$/.test(text.slice(Math.max(0, start - 20), start))) continue; // tagged: String.raw`…`
    }
    const end = literalEnd(text, kind, open, start);
    if (end < 0 || p - start < 20 || end - p < 15) continue; // both pieces worth a line
    const before = text.slice(0, start);
    const after = text.slice(end + 1);
    const q = k;
    if (/^\s*:/.test(after) && /[{,]\s*$/.test(before)) continue; // an object key cannot be an expression
    const needParens = BINDS_TIGHTER_AFTER.test(after) || BINDS_TIGHTER_BEFORE.test(before);
    const cut = `${text.slice(start, p + 1)}${q} +\n${indent}  ${q}${text.slice(p + 1, end + 1)}`;
    return before + (needParens ? `(${cut})` : cut) + after;
  }
  return null;
}

/** The index of the literal's closing quote or backtick: the last character marked as part of it. */
function literalEnd(text, kind, open, start) {
  let end = -1;
  for (let j = start + 1; j < text.length; j++) {
    if (open[j] === start) end = j;
    else if (kind[j] !== 'code' && open[j] > start && end === j - 1 && kind[start] !== '`') break;
  }
  return end;
}

/** Re-wraps a whole-line `//` comment or a JSDoc line; returns the replacement lines or null. */
function wrapComment(line) {
  const m = /^(\s*)(\/\/ |\* |\/\*\* )(.*?)( \*\/)?$/.exec(line);
  if (!m || /biome-ignore|eslint-|@ts-/.test(line)) return null;
  const [, indent, lead, body, close] = m;
  const cont = lead === '// ' ? `${indent}// ` : lead === '* ' ? `${indent}* ` : `${indent} * `;
  const first = lead === '/** ' ? `${indent}/**\n${cont}` : `${indent}${lead}`;
  const words = body.split(' ');
  const lines = [];
  let current = '';
  for (const w of words) {
    if (current && cont.length + current.length + 1 + w.length > MAX) {
      lines.push(current);
      current = w;
    } else current = current ? `${current} ${w}` : w;
  }
  lines.push(current);
  if (lines.length < 2 && lead !== '/** ') return null;
  const out = `${first}${lines[0]}${lines
    .slice(1)
    .map((l) => `\n${cont}${l}`)
    .join('')}`;
  return close ? `${out}\n${indent} */` : out;
}

let changedFiles = 0;
const left = [];
for (const file of ROOTS.flatMap((r) => walk(join(ROOT, r)))) {
  const original = readFileSync(file, 'utf8');
  let text = original;
  for (let pass = 0; pass < 20; pass++) {
    const { kind, open } = classify(text);
    let changed = false;
    let offset = 0;
    for (const line of text.split('\n')) {
      const start = offset;
      offset += line.length + 1;
      if (line.length <= MAX) continue;
      const trimmedKind = kind[start + line.search(/\S/)];
      if (trimmedKind === '/') {
        const wrapped = wrapComment(line);
        if (wrapped && wrapped !== line) {
          text = text.slice(0, start) + wrapped + text.slice(start + line.length);
          changed = true;
          break;
        }
        continue;
      }
      const cut = cutLiteral(text, start, start + line.length, kind, open);
      if (cut) {
        text = cut;
        changed = true;
        break;
      }
    }
    if (!changed) break;
  }
  text.split('\n').forEach((line, i) => {
    if (line.length > MAX) left.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim().slice(0, 90)}`);
  });
  if (text !== original) {
    changedFiles++;
    if (!CHECK) writeFileSync(file, text);
  }
}
console.log(`${CHECK ? 'would change' : 'changed'} ${changedFiles} files; ${left.length} lines over ${MAX} left:`);
for (const l of left) console.log(`  ${l}`);
