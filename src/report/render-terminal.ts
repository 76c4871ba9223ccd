import { escapeTerminal } from './escape.js';
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

/** Plain-text report for a terminal; every piece of data passes through the terminal sanitiser. */
export function renderTerminal(report: Report, gate?: VerdictGate): string {
  const out = ['stratalign report', ...preambleLines(report).map(escapeTerminal), ''];
  const verdict = verdictTable(report, dataLabel(report), gate);
  const tables: Table[] = [
    ...(verdict ? [verdict] : []),
    modelsTable(report),
    ...report.models.filter((m) => m.role === 'student').map((s) => summaryTable(report, s.label, true)),
    cooperationTable(report),
  ];
  for (const split of splitsOf(report)) tables.push(scenarioTable(report, split));
  const payoff = payoffTable(report);
  if (payoff) tables.push(payoff);
  tables.push(...probeTables(report));
  for (const t of tables) out.push(...textTable(t), '');
  if (report.probes) out.push(...gridMapLines(report, report.probes).map(escapeTerminal));
  out.push(...flaggedLines(report).map(escapeTerminal));
  if (report.parseQuality?.length)
    out.push('', PARSE_QUALITY_TITLE, ...report.parseQuality.map((q) => `  ${escapeTerminal(q.line)}`));
  if (report.notes.length) out.push('', 'Notes:', ...report.notes.map((n) => `- ${escapeTerminal(n)}`));
  out.push('', 'Definitions of every metric: `stratalign report --format markdown` or the JSON field "definitions".');
  return `${out.join('\n')}\n`;
}

function textTable(t: Table): string[] {
  const header = t.header.map(escapeTerminal);
  const rows = t.rows.map((r) => r.map(escapeTerminal));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (t.numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [escapeTerminal(t.title), line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}
