import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StratalignError } from '../shared/errors.js';

/** The scripts the HTML report inlines, read once per process so the page works offline. */
export type PageScripts = { chartJs: string; charts: string };

let cached: PageScripts | null = null;

export function pageScripts(): PageScripts {
  if (cached) return cached;
  // chart.js does not export its UMD bundle; find it next to the package's main file.
  const main = createRequire(import.meta.url).resolve('chart.js');
  const umd = join(dirname(main), 'chart.umd.min.js');
  let chartJs: string;
  try {
    chartJs = readFileSync(umd, 'utf8');
  } catch {
    throw new StratalignError({ file: umd }, 'Chart.js bundle not found', 'reinstall the dependencies with `npm ci`');
  }
  // The source-map comment would make browser tools look for a file the page does not ship.
  chartJs = chartJs.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
  const charts = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'assets', 'report-charts.js'), 'utf8');
  if (/<\/script/i.test(chartJs + charts))
    throw new Error('an inlined script contains "</script"; it cannot be embedded safely');
  cached = { chartJs, charts };
  return cached;
}

/** CSP source for an inline script: only these exact scripts may run on the page. */
export function scriptHash(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}
