import { formatGridNumber, type GridPointValues } from '../../catalogue/games/grid-family.js';
import { describeRegion } from '../../catalogue/games/payoff-region.js';
import { basicInterval } from '../../stats/bootstrap.js';
import { wilsonInterval } from '../../stats/proportion.js';
import { pooledShare, type ChoiceCell } from './choice-cells.js';

export type MapCell = { value: number; low: number | null; high: number | null; answers: number } | null;

/**
 * A payoff-grid family in one split as maps: one cell per grid point, pooled over contexts and
 * label variants. Cooperation per model (Wilson intervals); per non-teacher model the distance to
 * the teacher, |P(C) - P_teacher(C)| (the total-variation distance of two-option answers), with a
 * basic bootstrap interval cut to 0..1.
 */
export type GridMap = {
  split: string;
  family: string;
  familyName: string;
  fixed: Record<string, number>;
  /** The x axis is the family's first varied payoff, y its second (absent for a one-payoff family). */
  x: { letter: string; values: number[] };
  y: { letter: string; values: number[] } | null;
  /** Points present in the data, in the family's order; cells below align with them. */
  points: { values: Record<string, number>; label: string; region: string }[];
  cooperation: { model: string; cells: MapCell[] }[];
  /** Distance to `teacher` per model; empty when no teacher is known. */
  distance: { model: string; cells: MapCell[] }[];
  teacher: string | null;
};

export function gridMaps(
  cells: readonly ChoiceCell[],
  models: readonly string[],
  teacher: string | null,
  settings: { level: number; resamples: number },
): GridMap[] {
  const maps: GridMap[] = [];
  const keys = [...new Set(cells.filter((c) => c.grid).map((c) => `${c.split}\u0000${c.grid!.family.id}`))];
  for (const key of keys) {
    const [split, familyId] = key.split('\u0000') as [string, string];
    const own = cells.filter((c) => c.split === split && c.grid?.family.id === familyId);
    const family = own[0]!.grid!.family;
    const pointKey = (v: GridPointValues) => family.axes.map((a) => formatGridNumber(v[a.letter]!)).join(',');
    const seen = new Map<string, ChoiceCell>();
    for (const c of own) if (!seen.has(pointKey(c.grid!.values))) seen.set(pointKey(c.grid!.values), c);
    const order = (c: ChoiceCell) => family.axes.map((a) => a.values.indexOf(c.grid!.values[a.letter]!));
    const points = [...seen.values()].sort((a, b) => {
      const [oa, ob] = [order(a), order(b)];
      return oa[0]! - ob[0]! || (oa[1] ?? 0) - (ob[1] ?? 0);
    });
    const at = (model: string, p: ChoiceCell) =>
      own.filter((c) => c.model === model && pointKey(c.grid!.values) === pointKey(p.grid!.values));
    const present = models.filter((m) => own.some((c) => c.model === m));
    const cooperation = present.map((model) => ({
      model,
      cells: points.map((p): MapCell => {
        const here = at(model, p);
        const k = here.reduce((a, c) => a + c.k, 0);
        const n = here.reduce((a, c) => a + c.n, 0);
        if (n === 0) return null;
        const w = wilsonInterval(k, n, settings.level);
        return { value: k / n, low: w.low, high: w.high, answers: n };
      }),
    }));
    const distance =
      teacher && present.includes(teacher)
        ? present
            .filter((m) => m !== teacher)
            .map((model) => ({ model, cells: points.map((p) => distanceCell(at(model, p), at(teacher, p), settings)) }))
        : [];
    const [xAxis, yAxis] = family.axes;
    maps.push({
      split,
      family: family.id,
      familyName: family.name,
      fixed: family.fixed as Record<string, number>,
      x: { letter: xAxis!.letter, values: xAxis!.values },
      y: yAxis ? { letter: yAxis.letter, values: yAxis.values } : null,
      points: points.map((p) => ({
        values: p.grid!.values as Record<string, number>,
        label: family.axes.map((a) => `${a.letter}=${formatGridNumber(p.grid!.values[a.letter]!)}`).join(', '),
        region: describeRegion(p.grid!.region),
      })),
      cooperation,
      distance,
      teacher: teacher && present.includes(teacher) ? teacher : null,
    });
  }
  return maps;
}

function distanceCell(
  model: readonly ChoiceCell[],
  teacher: readonly ChoiceCell[],
  settings: { level: number; resamples: number },
): MapCell {
  const a = pooledShare(model, settings.resamples);
  const b = pooledShare(teacher, settings.resamples);
  if (!a || !b) return null;
  const value = Math.abs(a.value - b.value);
  const replicates = a.replicates.map((x, r) => Math.abs(x - b.replicates[r]!));
  const interval = basicInterval(value, replicates, settings.level, { min: 0, max: 1 });
  return {
    value,
    low: interval?.low ?? null,
    high: interval?.high ?? null,
    answers: model.reduce((s, c) => s + c.n, 0),
  };
}
