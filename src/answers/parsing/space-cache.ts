import type { ActionSpace, ChoiceActionSpace, IntegerActionSpace } from '../../catalogue/games/action-space.js';

/**
 * Patterns and readers built from an action space, built once per distinct space. Building
 * them (regexes of a kilobyte or more) used to be most of the cost of parsing an answer.
 *
 * Entries are keyed by the values that shape them, so equal spaces made separately (a test's
 * literal, a CLI lookup) share one entry. A space object seen before is found without building
 * that key, but only while its values still equal those the entry was built from, so a space
 * changed after use is never served stale patterns; the builder gets a frozen copy likewise.
 */
const MAX_ENTRIES = 256;

// Numbers spelled so that -0 and 0 (which a reader would hand back as different values) differ.
const exact = (n: number) => (Object.is(n, -0) ? '-0' : String(n));

const wordsKey = (space: ChoiceActionSpace) => JSON.stringify(Object.entries(space.actionWords ?? {}));

function keyOf(space: ActionSpace): string {
  return space.kind === 'choice'
    ? JSON.stringify(['choice', wordsKey(space), ...space.options])
    : JSON.stringify([
        'integer',
        exact(space.min),
        exact(space.max),
        space.unit,
        space.meaning,
        space.fractionalAmounts ?? 'reject',
      ]);
}

function sameValues(a: ActionSpace, b: ActionSpace): boolean {
  if (a.kind === 'choice' && b.kind === 'choice') {
    return (
      a.options.length === b.options.length &&
      a.options.every((o, i) => o === b.options[i]) &&
      wordsKey(a) === wordsKey(b)
    );
  }
  if (a.kind === 'integer' && b.kind === 'integer') {
    const sameRule = (a.fractionalAmounts ?? 'reject') === (b.fractionalAmounts ?? 'reject');
    return (
      Object.is(a.min, b.min) && Object.is(a.max, b.max) && a.unit === b.unit && a.meaning === b.meaning && sameRule
    );
  }
  return false;
}

function snapshot<S extends ActionSpace>(space: S): S {
  if (space.kind === 'choice') {
    const copy: ChoiceActionSpace = {
      kind: 'choice',
      options: Object.freeze([...space.options]),
      cooperative: space.cooperative,
    };
    if (space.actionWords) {
      const words = Object.entries(space.actionWords).map(
        ([label, list]) => [label, Object.freeze([...list])] as const,
      );
      copy.actionWords = Object.freeze(Object.fromEntries(words));
    }
    return Object.freeze(copy) as S;
  }
  const copy: IntegerActionSpace = {
    kind: 'integer',
    min: space.min,
    max: space.max,
    unit: space.unit,
    meaning: space.meaning,
  };
  if (space.fractionalAmounts) copy.fractionalAmounts = space.fractionalAmounts;
  return Object.freeze(copy) as S;
}

/** `build` memoised per distinct space; the cache is bounded, so unusual callers cannot grow it without end. */
export function perSpace<S extends ActionSpace, T>(build: (space: S) => T): (space: S) => T {
  type Entry = { built: S; value: T };
  const byValues = new Map<string, Entry>();
  const byObject = new WeakMap<S, Entry>();
  return (space) => {
    const seen = byObject.get(space);
    if (seen !== undefined && sameValues(seen.built, space)) return seen.value;
    const key = keyOf(space);
    let entry = byValues.get(key);
    if (entry === undefined) {
      if (byValues.size >= MAX_ENTRIES) byValues.clear();
      const built = snapshot(space);
      entry = { built, value: build(built) };
      byValues.set(key, entry);
    }
    byObject.set(space, entry);
    return entry.value;
  };
}
