import { REGION_LABELS, REGIONS } from '../catalogue/games/payoff-region.js';
import type { GridMap, MapCell } from './probes/grid-maps.js';
import type { ProbesReport } from './probes/probes-report.js';
import { fixed, percentagePoints, withInterval } from './format.js';
import { dataLabel, type Table } from './tables.js';
import type { Report } from './types.js';

/** Groups the probe tables list: overall, each split and each region (games and contexts would be noise). */
const listed = (key: { game?: string; context?: string }) => key.game === undefined && key.context === undefined;

/** Cooperation per label variant, the label bias and how often the letter wins over the action. */
export function labelBiasTable(r: Report, probes: ProbesReport): Table | null {
  const rows = probes.labelBias.filter((e) => listed(e.key));
  if (!rows.length) return null;
  const variants = [...new Set(rows.flatMap((e) => e.stats.variants.map((v) => v.labels)))];
  const header = [
    'group',
    'model',
    'scen.',
    ...variants.map((v) => `${v} [95 %]`),
    'label bias, pp [95 %]',
    'between',
    'follows letter',
  ];
  const body = rows.map((e) => {
    const s = e.stats;
    const f = s.followsLetter;
    const follows = f
      ? `${f.letter} of ${f.compared} (${withInterval(f.share, 'share')}; ` +
        `${f.action} keep the action, ${f.undecided} undecided)`
      : 'n/a (no meaning-swapped pair)';
    return [
      e.group,
      `${roleOf(probes, e.model)}${e.model}`,
      `${s.balancedScenarios}${s.unbalancedScenarios ? ` (+${s.unbalancedScenarios} unbalanced, left out)` : ''}`,
      ...variants.map((v) => withInterval(s.variants.find((x) => x.labels === v)?.cooperation ?? null, 'share')),
      percentagePoints(s.labelBias),
      s.between ? s.between.join(' vs ') : 'n/a',
      follows,
    ];
  });
  return {
    id: 'label-bias',
    title:
      'Label variants: cooperation % per variant over the scenarios answered under every variant, ' +
      `label bias = largest difference in percentage points (${dataLabel(r)})`,
    header,
    numeric: header.map((_, i) => i >= 2 && i < header.length - 2),
    rows: body,
  };
}

/** Fitted choice-model parameters per model and split, then each model's difference from the teacher. */
export function fingerprintTable(r: Report, probes: ProbesReport): Table | null {
  if (!probes.fingerprints.length) return null;
  const names = probes.fingerprints[0]!.fingerprint.parameters.map((p) => p.label);
  const header = ['split', 'model', ...names.map((n) => `${n} [95 %]`), 'fit', 'scen.', 'answers', 'deviance / df (p)'];
  const rows = probes.fingerprints.map(({ split, fingerprint: f }) => [
    split,
    `${roleOf(probes, f.model)}${f.model}`,
    ...f.parameters.map((p) => (p.estimate === null ? 'not identified' : coefficient(p.estimate, p.low, p.high))),
    `${f.method === 'maximum likelihood' ? 'ML' : 'Firth (separated)'}, ${f.interval}`,
    String(f.scenarios),
    String(f.answers),
    `${fixed(f.fit.deviance, 1)} / ${f.fit.df}${f.fit.pValue === null ? '' : ` (p=${fixed(f.fit.pValue, 3)})`}`,
  ]);
  for (const c of probes.comparisons) {
    rows.push([
      c.split,
      `${c.model} - ${c.teacher}`,
      ...c.differences.map((d) => (d.difference === null ? 'n/a' : coefficient(d.difference, d.low, d.high))),
      'difference, Wald',
      '',
      '',
      '',
    ]);
  }
  return {
    id: 'fingerprint',
    title:
      'Fingerprint: P(C) = logistic(cooperation bias + a (R-T) + b (S-P) + label bias x letter ' +
      '+ position bias x position), ' +
      `log-odds per point of payoff (${dataLabel(r)})`,
    header,
    numeric: header.map((_, i) => i >= 2 && i < 2 + names.length),
    rows,
  };
}

/** Per payoff region: cooperation of every model, and each student's distance and gap closure. */
export function regionTable(r: Report): Table | null {
  const groups = r.groups.filter((g) => g.key.region !== undefined);
  if (!groups.length) return null;
  const students = r.models.filter((m) => m.role === 'student');
  const header = ['region', 'scen.', ...r.models.map((m) => `${m.role} ${m.label}`)];
  for (const s of students)
    header.push(`TV ${s.label} [95 %]`, `pooled closure ${s.label} [95 %]`, `abs. closure ${s.label} [95 %]`);
  const rows = groups.map((g) => {
    const name =
      g.key.region! in REGION_LABELS ? REGION_LABELS[g.key.region as keyof typeof REGION_LABELS] : g.key.region!;
    const cells = [
      `${g.key.split}: ${name}`,
      String(g.scenarios),
      ...r.models.map((m) => withInterval(g.models.find((x) => x.model === m.label)?.cooperation ?? null, 'share')),
    ];
    for (const s of students) {
      const st = g.students.find((x) => x.model === s.label);
      cells.push(
        withInterval(g.models.find((x) => x.model === s.label)?.tv ?? null, 'plain', 3),
        withInterval(st?.pooledGapClosure ?? null, 'percent'),
        withInterval(st?.absoluteGapClosure ?? null, 'percent'),
      );
    }
    return cells;
  });
  return {
    id: 'regions',
    title:
      `Payoff regions (${REGIONS.map((x) => REGION_LABELS[x]).join(', ')}; ` +
      'each 2x2 scenario classified from its payoffs): ' +
      `cooperation %, distance and gap closure (${dataLabel(r)})`,
    header,
    numeric: header.map((_, i) => i > 0),
    rows,
  };
}

/**
 * A grid map as text: rows are the second payoff (highest first), columns the first, each cell
 * the model's cooperation (or distance to the teacher) in percent; region letters in the header.
 */
export function gridMapText(map: GridMap, model: string, what: 'cooperation' | 'distance'): string[] {
  const series = (what === 'cooperation' ? map.cooperation : map.distance).find((s) => s.model === model);
  if (!series) return [];
  const cellAt = (x: number, y: number | null): { cell: MapCell; region: string } | null => {
    const i = map.points.findIndex(
      (p) => p.values[map.x.letter] === x && (y === null || p.values[map.y!.letter] === y),
    );
    return i < 0 ? null : { cell: series.cells[i] ?? null, region: map.points[i]!.region };
  };
  const ys = map.y ? [...map.y.values].reverse() : [null];
  const width = 5;
  const corner = (map.y ? `${map.y.letter} \\ ${map.x.letter}` : map.x.letter).padEnd(8);
  const head = `${corner}${map.x.values.map((x) => fixed(x, Number.isInteger(x) ? 0 : 1).padStart(width)).join('')}`;
  const lines = [head];
  for (const y of ys) {
    const cells = map.x.values.map((x) => {
      const c = cellAt(x, y);
      if (!c) return '.'.padStart(width);
      const mark = c.region.startsWith('boundary') ? 'b' : (REGION_MARK[c.region] ?? '?');
      return (c.cell === null ? 'n/a' : `${fixed(100 * c.cell.value, 0)}${mark}`).padStart(width);
    });
    lines.push(`${(y === null ? '' : fixed(y, Number.isInteger(y) ? 0 : 1)).padEnd(8)}${cells.join('')}`);
  }
  lines.push(
    `(% ${what === 'cooperation' ? 'cooperation' : `|P(C) - P_teacher(C)| against ${map.teacher}`}; ` +
      "region: p = Prisoner's Dilemma, s = Stag Hunt, c = Snowdrift (chicken), h = Harmony, " +
      'b = boundary, o = no dilemma)',
  );
  return lines;
}

const REGION_MARK: Record<string, string> = {
  'prisoners-dilemma': 'p',
  'stag-hunt': 's',
  snowdrift: 'c',
  harmony: 'h',
  other: 'o',
};

/** Lines of every grid map of the report, per split and family, each model and each distance. */
export function gridMapLines(r: Report, probes: ProbesReport): string[] {
  const out: string[] = [];
  for (const map of probes.maps) {
    const fixedText = Object.entries(map.fixed)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    for (const s of map.cooperation) {
      out.push(
        `Grid ${map.family} (${map.familyName}; ${fixedText}), split ${map.split}: ` +
          `cooperation of ${roleOf(probes, s.model)}${s.model} (${dataLabel(r)})`,
        ...gridMapText(map, s.model, 'cooperation'),
        '',
      );
    }
    for (const s of map.distance) {
      out.push(
        `Grid ${map.family}, split ${map.split}: distance of ${s.model} to teacher ${map.teacher}`,
        ...gridMapText(map, s.model, 'distance'),
        '',
      );
    }
  }
  return out;
}

function coefficient(value: number, low: number | null, high: number | null): string {
  const f = (v: number | null, side: string) => (v === null ? side : fixed(v, 2));
  return `${fixed(value, 2)} [${f(low, '-inf')}, ${f(high, 'inf')}]`;
}

function roleOf(probes: ProbesReport, model: string): string {
  const { roles } = probes;
  if (model === roles.teacher) return 'teacher ';
  if (model === roles.base) return 'base ';
  if (roles.students.includes(model)) return 'student ';
  return '';
}

/** The probe tables a report has (none without label variants or grid points). */
export function probeTables(r: Report): Table[] {
  if (!r.probes) return [];
  return [labelBiasTable(r, r.probes), fingerprintTable(r, r.probes), regionTable(r)].filter(
    (t): t is Table => t !== null,
  );
}
