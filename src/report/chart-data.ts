import { gridMapSpecs, type GridmapSpec, type IntervalSpec } from './grid-map-charts.js';

export type { IntervalSpec };
import { splitsOf } from './tables.js';
import type { Report } from './types.js';

/**
 * What the HTML page draws, as plain data. The page's own script turns these into Chart.js
 * charts; labels reach the page only inside escaped JSON and are drawn as canvas text.
 */
export type HeatmapSpec = {
  kind: 'heatmap';
  title: string;
  games: string[];
  contexts: string[];
  cells: { game: string; context: string; value: number; low: number | null; high: number | null }[];
};
export type ImprovementSpec = {
  kind: 'improvement';
  title: string;
  scenarios: string[];
  flagged: boolean[];
  series: { label: string; values: (number | null)[] }[];
};
export type ChartSpec = (HeatmapSpec | ImprovementSpec | IntervalSpec | GridmapSpec) & {
  id: string;
  section: 'heatmaps' | 'improvement' | 'distances' | 'gridmaps';
};

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export function chartSpecs(r: Report, dataLabel: string): ChartSpec[] {
  const specs: ChartSpec[] = [];
  // Ids are positions, never data, so no label ends up in an attribute or a selector.
  const add = (spec: WithoutId<ChartSpec>) => specs.push({ ...spec, id: `chart-${specs.length + 1}` } as ChartSpec);
  const students = r.models.filter((m) => m.role === 'student');
  const distanced = r.models.filter((m) => m.role !== 'teacher');

  for (const split of splitsOf(r)) {
    // Grid points have their own maps, and label variants would stack on one context x game cell.
    const plain = (s: Report['scenarios'][number]) => !s.game.startsWith('grid:') && !s.scenario.includes('~');
    const rows = r.scenarios.filter((s) => s.split === split && plain(s));
    if (!rows.length) continue;
    for (const scale of [...new Set(rows.map((s) => s.payoffScale))]) {
      const atScale = rows.filter((s) => s.payoffScale === scale);
      const games = [...new Set(atScale.map((s) => s.game))];
      const contexts = [...new Set(atScale.map((s) => s.context))];
      for (const m of r.models) {
        const cells = atScale.flatMap((s) => {
          const c = s.models.find((x) => x.model === m.label)!.cooperation;
          return c && c.value !== null
            ? [{ game: s.game, context: s.context, value: c.value, low: c.low, high: c.high }]
            : [];
        });
        const scaleText = scale === 1 ? '' : `, payoffs x${scale}`;
        add({
          section: 'heatmaps',
          kind: 'heatmap',
          title: `${m.role} ${m.label}: cooperation, split ${split}${scaleText} (${m.sourceLabel})`,
          games,
          contexts,
          cells,
        });
      }
    }
    add({
      section: 'improvement',
      kind: 'improvement',
      title:
        `Split ${split}: paper improvement and absolute closure per scenario, % (grey = n.s. base-teacher ` +
        `gap; ${dataLabel})`,
      scenarios: rows.map((s) => s.scenario),
      flagged: rows.map((s) => s.gap !== null && !s.gap.significant),
      series: students.flatMap((st) => [
        {
          label: `paper improvement (shares) ${st.label}`,
          values: rows.map((s) => s.students.find((x) => x.model === st.label)!.paperImprovement),
        },
        {
          label: `absolute closure ${st.label}`,
          values: rows.map((s) => s.students.find((x) => x.model === st.label)!.absoluteClosure),
        },
      ]),
    });
    add({
      section: 'distances',
      kind: 'intervals',
      title: `Split ${split}: total variation distance to the teacher per scenario, 95 % interval (${dataLabel})`,
      axis: 'TV distance',
      categories: rows.map((s) => s.scenario),
      series: distanced.map((m) => {
        const tv = rows.map((s) => s.models.find((x) => x.model === m.label)!.tv);
        return {
          label: `${m.role} ${m.label}`,
          values: tv.map((e) => e?.value ?? null),
          low: tv.map((e) => e?.low ?? null),
          high: tv.map((e) => e?.high ?? null),
        };
      }),
    });
  }
  for (const metric of ['tv', 'js'] as const) {
    add({
      section: 'distances',
      kind: 'intervals',
      title:
        `${metric === 'tv' ? 'Total variation' : 'Jensen-Shannon (bits)'} distance to the teacher by group, ` +
        `mean over scenarios, 95 % ${metric === 'tv' ? 'test-inversion' : 'bootstrap'} interval (${dataLabel})`,
      axis: metric === 'tv' ? 'TV distance' : 'JS distance',
      categories: r.groups.map((g) => g.label),
      series: distanced.map((m) => {
        const e = r.groups.map((g) => g.models.find((x) => x.model === m.label)![metric]);
        return {
          label: `${m.role} ${m.label}`,
          values: e.map((x) => x?.value ?? null),
          low: e.map((x) => x?.low ?? null),
          high: e.map((x) => x?.high ?? null),
        };
      }),
    });
  }
  if (r.probes) for (const spec of gridMapSpecs(r, r.probes, dataLabel)) add(spec);
  return specs;
}
