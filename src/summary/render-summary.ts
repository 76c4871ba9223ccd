import { relative } from 'node:path';
import type { ConversionSummary } from '../convert/promptfoo-results.js';
import { fixed, withInterval } from '../report/format.js';
import { SOURCE_LABELS } from '../report/labels.js';
import type { EvalSummary } from '../report/eval-summary.js';
import type { Reference } from '../reference/reference.js';
import { sanitizeForTerminal } from '../text/terminal.js';
import type { PlainModelRow } from './model-summary.js';

type SummaryParts = { skipped: { rows: number; firstReason: string | null }; summary: EvalSummary; plain: PlainModelRow[]; agreement: Map<string, number | null> | null; reference: Reference | null; conversion: ConversionSummary };

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** " (as published, on counts: 46.26 %)" where the counts version reads differently at two decimals; else nothing. */
function publishedNote(shares: number | null, published: number | null): string {
  const text = (v: number | null) => (v === null ? 'n/a' : `${fixed(v, 2)} %`);
  return text(shares) === text(published) ? '' : ` (as published, on counts: ${text(published)})`;
}

/** Plain-text summary printed at the end of `promptfoo eval`; labels and split names are untrusted text. */
export function renderSummary({ skipped, summary, plain, agreement, reference, conversion }: SummaryParts): string {
  const out = ['', 'stratalign summary'];
  if (summary.error) {
    const rows = plain.map((m) => {
      const a = agreement?.get(m.model);
      return [sanitizeForTerminal(m.model), sanitizeForTerminal(m.role ?? '-'), SOURCE_LABELS[m.source], String(m.valid), m.failures === null ? 'not recorded' : String(m.failures), m.cooperation === null ? 'n/a' : `${fixed(100 * m.cooperation, 1)} %`, a === undefined || a === null ? 'n/a' : `${fixed(100 * a, 1)} %`];
    });
    out.push(...table(['model', 'role', 'data', 'valid answers', 'unparseable', 'cooperation', 'teacher agreement'], rows));
    const roles = [...new Set(plain.map((m) => m.role ?? 'none'))].map(sanitizeForTerminal).join(', ') || 'none (no answers were collected)';
    out.push('', `no base / fine-tuned / teacher comparison: it needs one provider with each role (roles in this eval: ${roles}).`);
    out.push("Set `role: base | fine-tuned | teacher` in each provider's config (replays take it from the recording).");
  } else {
    const rows = summary.models.map((m) => {
      const a = agreement?.get(m.label);
      return [
        sanitizeForTerminal(m.label),
        sanitizeForTerminal(m.dataRole ?? m.role),
        m.sourceLabel,
        String(m.valid),
        m.failures === null ? 'not recorded' : String(m.failures),
        withInterval(m.cooperation, 'share'),
        a === undefined || a === null ? 'n/a' : `${fixed(100 * a, 1)} %`,
      ];
    });
    out.push(...table(['model', 'role', 'data', 'valid answers', 'unparseable', 'cooperation [95 %]', 'teacher agreement'], rows));
    out.push(
      reference
        ? `teacher agreement = mean over scenarios of P(a reference answer equals the model's), reference ${sanitizeForTerminal(reference.model)} from ${sanitizeForTerminal(relative(process.cwd(), reference.source.origin) || reference.source.origin)}`
        : 'teacher agreement: n/a (no alignment assertion with a reference in this config)',
    );
    const students = summary.splits.flatMap((s) => s.students.map((st) => ({ split: s.split, nsGaps: s.nonSignificantGaps, ...st })));
    if (students.length) {
      out.push('', "paper's improvement metric (mean over scenarios of 100*(ft-base)/(teacher-base), on cooperation shares), by split:");
      for (const s of students) {
        const p = s.paperImprovement;
        const value = p.value === null ? 'n/a' : `${fixed(p.value, 2)} %`;
        const over = p.used === p.scenarios ? `${p.scenarios} scenarios` : `${p.used} of ${p.scenarios} scenarios (the rest have no base-teacher gap)`;
        const published = publishedNote(p.value, p.asPublished);
        const ns = s.nsGaps > 0 ? `; ${s.nsGaps} scenario(s) with a base-teacher gap that is not significant (the paper metric is noise there)` : '';
        out.push(`  ${sanitizeForTerminal(s.split)}, ${sanitizeForTerminal(s.model)}: ${value} over ${over}${published}; pooled gap closure ${withInterval(s.pooledGapClosure, 'percent')}${ns}`);
      }
      out.push('  Intervals here use 200 bootstrap resamples. The paper metric is unstable where teacher and base are close;');
      out.push('  `stratalign report` shows 2000-resample intervals, n.s.-gap flags and robust companions.');
    } else {
      out.push('', "paper's improvement metric: n/a (needs models with roles base, fine-tuned and teacher on the same scenarios)");
    }
  }
  if (conversion.providerErrors + conversion.missingSamples > 0) {
    out.push(`LOST ANSWERS: ${conversion.providerErrors} provider error row(s) and ${conversion.missingSamples} missing sample(s) in this eval`);
  }
  if (skipped.rows > 0) {
    out.push(`SKIPPED ${skipped.rows} result row(s) that are not stratalign rows (first: ${sanitizeForTerminal(skipped.firstReason ?? 'no reason')}); they are not in the figures above`);
  }
  if (conversion.exhaustedReplays > 0) {
    out.push(`note: ${conversion.exhaustedReplays} answer(s) were asked of replays past the end of their recording (shown, not counted as lost)`);
  }
  return `${out.join('\n')}\n`;
}
