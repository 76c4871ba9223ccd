import { READINGS_LABEL } from '../../recordings/logprob-reading.js';
import { relative } from 'node:path';
import type { ConversionSummary } from '../../recordings/convert/promptfoo-results.js';
import { fixed, withInterval } from '../format.js';
import { SOURCE_LABELS } from '../labels.js';
import type { EvalSummary } from '../eval-summary.js';
import type { Reference } from '../../recordings/reference/reference.js';
import { sanitizeForTerminal } from '../../shared/terminal.js';
import type { PlainModelRow } from './model-summary.js';
import type { RowOutcome } from './scoring-coverage.js';
import { VERDICT_LEGEND, verdictSentence, type VerdictRow } from '../verdict.js';

type SummaryParts = {
  skipped: { rows: number; firstReason: string | null };
  summary: EvalSummary;
  plain: PlainModelRow[];
  agreement: Map<string, number | null> | null;
  reference: Reference | null;
  conversion: ConversionSummary;
  /** Lines of the validity probes (label variants, fingerprint, regions), when the eval has them. */
  probes?: string[];
  /** Provider error rows per provider, with the first error: the actual cause of lost answers. */
  errorsByProvider?: Map<string, { rows: number; firstError: string }>;
  /** How the alignment assertion fared per model and split: the eval's own gate. */
  outcomes?: Map<string, Map<string, RowOutcome>>;
};

/** "alignment assertion passed on 4 of 20 rows (base 1 of 20, teacher 20 of 20)" */
function gateOutcome(row: VerdictRow, outcomes: SummaryParts['outcomes']): string {
  const of = (label: string) => outcomes?.get(label)?.get(row.split);
  const mine = of(row.student);
  if (!mine) return '';
  const others = [
    ['base', row.base],
    ['teacher', row.teacher],
  ].flatMap(([role, label]) => {
    const o = of(label!);
    return o ? [`${role} ${o.passed} of ${o.scored}`] : [];
  });
  return `; assertion passed on ${mine.passed} of ${mine.scored} rows${others.length ? ` (${others.join(', ')})` : ''}`;
}

/** The verdict at a glance, first in the summary. */
function verdictLines(summary: EvalSummary, outcomes: SummaryParts['outcomes']): string[] {
  const rows = summary.verdict ?? [];
  if (rows.length === 0) return [];
  return [
    `verdict (${VERDICT_LEGEND}):`,
    ...rows.map((r) => {
      const who = `${sanitizeForTerminal(r.split)}, ${r.scenarios} scenarios, ${sanitizeForTerminal(r.student)}`;
      return `  ${who}: ${verdictSentence(r)}${gateOutcome(r, outcomes)}`;
    }),
    '',
  ];
}

/** Under LOST ANSWERS: per provider, how many rows failed and the first error, which names the fix. */
function lostAnswerCauses(errors: SummaryParts['errorsByProvider']): string[] {
  return [...(errors ?? new Map())].map(([label, e]) => {
    const first = sanitizeForTerminal(e.firstError);
    return `  ${sanitizeForTerminal(label)}: ${e.rows} error row(s); first: ${first}`;
  });
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** "  by kind: 3 rate-limited, 1 timeout", largest first; counted from the kinds, never from the messages. */
function lostByKindLine(c: ConversionSummary): string[] {
  const kinds = Object.entries(c.lostByKind).sort(([a, x], [b, y]) => y! - x! || a.localeCompare(b));
  return kinds.length === 0 ? [] : [`  by kind: ${kinds.map(([kind, n]) => `${n} ${kind}`).join(', ')}`];
}

/** Lost answers counted per answer: an error row that asked for 4 answers lost 4. */
function lostAnswersLine(c: ConversionSummary): string {
  const total = c.errorRowAnswers + c.missingSamples;
  const inErrors = c.providerErrors > 0 ? ` (${c.errorRowAnswers} of them asked for by the error rows)` : '';
  const silent = c.errorRowsWithoutCounts;
  const said = `; ${silent} error row(s) did not say how many answers they asked for and count as 1 each`;
  const uncounted = silent > 0 ? said : '';
  const rows = `${c.providerErrors} provider error row(s) and ${c.missingSamples} missing sample(s) in this eval`;
  return `LOST ANSWERS: ${rows}: ${total} answer(s) lost in all${inErrors}${uncounted}`;
}

/** " (as published, on counts: 46.26 %)" where the counts version reads differently at two decimals; else nothing. */
function publishedNote(shares: number | null, published: number | null): string {
  const text = (v: number | null) => (v === null ? 'n/a' : `${fixed(v, 2)} %`);
  return text(shares) === text(published) ? '' : ` (as published, on counts: ${text(published)})`;
}

/** Plain-text summary printed at the end of `promptfoo eval`; labels and split names are untrusted text. */
export function renderSummary(parts: SummaryParts): string {
  const { skipped, summary, plain, agreement, reference, conversion, probes, errorsByProvider, outcomes } = parts;
  const out = ['', 'stratalign summary', ...verdictLines(summary, outcomes)];
  if (summary.error) {
    const rows = plain.map((m) => {
      const a = agreement?.get(m.model);
      return [
        sanitizeForTerminal(m.model),
        sanitizeForTerminal(m.role ?? '-'),
        dataOf(m),
        String(m.valid),
        m.failures === null ? 'not recorded' : String(m.failures),
        m.cooperation === null ? 'n/a' : `${fixed(100 * m.cooperation, 1)} %`,
        a === undefined || a === null ? 'n/a' : `${fixed(100 * a, 1)} %`,
      ];
    });
    out.push(
      ...table(['model', 'role', 'data', 'valid answers', 'unparseable', 'cooperation', 'teacher agreement'], rows),
    );
    const roles =
      [...new Set(plain.map((m) => m.role ?? 'none'))].map(sanitizeForTerminal).join(', ') ||
      'none (no answers were collected)';
    out.push(
      '',
      `no base / fine-tuned / teacher comparison: it needs one provider with each role (roles in this eval: ${roles}).`,
    );
    const silent = [...(errorsByProvider ?? new Map()).keys()].filter((label) => !plain.some((m) => m.model === label));
    if (plain.length > 0 && plain.every((m) => m.role === 'teacher') && !silent.length) {
      out.push(
        'A teacher-only run collects answers: `stratalign convert` them, then build the reference ' +
          '(`stratalign reference`) and the fine-tuning data (`stratalign export`).',
      );
    } else if (silent.length) {
      const who = silent.map(sanitizeForTerminal).join(', ');
      out.push(`No answers from ${who}: every row failed (the cause is under LOST ANSWERS below).`);
    } else
      out.push(
        "Set `role: base | fine-tuned | teacher` in each provider's config (replays take it from the recording).",
      );
  } else {
    const rows = summary.models.map((m) => {
      const a = agreement?.get(m.model);
      return [
        sanitizeForTerminal(m.model),
        sanitizeForTerminal(m.dataRole ?? m.role),
        m.sourceLabel,
        String(m.valid),
        m.failures === null ? 'not recorded' : String(m.failures),
        withInterval(m.cooperation, 'share'),
        a === undefined || a === null ? 'n/a' : `${fixed(100 * a, 1)} %`,
      ];
    });
    out.push(
      ...table(
        ['model', 'role', 'data', 'valid answers', 'unparseable', 'cooperation [95 %]', 'teacher agreement'],
        rows,
      ),
    );
    out.push(
      reference
        ? `teacher agreement = mean over scenarios of P(a reference answer equals the model's), reference ` +
            `${sanitizeForTerminal(reference.model)} from ` +
            `${sanitizeForTerminal(relative(process.cwd(), reference.source.origin) || reference.source.origin)}`
        : 'teacher agreement: n/a (no alignment assertion with a readable reference in this config)',
    );
    const students = summary.splits.flatMap((s) =>
      s.students.map((st) => ({ split: s.split, nsGaps: s.nonSignificantGaps, ...st })),
    );
    if (students.length) {
      out.push(
        '',
        "paper's improvement metric (mean over scenarios of 100*(ft-base)/(teacher-base), on cooperation " +
          'shares), by split:',
      );
      for (const s of students) {
        const p = s.student.paperImprovement;
        const n = s.student.scenarios;
        const value = p.value === null ? 'n/a' : `${fixed(p.value, 2)} %`;
        const over =
          p.used === n ? `${n} scenarios` : `${p.used} of ${n} scenarios (the rest have no base-teacher gap)`;
        const published = publishedNote(p.value, p.asPublished.value);
        const ns =
          s.nsGaps > 0
            ? `; ${s.nsGaps} scenario(s) with a base-teacher gap that is not significant (the paper metric ` +
              `is noise there)`
            : '';
        out.push(
          `  ${sanitizeForTerminal(s.split)}, ${sanitizeForTerminal(s.model)}: ${value} over ` +
            `${over}${published}; pooled gap closure ${withInterval(s.student.pooledGapClosure, 'percent')}${ns}`,
        );
      }
      out.push(
        '  Intervals here use 200 bootstrap resamples. The paper metric is unstable where teacher and base are close;',
      );
      out.push('  `stratalign report` shows 2000-resample intervals, n.s.-gap flags and robust companions.');
    } else {
      out.push(
        '',
        "paper's improvement metric: n/a (needs models with roles base, fine-tuned and teacher on the same scenarios)",
      );
    }
  }
  if (probes) out.push(...probes);
  if (conversion.providerErrors + conversion.missingSamples > 0) {
    out.push(lostAnswersLine(conversion));
    out.push(...lostByKindLine(conversion));
    out.push(...lostAnswerCauses(errorsByProvider));
  }
  if (skipped.rows > 0) {
    out.push(
      `SKIPPED ${skipped.rows} result row(s) that are not stratalign rows (first: ` +
        `${sanitizeForTerminal(skipped.firstReason ?? 'no reason')}); they are not in the figures above`,
    );
  }
  if (conversion.exhaustedReplays > 0) {
    out.push(
      `note: ${conversion.exhaustedReplays} answer(s) were asked of replays past the end of their recording ` +
        `(shown, not counted as lost)`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** The data column of a plain model row: its source, with log-probability readings named. */
function dataOf(m: PlainModelRow): string {
  return m.readings > 0 ? `${SOURCE_LABELS[m.source]} (${READINGS_LABEL})` : SOURCE_LABELS[m.source];
}
