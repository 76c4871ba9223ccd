import { chartSpecs, type ChartSpec } from './chart-data.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { pageScripts, scriptHash } from './html-assets.js';
import { flaggedLines, preambleLines } from './preamble.js';
import { probeTables } from './probe-tables.js';
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

const STYLE =
  `body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.85rem}th,td{border:1px solid #ccc;padding:.2rem .45rem}
td{white-space:nowrap}td.num{text-align:right}.table-wrap{overflow-x:auto;max-width:100%}` +
  `caption{text-align:left;font-weight:600;padding:.3rem 0}
.banner{background:#fff3cd;border:1px solid #e0b000;padding:.5rem .8rem;margin:.5rem 0}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:1rem}
.chart{position:relative;height:340px}.chart.wide{grid-column:1/-1;height:420px}` +
  `.chart-error{color:#b00020;font-weight:600}`;

const BANNER = /^(RECORDED|SIMULATED) DATA/;
const PROBES_TITLE = 'Validity probes: label variants, fingerprint, payoff regions';

const SECTIONS: { id: ChartSpec['section']; title: string }[] = [
  { id: 'heatmaps', title: 'Cooperation heat maps (context x game), % of valid answers' },
  { id: 'improvement', title: 'Improvement per scenario' },
  { id: 'distances', title: 'Distances to the teacher, with intervals' },
  { id: 'gridmaps', title: 'Payoff-grid maps: cooperation and distance to the teacher over the payoff plane' },
];

/**
 * A self-contained page: tables rendered here with every string escaped, charts drawn in the
 * browser by the inlined Chart.js from JSON data. A Content-Security-Policy allows exactly the
 * inlined scripts, so even text that slipped past escaping could not run.
 */
export function renderHtml(report: Report, gate?: VerdictGate): string {
  const { chartJs, charts } = pageScripts();
  const specs = chartSpecs(report, dataLabel(report));
  const csp =
    `default-src 'none'; script-src ${scriptHash(chartJs)} ${scriptHash(charts)}; style-src ` +
    `'unsafe-inline'; img-src data:`;
  const verdict = verdictTable(report, dataLabel(report), gate);
  const tables: Table[] = [
    ...(verdict ? [verdict] : []),
    modelsTable(report),
    ...report.models.filter((m) => m.role === 'student').map((s) => summaryTable(report, s.label, false)),
    cooperationTable(report),
  ];
  const scenarioTables = splitsOf(report).map((split) => scenarioTable(report, split));
  const payoff = payoffTable(report);
  const body = [
    '<h1>stratalign report</h1>',
    ...preambleLines(report).map((l) => `<p${BANNER.test(l) ? ' class="banner"' : ''}>${escapeHtml(l)}</p>`),
    ...tables.map(htmlTable),
    ...flaggedLines(report).map((l) => `<p>${escapeHtml(l)}</p>`),
    ...(report.parseQuality?.length
      ? [
          `<h2>${escapeHtml(PARSE_QUALITY_TITLE)}</h2>`,
          `<ul>${report.parseQuality.map((q) => `<li>${escapeHtml(q.line)}</li>`).join('')}</ul>`,
        ]
      : []),
    ...(report.probes ? [`<h2>${PROBES_TITLE}</h2>`, ...probeTables(report).map(htmlTable)] : []),
    ...SECTIONS.map((s) => ({ s, charts: specs.filter((c) => c.section === s.id) }))
      .filter((x) => x.charts.length > 0)
      .map((x) => chartSection(x.s.title, x.charts)),
    '<h2>Scenarios</h2>',
    ...scenarioTables.map(htmlTable),
    ...(payoff ? ['<h2>Payoff sensitivity</h2>', htmlTable(payoff)] : []),
    ...(report.notes.length
      ? ['<h2>Notes</h2>', `<ul>${report.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`]
      : []),
    '<h2>Definitions</h2>',
    `<dl>${Object.entries(report.definitions)
      .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
      .join('')}</dl>`,
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // The policy holds only fixed words and base64 hashes, so it needs no escaping.
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>stratalign report (${escapeHtml(dataLabel(report))})</title>`,
    `<style>${STYLE}</style></head><body>`,
    ...body,
    `<script type="application/json" ` +
      `id="report-data">${jsonForScript({ schema: report.schema, charts: specs })}</script>`,
    `<script>${chartJs}</script>`,
    `<script>${charts}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

function chartSection(title: string, specs: ChartSpec[]): string {
  const square = (s: ChartSpec) => s.kind === 'heatmap' || s.kind === 'gridmap';
  const figures = specs.map((s) => {
    const label = escapeHtml(s.title);
    const canvas = `<canvas id="${s.id}" role="img" aria-label="${label}"></canvas>`;
    return `<figure class="chart${square(s) ? '' : ' wide'}">${canvas}</figure>`;
  });
  return `<h2>${escapeHtml(title)}</h2><div class="charts">${figures.join('')}</div>`;
}

function htmlTable(t: Table): string {
  const head = `<tr>${t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const rows = t.rows.map(
    (r) => `<tr>${r.map((c, i) => `<td${t.numeric[i] ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`,
  );
  const caption = `<caption>${escapeHtml(t.title)}</caption>`;
  return `<div class="table-wrap"><table>${caption}${head}${rows.join('')}</table></div>`;
}
