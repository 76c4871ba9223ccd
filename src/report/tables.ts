import { fixed, percent, pValue, share, withInterval } from './format.js';
import type { GroupRow, ModelFigures, Report, ReportModel, ScenarioRow, StudentFigures } from './types.js';

/**
 * Shown where the data could not have recorded a number (e.g. parse failures in a counts table without failure
 * columns).
 */
export const NOT_RECORDED = 'n/a (not recorded)';

/**
 * The report as tables of plain, unescaped text. Renderers escape every cell for their medium
 * (terminal, Markdown, HTML), so model labels and scenario names never reach output raw.
 */
export type Table = { id: string; title: string; header: string[]; numeric: boolean[]; rows: string[][] };

/** The report's figures of each model in group `g` (joined once by buildReport). */
const figuresIn = (r: Report, g: GroupRow): ModelFigures[] => r.figures.filter((f) => f.group === g.label);
const students = (r: Report) => r.models.filter((m) => m.role === 'student');
const modelOf = (r: Report, role: ReportModel['role']) => r.models.find((m) => m.role === role)!;

/** Where the numbers come from, for table titles: one label, or one per model when they differ. */
export function dataLabel(r: Report): string {
  const labels = new Set(r.models.map((m) => m.sourceLabel));
  if (labels.size === 1) return `data: ${r.models[0]!.sourceLabel}`;
  return `data: ${r.models.map((m) => `${m.label} ${m.sourceLabel}`).join('; ')}`;
}

export function modelsTable(r: Report): Table {
  const overall = r.groups.find((g) => g.label === 'overall')!;
  return {
    id: 'models',
    title: 'Models',
    header: ['role', 'model', 'data', 'valid answers', 'parse failures', 'parse rate [95 %]'],
    numeric: [false, false, false, true, true, true],
    rows: figuresIn(r, overall).map((g) => {
      return [
        g.role,
        g.model,
        g.sourceLabel,
        String(g.valid),
        g.failures === null ? NOT_RECORDED : String(g.failures),
        g.parseRate === null ? NOT_RECORDED : withInterval(g.parseRate, 'share'),
      ];
    }),
  };
}

/** One row per group for one student: the paper's metric beside its companions, base as yardstick. */
export function summaryTable(r: Report, student: string, compact: boolean): Table {
  const base = modelOf(r, 'base').label;
  const published = publishedDiffers(r);
  const header = [
    'group',
    'scen.',
    'paper impr.',
    ...(published ? ['as published'] : []),
    'n.s. gaps',
    'pooled closure [95 %]',
    'abs. closure [95 %]',
  ];
  if (!compact) header.push('mean abs. closure');
  header.push('TV to teacher [95 %]', 'TV base', 'JS to teacher [95 %]');
  if (!compact) header.push('JS base');
  header.push('profile r [95 %]', 'r base');
  const rows = r.groups.map((g) => {
    const figures = figuresIn(r, g);
    const m = figures.find((x) => x.model === student)!;
    const s = m.student!;
    const b = figures.find((x) => x.model === base)!;
    const row = [
      g.label,
      String(s.scenarios),
      paperCell(s),
      ...(published ? [percent(s.paperImprovement.asPublished.value, 2)] : []),
      String(g.nonSignificantGaps.length),
      withInterval(s.pooledGapClosure, 'percent'),
      withInterval(s.absoluteGapClosure, 'percent'),
    ];
    if (!compact) row.push(percent(s.meanAbsoluteClosure));
    row.push(withInterval(m.tv, 'plain', 3), plain(b.tv?.value ?? null, 3), withInterval(m.js, 'plain', 3));
    if (!compact) row.push(plain(b.js?.value ?? null, 3));
    row.push(withInterval(m.profileCorrelation, 'plain', 2), plain(b.profileCorrelation?.value ?? null, 2));
    return row;
  });
  return {
    id: `summary-${student}`,
    title:
      `Student ${student} against teacher ${modelOf(r, 'teacher').label}, base ${base}, by group ` +
      `(${dataLabel(r)})`,
    header,
    numeric: header.map((_, i) => i > 0),
    rows,
  };
}

/** Pooled cooperation of every model per group, with its interval. */
export function cooperationTable(r: Report): Table {
  const header = ['group', ...r.models.map((m) => `${m.role} ${m.label}`)];
  const rows = r.groups.map((g: GroupRow) => [
    g.label,
    ...figuresIn(r, g).map((f) => withInterval(f.cooperation, 'share')),
  ]);
  return {
    id: 'cooperation',
    title: `Cooperation by group, % of valid answers [95 % interval] (${dataLabel(r)})`,
    header,
    numeric: header.map((_, i) => i > 0),
    rows,
  };
}

/** One row per scenario of a split: each model's cooperation, the gap test, and per-student closure and distance. */
export function scenarioTable(r: Report, split: string): Table {
  const many = students(r).length > 1;
  const suffix = (label: string) => (many ? ` (${label})` : '');
  const base = modelOf(r, 'base').label;
  const header = ['scenario', 'base-teacher gap', ...r.models.map((m) => `${m.role} ${m.label}`)];
  const published = publishedDiffers(r);
  for (const s of students(r))
    header.push(
      `impr.${suffix(s.label)}`,
      ...(published ? [`as published${suffix(s.label)}`] : []),
      `abs. closure${suffix(s.label)}`,
      `TV [95 %]${suffix(s.label)}`,
    );
  header.push('TV base');
  const rows = r.scenarios
    .filter((row) => row.split === split)
    .map((row: ScenarioRow) => {
      const cells = [row.scenario, gapCell(row), ...r.models.map((m) => cooperationCell(row, m.label))];
      for (const s of students(r)) {
        const st = row.students.find((x) => x.model === s.label)!;
        cells.push(
          percent(st.paperImprovement, 2),
          ...(published ? [percent(st.paperImprovementAsPublished, 2)] : []),
          percent(st.absoluteClosure),
          withInterval(row.models.find((x) => x.model === s.label)!.tv, 'plain', 3),
        );
      }
      cells.push(plain(row.models.find((x) => x.model === base)!.tv?.value ?? null, 3));
      return cells;
    });
  return {
    id: `scenarios-${split}`,
    title: `Split ${split}: cooperation % [95 % interval] per scenario (${dataLabel(r)})`,
    header,
    numeric: header.map((_, i) => i > 1),
    rows,
  };
}

/** Cooperation at x1 and scaled payoffs per model, with the test; null without scaled scenarios. */
export function payoffTable(r: Report): Table | null {
  const ps = r.payoffSensitivity;
  if (!ps) return null;
  const header = ['scenario', 'x1 split', 'scaled', ...r.models.map((m) => `${m.role} ${m.label}`)];
  const rows = ps.pairs.map((p) => [
    p.scenario,
    p.split,
    `${p.scaledScenario} (${p.scaledSplit})`,
    ...r.models.map((m) => {
      const x = p.models.find((y) => y.model === m.label);
      return x
        ? `${share(x.share)} -> ${share(x.scaledShare)} ${pValue(x.test.pValue)}${x.significant ? ' *' : ''}`
        : 'n/a';
    }),
  ]);
  rows.push([
    'changed significantly',
    '',
    '',
    ...r.models.map((m) => {
      const x = ps.perModel.find((y) => y.model === m.label)!;
      return `${x.changed} of ${x.pairs}`;
    }),
  ]);
  return {
    id: 'payoff',
    title:
      `Payoff sensitivity: cooperation at x1 -> scaled payoffs, * = significant at ` +
      `${fixed(r.settings.alpha, 2)} (${dataLabel(r)})`,
    header,
    numeric: header.map(() => false),
    rows,
  };
}

/**
 * True when the paper's metric on counts (as published) reads differently from the shares
 * version anywhere in the report, at the two decimals shown: only then do the tables add an
 * "as published" column, so equal sample sizes keep the tables as they were.
 */
export function publishedDiffers(r: Report): boolean {
  const text = (v: number | null) => percent(v, 2);
  return (
    r.groups.some((g) =>
      g.students.some((s) => text(s.paperImprovement.value) !== text(s.paperImprovement.asPublished.value)),
    ) ||
    r.scenarios.some((row) =>
      row.students.some((s) => text(s.paperImprovement) !== text(s.paperImprovementAsPublished)),
    )
  );
}

/** The paper's mean, saying over how many scenarios when a zero base-teacher gap left some out. */
function paperCell(s: StudentFigures): string {
  const value = percent(s.paperImprovement.value, 2);
  if (s.paperImprovement.value === null || s.paperImprovement.used === s.scenarios) return value;
  return `${value} (${s.paperImprovement.used} of ${s.scenarios})`;
}

/** Cooperation with its interval; numeric games add the mean answer the paper's metric uses. */
function cooperationCell(row: ScenarioRow, model: string): string {
  const m = row.models.find((x) => x.model === model)!;
  const text = withInterval(m.cooperation, 'share');
  return m.mean?.value != null ? `${text} mean ${fixed(m.mean.value, 2)}` : text;
}

function gapCell(row: ScenarioRow): string {
  if (!row.gap) return 'n/a';
  return `${row.gap.significant ? '' : 'n.s. '}${pValue(row.gap.test.pValue)}`;
}

function plain(value: number | null, digits: number): string {
  return value === null ? 'n/a' : fixed(value, digits);
}

/** Splits in first-seen order. */
export function splitsOf(r: Report): string[] {
  return [...new Set(r.scenarios.map((s) => s.split))];
}
