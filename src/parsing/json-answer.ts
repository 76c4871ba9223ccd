/**
 * Finds answer fields in JSON objects embedded in an answer ({"answer": "C", "motivation": ...}).
 * Models often wrap JSON in prose or fences, or break it slightly (single quotes, a trailing
 * comma), so whole-text JSON.parse is not enough; each balanced {...} is tried on its own.
 */
export type JsonField = { key: string; value: unknown; index: number; end: number };

const MAX_DEPTH = 3;
// Each opening brace is scanned to its match; capping the attempts keeps brace-heavy text linear.
const MAX_OBJECTS = 200;

function balancedEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"') quote = ch;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i + 1;
  }
  return undefined;
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
function looseFields(slice: string, keys: RegExp): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  const re = /["']([\w -]+)["']\s*:\s*(?:"([^"]*)"|'([^']*)'|(-?\d+(?:\.\d+)?))/g;
  for (const m of slice.matchAll(re)) {
    if (keys.test(m[1]!)) out.push([m[1]!, m[4] !== undefined ? Number(m[4]) : (m[2] ?? m[3])]);
  }
  return out;
}

/** Fields whose key matches `keys` (whole key, case-insensitive) in every JSON object of the text. */
export function findJsonFields(text: string, keyNames: readonly string[]): JsonField[] {
  const keys = new RegExp(`^(?:${keyNames.join('|')})$`, 'i');
  const found: JsonField[] = [];
  let attempts = 0;
  for (let start = text.indexOf('{'); start !== -1 && attempts++ < MAX_OBJECTS; start = text.indexOf('{', start + 1)) {
    const end = balancedEnd(text, start);
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
