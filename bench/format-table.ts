/**
 * The shape every benchmark section returns, and the table `npm run bench` prints. A row says
 * what was measured, against what, both absolute numbers, and their ratio. Every number comes
 * from the run that prints it.
 */
export type Measure = {
  /** What this number is, e.g. "stratalign replay + alignment". */
  label: string;
  value: number;
  /** e.g. "ms/row", "calls/scenario", "MB". */
  unit: string;
};

export type BenchRow = {
  /** The comparison in a few words, e.g. "wall time per row, 500 rows". */
  comparison: string;
  subject: Measure;
  baseline: Measure;
  /** subject / baseline unless the section defines it otherwise (then it says so in the note). */
  ratio?: number;
  note?: string;
};

/** Thrown by a section whose prerequisites are missing; the harness prints it as skipped with the reason. */
export class BenchSkip extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'BenchSkip';
  }
}

export type SectionOutcome =
  | { status: 'ok'; rows: BenchRow[]; seconds: number }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; reason: string; seconds: number };

export function ratioOf(row: BenchRow): number {
  return row.ratio ?? row.subject.value / row.baseline.value;
}

/** Few significant digits, no exponent for the magnitudes a benchmark shows. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  if (abs === 0) return '0';
  return value.toPrecision(3);
}

export function formatMeasure(m: Measure): string {
  return `${formatNumber(m.value)} ${m.unit}`;
}

/** One section as an aligned text table; each row's labels and note follow it, wrapped, so the table stays narrow. */
export function formatSection(id: string, title: string, outcome: SectionOutcome): string {
  const head = `(${id}) ${title}`;
  if (outcome.status === 'skipped') return `${head}\n    SKIPPED: ${outcome.reason}\n`;
  if (outcome.status === 'failed') return `${head}  [${outcome.seconds.toFixed(1)} s]\n    FAILED: ${outcome.reason}\n`;
  const cells = outcome.rows.map((row) => [
    row.comparison,
    formatMeasure(row.subject),
    formatMeasure(row.baseline),
    formatNumber(ratioOf(row)),
  ]);
  const header = ['comparison', 'measured', 'against', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    `    ${c.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`.trimEnd();
  const out = [`${head}  [${outcome.seconds.toFixed(1)} s]`, line(header), line(widths.map((w) => '-'.repeat(w)))];
  outcome.rows.forEach((row, i) => {
    out.push(line(cells[i]!));
    const detail = `measured: ${row.subject.label}; against: ${row.baseline.label}.${row.note ? ` ${row.note}` : ''}`;
    out.push(...wrap(detail, 104).map((l) => `        ${l}`));
  });
  return `${out.join('\n')}\n`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines;
}

/** Accepts rows from a section written elsewhere; anything not shaped like a BenchRow is reported, not guessed at. */
export function checkRows(value: unknown): { rows: BenchRow[] } | { problem: string } {
  if (!Array.isArray(value))
    return { problem: `returned ${typeof value}, expected an array of BenchRow (bench/format-table.ts)` };
  const isMeasure = (m: unknown) =>
    typeof m === 'object' &&
    m !== null &&
    typeof (m as Measure).label === 'string' &&
    typeof (m as Measure).value === 'number' &&
    typeof (m as Measure).unit === 'string';
  const bad = value.findIndex(
    (r) =>
      typeof r !== 'object' ||
      r === null ||
      typeof (r as BenchRow).comparison !== 'string' ||
      !isMeasure((r as BenchRow).subject) ||
      !isMeasure((r as BenchRow).baseline),
  );
  if (bad >= 0)
    return {
      problem:
        `row ${bad} is not a BenchRow { comparison, subject: {label, value, unit}, baseline: {label, ` +
        `value, unit}, ratio?, note? }: ${JSON.stringify(value[bad]).slice(0, 300)}`,
    };
  return { rows: value as BenchRow[] };
}
