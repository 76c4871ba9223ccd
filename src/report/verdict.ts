import { fixed, withInterval } from './format.js';
import type { Table } from './tables.js';
import type { Estimate, Report } from './types.js';

/**
 * The verdict at a glance, per split and student: how much of the base-teacher gap the student
 * closed, and its distance to the teacher next to the base's. Every number is the report's own
 * (pooled gap closure, mean TV distance), so the summary, the report and the viewer agree with
 * the tables below them and follow any change to how the report computes them.
 */
export type VerdictRow = {
  split: string;
  scenarios: number;
  student: string;
  base: string;
  teacher: string;
  /** Pooled gap closure in percent: 0 % = the base, 100 % = the teacher. */
  closure: Estimate;
  studentTv: Estimate | null;
  baseTv: Estimate | null;
};

/** One row per split and student; none when the report has no base or teacher to compare with. */
export function verdictRows(report: Report): VerdictRow[] {
  const base = report.models.find((m) => m.role === 'base')?.label;
  const teacher = report.models.find((m) => m.role === 'teacher')?.label;
  if (!base || !teacher) return [];
  return report.groups
    .filter((g) => g.key.split !== undefined && g.key.game === undefined && g.key.context === undefined)
    .flatMap((g) => {
      const figures = report.figures.filter((f) => f.group === g.label);
      const baseTv = figures.find((f) => f.model === base)?.tv ?? null;
      return figures.flatMap((f) =>
        f.student
          ? [
              {
                split: g.key.split!,
                scenarios: f.student.scenarios,
                student: f.model,
                base,
                teacher,
                closure: f.student.pooledGapClosure,
                studentTv: f.tv,
                baseTv,
              },
            ]
          : [],
      );
    });
}

/** The figures of a verdict row as text; labels are left to the caller, which knows how to escape them. */
export function verdictFigures(row: VerdictRow): { closure: string; studentTv: string; baseTv: string } {
  return {
    closure: withInterval(row.closure, 'percent'),
    studentTv: withInterval(row.studentTv, 'plain', 3),
    baseTv: withInterval(row.baseTv, 'plain', 3),
  };
}

/** Says what the verdict's figures are, once above the rows. */
export const VERDICT_LEGEND =
  'gap closed: pooled over scenarios, 0 % = the base, 100 % = the teacher; TV: mean total variation distance to ' +
  'the teacher, 0 = same answers; 95 % intervals';

/** "closed 35.0 % [30.4, 39.4] of the base-teacher gap; TV to teacher 0.210 [...] vs base 0.313 [...]" */
export function verdictSentence(row: VerdictRow): string {
  const f = verdictFigures(row);
  return `closed ${f.closure} of the base-teacher gap; TV to teacher ${f.studentTv} vs base ${f.baseTv}`;
}

/** Short form for a viewer chip value: the closure's point estimate in percent, rounded as shown. */
export function roundedClosure(row: VerdictRow): number | null {
  return row.closure.value === null ? null : Number(fixed(row.closure.value, 1));
}

/** A gate's outcomes as the verdict needs them (structurally the gate's CheckOutcome; no import, no cycle). */
export type VerdictGate = { file: string; outcomes: readonly { model: string | null; where: string; pass: boolean }[] };

/** "PASS (3 checks)" / "FAIL (1 of 3 checks)" for the checks on this student in this split, run-level ones included. */
export function gateCell(row: VerdictRow, gate: VerdictGate): string {
  const inSplit = (where: string) =>
    where === 'overall' || where === `split=${row.split}` || where.startsWith(`split=${row.split},`);
  const mine = gate.outcomes.filter((o) => (o.model === null || o.model === row.student) && inSplit(o.where));
  if (mine.length === 0) return 'no check here';
  const failed = mine.filter((o) => !o.pass).length;
  const n = (k: number) => `${k} check${k === 1 ? '' : 's'}`;
  return failed ? `FAIL (${failed} of ${n(mine.length)})` : `PASS (${n(mine.length)})`;
}

/** The verdict as the report's first table; null when there is no base and teacher to compare with. */
export function verdictTable(report: Report, dataLabel: string, gate?: VerdictGate): Table | null {
  const rows = verdictRows(report);
  if (rows.length === 0) return null;
  return {
    id: 'verdict',
    title: `Verdict at a glance (${dataLabel}; ${VERDICT_LEGEND}${gate ? `; gate ${gate.file}` : ''})`,
    header: [
      'split',
      'scen.',
      'student',
      'gap closed [95 %]',
      'TV to teacher [95 %]',
      'TV of base [95 %]',
      ...(gate ? ['gate'] : []),
    ],
    numeric: [false, true, false, true, true, true, ...(gate ? [false] : [])],
    rows: rows.map((r) => {
      const f = verdictFigures(r);
      return [
        r.split,
        String(r.scenarios),
        r.student,
        f.closure,
        f.studentTv,
        f.baseTv,
        ...(gate ? [gateCell(r, gate)] : []),
      ];
    }),
  };
}
