import { fixed } from './format.js';
import type { ProbesReport } from './probes/probes-report.js';
import type { Report } from './types.js';

export type IntervalSpec = {
  kind: 'intervals';
  title: string;
  axis: string;
  categories: string[];
  series: { label: string; values: (number | null)[]; low: (number | null)[]; high: (number | null)[] }[];
};

/**
 * A payoff-grid map for the HTML page: cells at (x, y) payoff values, coloured by the value
 * (cooperation, or distance to the teacher, both 0..1), outlined by payoff region.
 */
export type GridmapSpec = {
  kind: 'gridmap';
  title: string;
  xLabel: string;
  yLabel: string;
  xs: string[];
  ys: string[];
  measure: 'cooperation' | 'distance';
  cells: {
    x: string;
    y: string;
    value: number;
    low: number | null;
    high: number | null;
    answers: number;
    region: string;
  }[];
};

type Section = { section: 'gridmaps' };

const AXIS_CELLS: Record<string, string> = { R: 'C against C', S: 'C against D', T: 'D against C', P: 'D against D' };

const show = (v: number) => fixed(v, Number.isInteger(v) ? 0 : 2);

/** Cooperation maps per model and distance maps per non-teacher model, then TV distance by region. */
export function gridMapSpecs(
  r: Report,
  probes: ProbesReport,
  dataLabel: string,
): ((GridmapSpec | IntervalSpec) & Section)[] {
  const out: ((GridmapSpec | IntervalSpec) & Section)[] = [];
  const role = (label: string) => r.models.find((m) => m.label === label)?.role ?? 'model';
  for (const map of probes.maps) {
    const fixedText = Object.entries(map.fixed)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    const where = `${map.family} (${fixedText}), split ${map.split}`;
    const axis = (letter: string) => `${letter}: your payoff for ${AXIS_CELLS[letter] ?? letter}`;
    const base = {
      xLabel: axis(map.x.letter),
      yLabel: map.y ? axis(map.y.letter) : '',
      xs: map.x.values.map(show),
      ys: map.y ? map.y.values.map(show) : ['all'],
    };
    const cellsOf = (cells: (typeof map.cooperation)[number]['cells']) =>
      map.points.flatMap((p, i) => {
        const c = cells[i];
        return c
          ? [
              {
                x: show(p.values[map.x.letter]!),
                y: map.y ? show(p.values[map.y.letter]!) : 'all',
                value: c.value,
                low: c.low,
                high: c.high,
                answers: c.answers,
                region: p.region,
              },
            ]
          : [];
      });
    for (const s of map.cooperation) {
      out.push({
        section: 'gridmaps',
        kind: 'gridmap',
        measure: 'cooperation',
        title: `${role(s.model)} ${s.model}: cooperation over grid ${where} (${dataLabel})`,
        ...base,
        cells: cellsOf(s.cells),
      });
    }
    for (const s of map.distance) {
      out.push({
        section: 'gridmaps',
        kind: 'gridmap',
        measure: 'distance',
        title: `${role(s.model)} ${s.model}: |P(C) - teacher's| over grid ${where} (${dataLabel})`,
        ...base,
        cells: cellsOf(s.cells),
      });
    }
  }
  const regions = r.groups.filter((g) => g.key.region !== undefined);
  const distanced = r.models.filter((m) => m.role !== 'teacher');
  if (regions.length) {
    out.push({
      section: 'gridmaps',
      kind: 'intervals',
      title: `TV distance to the teacher by payoff region, mean over scenarios, 95 % bootstrap interval (${dataLabel})`,
      axis: 'TV distance',
      categories: regions.map((g) => g.label),
      series: distanced.map((m) => {
        const e = regions.map((g) => g.models.find((x) => x.model === m.label)?.tv ?? null);
        return {
          label: `${m.role} ${m.label}`,
          values: e.map((x) => x?.value ?? null),
          low: e.map((x) => x?.low ?? null),
          high: e.map((x) => x?.high ?? null),
        };
      }),
    });
  }
  return out;
}
