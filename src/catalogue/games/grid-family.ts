import type { GridFamilyEntry, PayoffLetter } from '../schema.js';
import type { Payoffs2x2 } from './matrix-analysis.js';

/** Payoff letters in the conventional order. */
const LETTER_ORDER: PayoffLetter[] = ['R', 'S', 'T', 'P'];

export type GridAxis = { letter: PayoffLetter; from: number; to: number; step: number; values: number[] };

/** A family of 2x2 games swept over one or two payoffs (datasets/catalogue/grids.yaml). */
export type GridFamily = {
  id: string;
  name: string;
  description: string;
  fixed: Partial<Record<PayoffLetter, number>>;
  /** The varied payoffs in R, S, T, P order; the first is the map's x axis, the second its y axis. */
  axes: GridAxis[];
};

/** One point of a family: the varied payoffs' values, in the family's axis order. */
export type GridPointValues = Partial<Record<PayoffLetter, number>>;

/** More points than this per family would be a typo in a step, not a probe. */
export const MAX_GRID_POINTS = 10_000;

/** Rounds away the float drift of `from + k * step` so values print and compare as written. */
function clean(n: number): number {
  return Number(n.toPrecision(12));
}

/** Numbers as ids and prompts write them: integers plain, others without trailing zeros. */
export function formatGridNumber(n: number): string {
  return String(clean(n));
}

/** Builds a family from its validated entry; returns the problem in words when the entry cannot form a grid. */
export function buildGridFamily(entry: GridFamilyEntry): GridFamily | string {
  const axes: GridAxis[] = [];
  for (const letter of LETTER_ORDER) {
    const fixed = entry.fixed[letter];
    const axis = entry.vary[letter];
    if (fixed !== undefined && axis !== undefined) return `payoff ${letter} is both fixed and varied`;
    if (fixed === undefined && axis === undefined) return `payoff ${letter} is neither fixed nor varied`;
    if (!axis) continue;
    if (!(axis.to > axis.from))
      return `payoff ${letter} must vary upwards: "to" (${axis.to}) must exceed "from" (${axis.from})`;
    const count = Math.floor(clean((axis.to - axis.from) / axis.step)) + 1;
    if (count > 1001) return `payoff ${letter} would take ${count} values; use a larger step`;
    const values = Array.from({ length: count }, (_, k) => clean(axis.from + k * axis.step));
    axes.push({ letter, ...axis, values });
  }
  if (axes.length < 1 || axes.length > 2)
    return `vary one or two payoffs (a map has two axes); this family varies ${axes.length}`;
  const points = axes.reduce((n, a) => n * a.values.length, 1);
  if (points > MAX_GRID_POINTS)
    return `the family has ${points} points, more than ${MAX_GRID_POINTS}; use larger steps`;
  return { id: entry.id, name: entry.name, description: entry.description, fixed: { ...entry.fixed }, axes };
}

/** Every point of the family, the first axis varying slowest. */
export function gridPoints(family: GridFamily): GridPointValues[] {
  let out: GridPointValues[] = [{}];
  for (const axis of family.axes) out = out.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.letter]: v })));
  return out;
}

export function payoffsAt(family: GridFamily, point: GridPointValues): Payoffs2x2 {
  const value = (letter: PayoffLetter) => point[letter] ?? family.fixed[letter]!;
  return { CC: value('R'), CD: value('S'), DC: value('T'), DD: value('P') };
}

/** `S=2,T=7`: the part of a scenario id after `grid:<family>@`. */
export function formatPoint(family: GridFamily, point: GridPointValues): string {
  return family.axes.map((a) => `${a.letter}=${formatGridNumber(point[a.letter]!)}`).join(',');
}

/**
 * Reads `S=2,T=7` against a family: every varied payoff once, no fixed one, each value on the
 * family's grid. Returns the point or the problem in words.
 */
export function parsePoint(family: GridFamily, text: string): GridPointValues | string {
  const point: GridPointValues = {};
  for (const part of text.split(',')) {
    const match = /^\s*([A-Za-z])\s*=\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$/.exec(part);
    if (!match) return `cannot read "${part}" (write a payoff letter, =, and a number, e.g. S=2)`;
    const letter = match[1]!.toUpperCase() as PayoffLetter;
    const axis = family.axes.find((a) => a.letter === letter);
    if (!axis) {
      const fixed = family.fixed[letter];
      return fixed === undefined
        ? `"${match[1]}" is not a payoff letter (R, S, T, P)`
        : `payoff ${letter} is fixed at ${formatGridNumber(fixed)} in family ${family.id}; leave it out`;
    }
    if (point[letter] !== undefined) return `payoff ${letter} is given twice`;
    const value = Number(match[2]);
    const onGrid = axis.values.find((v) => Math.abs(v - value) <= 1e-9 * Math.max(1, Math.abs(v)));
    if (onGrid === undefined) {
      const range = `${letter} from ${formatGridNumber(axis.from)} to ${formatGridNumber(axis.to)}`;
      const step = formatGridNumber(axis.step);
      return `${letter}=${match[2]} is not on family ${family.id}'s grid (${range} in steps of ${step})`;
    }
    point[letter] = onGrid;
  }
  const absent = family.axes.filter((a) => point[a.letter] === undefined).map((a) => a.letter);
  if (absent.length) {
    const varied = family.axes.map((a) => a.letter).join(' and ');
    return `give a value for ${absent.join(' and ')} (family ${family.id} varies ${varied})`;
  }
  return point;
}
