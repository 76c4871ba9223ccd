import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { buildReport } from '../src/report/build-report.js';
import { renderHtml } from '../src/report/render-html.js';
import { expandGrid } from '../src/catalogue/scenarios/scenario.js';
import { player, simulatedTallies } from './helpers/simulated-tallies.js';
import { launchTestBrowser } from './helpers/test-browser.js';
import { useTempDirs } from './helpers/temp-dir.js';

// Never skipped: the browser comes from npm (@sparticuz/chromium), so a browser that does not start is a failure.

const tempDir = useTempDirs();
const HOSTILE = '<img src=x onerror="document.title=\'pwned\'"> [simulated]';

function writeReport(dir: string): string {
  const catalogue = defaultCatalogue();
  const scenarios = expandGrid(catalogue, { contexts: ['team'], grid: { family: 'st' }, labels: ['paper', 'swapped'] });
  const models = [
    { model: 'base [simulated]', role: 'base', params: player({ cooperationBias: 1, labelBias: 1.5 }) },
    { model: HOSTILE, role: 'fine-tuned', params: player({ incentiveIfC: 0.3, incentiveIfD: 0.3, labelBias: 0.8 }) },
    { model: 'teacher [simulated]', role: 'teacher', params: player({ incentiveIfC: 0.6, incentiveIfD: 0.6 }) },
  ];
  const tallies = simulatedTallies(catalogue, scenarios, models, 30, 'html');
  const options = { models: {}, proportionInterval: 'wilson' as const, resamples: 200, seed: 'html' };
  const path = join(dir, 'probes.html');
  writeFileSync(
    path,
    renderHtml(buildReport({ tallies, inputs: [{ file: 'sim', kind: 'recording' }] }, options, catalogue)),
  );
  return path;
}

describe('probes HTML report in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    const launched = await launchTestBrowser();
    browser = launched.browser;
    console.info(`probes HTML browser test runs in ${launched.description}`);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('draws the grid maps and the region chart offline, with labels as text only', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.goto(pathToFileURL(writeReport(tempDir())).href);
    await page.waitForSelector('body[data-charts]');
    expect(await page.getAttribute('body', 'data-charts')).toBe('ready');
    const maps = await page.evaluate(() => {
      type ChartLike = { config: { type: string }; data: { datasets: { data: unknown[] }[] } };
      const g = globalThis as unknown as { Chart: { getChart(c: HTMLCanvasElement): ChartLike | undefined } };
      return [...document.querySelectorAll('canvas')]
        .filter((canvas) =>
          canvas.closest('.charts')!.previousElementSibling!.textContent!.startsWith('Payoff-grid maps'),
        )
        .map((canvas) => {
          const chart = g.Chart.getChart(canvas);
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let inked = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked++;
          return { type: chart?.config.type ?? null, points: chart?.data.datasets[0]?.data.length ?? 0, inked };
        });
    });
    // Cooperation of three models and distance of two over the 36 points, then TV by region.
    expect(maps.map((m) => [m.type, m.points])).toEqual([...Array(5).fill(['scatter', 36]), ['bar', 4]]);
    for (const m of maps) expect(m.inked).toBeGreaterThan(1000);
    expect(await page.locator('caption', { hasText: 'Label variants' }).count()).toBe(1);
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
