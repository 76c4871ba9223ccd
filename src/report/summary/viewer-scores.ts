import type { EvalSummary } from '../eval-summary.js';
import type { ProbesReport } from '../probes/probes-report.js';
import { fixed } from '../format.js';
import { roundedClosure } from '../verdict.js';

/**
 * Per model label, the verdict as named metrics for promptfoo's viewer, which shows one chip per
 * metric on each column (a metric the hook adds is shown as its raw value): on every column the
 * share of the base-teacher gap closed per split (`gap_closed_pct_<split>`: base 0, teacher 100 by
 * definition) and the mean TV distance to the teacher (`tv_to_teacher_<split>`), so base and
 * student sit side by side; on students also the paper's metric (`paper_improvement_<split>`).
 */
export function viewerVerdictScores(summary: EvalSummary | null): ViewerScores {
  const out: ViewerScores = new Map();
  const put = scorePutter(out);
  for (const split of summary?.splits ?? []) {
    for (const student of split.students) {
      if (student.student.paperImprovement.value !== null)
        put(
          student.model,
          `paper_improvement_${split.split}`,
          Number(student.student.paperImprovement.value.toFixed(2)),
        );
    }
  }
  for (const row of summary?.verdict ?? []) {
    put(row.student, `gap_closed_pct_${row.split}`, roundedClosure(row));
    put(row.base, `gap_closed_pct_${row.split}`, 0);
    put(row.teacher, `gap_closed_pct_${row.split}`, 100);
    const tv = (e: typeof row.studentTv) => (e?.value == null ? null : Number(fixed(e.value, 3)));
    put(row.student, `tv_to_teacher_${row.split}`, tv(row.studentTv));
    put(row.base, `tv_to_teacher_${row.split}`, tv(row.baseTv));
  }
  return out;
}

/**
 * Per model label, the label-variant probe as named metrics for the viewer (only when the eval has
 * label variants): per split, the label bias (`label_bias_<split>`, 0..1) and the share of scenarios
 * whose choice follows the letter rather than the action (`follows_letter_<split>`). Narrower
 * scopes (a game, a context, a payoff region) stay in the summary and the report.
 */
export function viewerLabelBiasScores(probes: ProbesReport | null | undefined): ViewerScores {
  const out: ViewerScores = new Map();
  const put = scorePutter(out);
  for (const entry of probes?.labelBias ?? []) {
    const { split, game, context, region } = entry.key;
    if (split === undefined || game !== undefined || context !== undefined || region !== undefined) continue;
    const four = (v: number | null | undefined) => (v == null ? null : Number(v.toFixed(4)));
    put(entry.model, `label_bias_${split}`, four(entry.stats.labelBias.value));
    put(entry.model, `follows_letter_${split}`, four(entry.stats.followsLetter?.share.value));
  }
  return out;
}

/** Named metrics per model label, as promptfoo's viewer shows them. */
export type ViewerScores = Map<string, Record<string, number>>;

/** Adds one metric to a model's scores; a missing or non-finite value is left out, never shown as 0. */
function scorePutter(out: ViewerScores) {
  return (label: string, name: string, value: number | null) => {
    if (value === null || !Number.isFinite(value)) return;
    out.set(label, { ...out.get(label), [name]: value });
  };
}
