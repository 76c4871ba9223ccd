import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import { buildReport } from '../src/report/build-report.js';
import { renderHtml } from '../src/report/render-html.js';
import { launchTestBrowser } from './helpers/test-browser.js';
import { useTempDirs } from './helpers/temp-dir.js';

// Never skipped: the browser comes from npm (@sparticuz/chromium), so a browser that does not start is a failure.
const tempDir = useTempDirs();
const HOSTILE = '<script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned\'">';

/** The paper's counts, with the student under a hostile label. */
function writeReport(dir: string): string {
  const catalogue = defaultCatalogue();
  const file = 'datasets/recordings/lfb-counts.csv';
  const tallies = readCountsTable(file, catalogue).map((t) => (t.role === 'fine-tuned' ? { ...t, model: HOSTILE } : t));
  const report = buildReport(
    { tallies, inputs: [{ file, kind: 'counts-table' }] },
    { models: {}, proportionInterval: 'wilson', resamples: 300, seed: 'browser' },
    catalogue,
  );
  const path = join(dir, 'report.html');
  writeFileSync(path, renderHtml(report));
  return path;
}

describe('HTML report in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    const launched = await launchTestBrowser();
    browser = launched.browser;
    console.info(`HTML-report browser test runs in ${launched.description}`);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('draws every chart offline, shows hostile labels as text and runs no injected script', async () => {
    const path = writeReport(tempDir());
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`network: ${r.url()}`);
    });
    await page.goto(pathToFileURL(path).href);
    await page.waitForSelector('body[data-charts]');
    expect(await page.getAttribute('body', 'data-charts')).toBe('ready');

    const charts = await page.evaluate(() => {
      const g = globalThis as unknown as {
        Chart: {
          getChart(
            c: HTMLCanvasElement,
          ): { config: { type: string }; data: { datasets: { data: unknown[] }[] } } | undefined;
        };
      };
      return [...document.querySelectorAll('canvas')].map((canvas) => {
        const chart = g.Chart.getChart(canvas);
        const ctx = canvas.getContext('2d')!;
        const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked++;
        const section = canvas.closest('.charts')!.previousElementSibling!.textContent;
        return {
          section,
          type: chart?.config.type ?? null,
          points: chart ? chart.data.datasets.reduce((a, d) => a + d.data.filter((v) => v !== null).length, 0) : 0,
          inked,
          width: canvas.width,
        };
      });
    });
    // Per split: 3 heat maps (one per model), an improvement chart and a distance chart; then 2 group distance charts.
    expect(charts).toHaveLength(2 * 5 + 2);
    for (const c of charts) {
      expect(c.type).not.toBeNull();
      expect(c.points).toBeGreaterThan(0);
      expect(c.inked).toBeGreaterThan(1000);
    }
    expect(charts.filter((c) => c.section!.startsWith('Cooperation heat maps')).map((c) => c.points)).toEqual([
      20, 20, 20, 12, 12, 12,
    ]);
    expect(charts.filter((c) => c.section!.startsWith('Improvement')).map((c) => c.type)).toEqual(['bar', 'bar']);
    expect(charts.filter((c) => c.section!.startsWith('Distances'))).toHaveLength(4);

    // The hostile label is on the page as text, and neither of its payloads ran.
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('td', { hasText: HOSTILE }).count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
