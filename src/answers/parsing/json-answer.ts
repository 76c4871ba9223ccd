import { allMatches } from './all-matches.js';

/**
 * Finds answer fields in JSON objects embedded in an answer ({"answer": "C", "motivation": ...}).
 * Models often wrap JSON in prose or fences, or break it slightly (single quotes, a trailing
 * comma), so whole-text JSON.parse is not enough; each balanced {...} is tried on its own.
 */
export type JsonField = { key: string; value: unknown; index: number; end: number };

const MAX_DEPTH = 3;
// Each opening brace is scanned to its match; capping the attempts keeps brace-heavy text linear.
const MAX_OBJECTS = 200;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Where the object opening at each `{` closes (after its `}`), or undefined when it never does.
 * A scan from one brace passes each unquoted brace after it in the very state a scan from that
 * brace starts in, so their ends are recorded on the way (by a stack) and not scanned again:
 * brace-heavy text costs one pass, not one pass per brace.
 */
function balancedEnds(text: string): (start: number) => number | undefined {
  // By position: 0 not yet known, -1 never closes, else the end; made on first use, as most
  // answers hold no brace. Typed arrays keep brace-heavy text cheap.
  let known: Int32Array | undefined;
  let open: Int32Array | undefined;
  return (start) => {
    known ??= new Int32Array(text.length);
    open ??= new Int32Array(text.length);
    if (known[start] !== 0) return known[start] === -1 ? undefined : known[start];
    let depth = 0;
    let quoted = false;
    for (let i = start; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (quoted) {
        if (ch === BACKSLASH) i++;
        else if (ch === QUOTE) quoted = false;
      } else if (ch === QUOTE) quoted = true;
      else if (ch === OPEN_BRACE) open[depth++] = i;
      else if (ch === CLOSE_BRACE) {
        known[open[--depth]!] = i + 1;
        if (depth === 0) return i + 1;
      }
    }
    for (let d = 0; d < depth; d++) known[open[d]!] = -1;
    return undefined;
  };
}

function fieldsOf(value: unknown, keys: RegExp, depth: number, out: Array<[string, unknown]>): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [k, v] of Object.entries(value)) {
    // {"decision": {"answer": "C"}}: a matching key that holds an object is searched, not read.
    if (keys.test(k) && (v === null || typeof v !== 'object')) out.push([k, v]);
    else fieldsOf(v, keys, depth + 1, out);
  }
}

// Broken JSON still names its field clearly enough: "answer": "C" or 'donation': 7.
const LOOSE_FIELD = /["']([\w -]+)["']\s*:\s*(?:"([^"]*)"|'([^']*)'|(-?\d+(?:\.\d+)?))/g;

function looseFields(slice: string, keys: RegExp): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const m of allMatches(LOOSE_FIELD, slice)) {
    if (keys.test(m[1]!)) out.push([m[1]!, m[4] !== undefined ? Number(m[4]) : (m[2] ?? m[3])]);
  }
  return out;
}

// The key pattern of a list of key names, kept with the list while the caller keeps it (the
// parser keeps one list per space) and rebuilt if the list's names have changed since.
const KEY_PATTERNS = new WeakMap<readonly string[], { names: string[]; re: RegExp }>();

function keyPattern(keyNames: readonly string[]): RegExp {
  const known = KEY_PATTERNS.get(keyNames);
  if (known !== undefined && known.names.length === keyNames.length && known.names.every((n, i) => n === keyNames[i]))
    return known.re;
  const re = new RegExp(`^(?:${keyNames.join('|')})$`, 'i');
  KEY_PATTERNS.set(keyNames, { names: [...keyNames], re });
  return re;
}

/** Fields whose key matches `keys` (whole key, case-insensitive) in every JSON object of the text. */
export function findJsonFields(text: string, keyNames: readonly string[]): JsonField[] {
  const keys = keyPattern(keyNames);
  const balancedEnd = balancedEnds(text);
  const found: JsonField[] = [];
  let attempts = 0;
  for (let start = text.indexOf('{'); start !== -1 && attempts++ < MAX_OBJECTS; start = text.indexOf('{', start + 1)) {
    const end = balancedEnd(start);
    if (end === undefined) continue;
    const slice = text.slice(start, end);
    const pairs: Array<[string, unknown]> = [];
    try {
      fieldsOf(JSON.parse(slice), keys, 0, pairs);
    } catch {
      pairs.push(...looseFields(slice, keys));
    }
    for (const [key, value] of pairs) found.push({ key, value, index: start, end });
    // Inner objects were already searched through the parsed outer object.
    if (pairs.length > 0) start = end - 1;
  }
  return found;
}
