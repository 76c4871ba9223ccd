import { escapeMarkdown, escapeTerminal } from './escape.js';
import { flaggedLines, preambleLines } from './preamble.js';
import { gridMapLines, probeTables } from './probe-tables.js';
import {
  cooperationTable,
  dataLabel,
  modelsTable,
  payoffTable,
  scenarioTable,
  splitsOf,
  summaryTable,
  type Table,
} from './tables.js';
import type { Report } from './types.js';
import { PARSE_QUALITY_TITLE } from './parse-quality-section.js';
import { verdictTable, type VerdictGate } from './verdict.js';

/** GitHub-flavoured Markdown for CI job summaries; every piece of data is escaped. */
export function renderMarkdown(report: Report, gate?: VerdictGate): string {
  const out = ['# stratalign report', '', ...preambleLines(report).map((l) => `> ${escapeMarkdown(l)}  `), ''];
  const verdict = verdictTable(report, dataLabel(report), gate);
  if (verdict) out.push(...mdTable(verdict));
  out.push(...mdTable(modelsTable(report)));
  out.push('## Alignment by group', '');
  for (const s of report.models.filter((m) => m.role === 'student'))
    out.push(...mdTable(summaryTable(report, s.label, false)));
  out.push(...mdTable(cooperationTable(report)));
  const flagged = flaggedLines(report);
  if (flagged.length) out.push(...flagged.map((l) => `- ${escapeMarkdown(l)}`), '');
  if (report.parseQuality?.length)
    out.push(
      `**${escapeMarkdown(PARSE_QUALITY_TITLE)}**`,
      '',
      ...report.parseQuality.map((q) => `- ${escapeMarkdown(q.line)}`),
      '',
    );
  out.push('## Scenarios', '');
  for (const split of splitsOf(report)) out.push(...mdTable(scenarioTable(report, split)));
  const payoff = payoffTable(report);
  if (payoff) out.push('## Payoff sensitivity', '', ...mdTable(payoff));
  if (report.probes) {
    out.push('## Validity probes', '');
    for (const t of probeTables(report)) out.push(...mdTable(t));
    const maps = gridMapLines(report, report.probes);
    // Inside a fence nothing is Markdown; only a fence itself could end it early.
    if (maps.length) out.push('```text', ...maps.map((l) => escapeTerminal(l).replace(/`/g, "'")), '```', '');
  }
  if (report.notes.length) out.push('## Notes', '', ...report.notes.map((n) => `- ${escapeMarkdown(n)}`), '');
  out.push(
    '## Definitions',
    '',
    ...Object.entries(report.definitions).map(([k, v]) => `- **${escapeMarkdown(k)}**: ${escapeMarkdown(v)}`),
    '',
  );
  return `${out.join('\n')}\n`;
}

function mdTable(t: Table): string[] {
  const row = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  return [
    `**${escapeMarkdown(t.title)}**`,
    '',
    row(t.header),
    `|${t.numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`,
    ...t.rows.map(row),
    '',
  ];
}
