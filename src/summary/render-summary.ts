import type { ModelSummary, SplitImprovement } from './model-summary.js';
import type { LostAnswers } from './tally-outputs.js';
import { sanitizeForTerminal } from '../text/terminal.js';

const SOURCE_LABEL: Record<ModelSummary['source'], string> = {
  'recorded-counts': 'recorded counts',
  'recorded-text': 'recorded texts',
  replay: 'REPLAY of a recording',
  live: 'live model calls',
};

const pct = (x: number | null, digits = 1) => (x === null ? 'n/a' : `${(100 * x).toFixed(digits)} %`);

/** Plain-text summary printed at the end of `promptfoo eval`; model labels are untrusted text. */
export function renderSummary(models: readonly ModelSummary[], improvements: readonly SplitImprovement[], lost: Map<string, LostAnswers>, referenceLabel: string | null): string {
  const header = ['model', 'role', 'data', 'scenarios', 'valid', 'unparseable', 'lost', 'cooperation', 'teacher agreement'];
  const rows = models.map((m) => {
    const l = lost.get(m.model);
    const lostCount = l ? l.providerErrors + l.missingSamples + l.invalidOutputs : 0;
    return [sanitizeForTerminal(m.model), m.role ?? '-', SOURCE_LABEL[m.source], String(m.scenarios), String(m.valid), String(m.unparseable), String(lostCount), pct(m.cooperation), pct(m.agreement)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = ['', 'stratalign summary', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  out.push(`teacher agreement = mean over scenarios of P(teacher gives the same answer)${referenceLabel ? `; reference: ${sanitizeForTerminal(referenceLabel)}` : ' (no reference found)'}`);
  if (improvements.length) {
    out.push('', "paper's improvement metric (mean over scenarios of 100*(ft-base)/(teacher-base)), by split:");
    for (const s of improvements) {
      const skipped = s.undefinedScenarios.length ? `; ${s.undefinedScenarios.length} scenario(s) with no base-teacher gap left out` : '';
      out.push(`  ${sanitizeForTerminal(s.split)}: ${s.paper === null ? 'n/a' : `${s.paper.toFixed(2)} %`} over ${s.scenarios} scenarios (pooled gap closure ${s.pooled === null ? 'n/a' : `${s.pooled.toFixed(2)} %`}${skipped})`);
    }
    out.push('  The paper metric is unstable where teacher and base are close; see `stratalign report` for intervals and robust companions.');
  } else {
    out.push('', "paper's improvement metric: n/a (needs models with roles base, fine-tuned and teacher on the same scenarios)");
  }
  const lossLines = [...lost].filter(([, l]) => l.providerErrors + l.missingSamples + l.invalidOutputs > 0);
  for (const [model, l] of lossLines) {
    out.push(`LOST ANSWERS for ${sanitizeForTerminal(model)}: ${l.providerErrors} provider error row(s), ${l.missingSamples} missing sample(s), ${l.invalidOutputs} malformed output(s)`);
  }
  for (const [model, l] of [...lost].filter(([, x]) => x.exhaustedReplays > 0)) {
    out.push(`note: ${sanitizeForTerminal(model)} asked for ${l.exhaustedReplays} answer(s) beyond its recording (replay exhausted; not counted as lost)`);
  }
  return `${out.join('\n')}\n`;
}
