import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { parseCheckFlag } from '../src/report/gate/checks.js';
import { evaluateChecks } from '../src/report/gate/evaluate.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import { buildReport, type ReportOptions } from '../src/report/build-report.js';
import { renderHtml } from '../src/report/render-html.js';
import { renderJson } from '../src/report/render-json.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderTerminal } from '../src/report/render-terminal.js';
import type { Report } from '../src/report/types.js';
import { expandGrid } from '../src/catalogue/scenarios/scenario.js';
import { errorOf } from './helpers/error-of.js';
import { player, simulatedTallies, type SimulatedModel } from './helpers/simulated-tallies.js';

const catalogue = defaultCatalogue();
const LABELS = ['paper', 'swapped', 'neutral-jf', 'order-swapped'];
const grid = expandGrid(catalogue, { contexts: ['team'], grid: { family: 'st' }, labels: LABELS });
const options: ReportOptions = { models: {}, proportionInterval: 'wilson', resamples: 300, seed: 'probes' };

const teacher: SimulatedModel = {
  model: 'teacher [simulated]',
  role: 'teacher',
  params: player({ incentiveIfC: 0.6, incentiveIfD: 0.6 }),
};
const base: SimulatedModel = {
  model: 'base [simulated]',
  role: 'base',
  params: player({ cooperationBias: 1, incentiveIfC: 0.05, incentiveIfD: 0.05, labelBias: 1.5 }),
};

function report(student: SimulatedModel, n = 40, seed = 'r'): Report {
  return buildReport(
    {
      tallies: simulatedTallies(catalogue, grid, [base, student, teacher], n, seed),
      inputs: [{ file: 'sim', kind: 'recording' }],
    },
    options,
    catalogue,
  );
}

function gate(r: Report, flag: '--min' | '--max', text: string) {
  return evaluateChecks([parseCheckFlag(flag, text)], { report: r, lost: null, defaultBound: 'point' });
}

describe('probes in the report', () => {
  const letterStudent: SimulatedModel = {
    model: 'letters <b>|student|</b> [simulated]',
    role: 'fine-tuned',
    params: player({ cooperationBias: 0.5, incentiveIfC: 0.2, incentiveIfD: 0.2, labelBias: 1 }),
  };
  const r = report(letterStudent);

  it('adds label bias, fingerprints, grid maps and region groups for data with variants and grid points', () => {
    expect(r.probes).toBeDefined();
    expect(r.groups.map((g) => g.label)).toEqual(
      expect.arrayContaining([
        'split=grid,region=prisoners-dilemma',
        'split=grid,region=stag-hunt',
        'split=grid,region=snowdrift',
        'split=grid,region=harmony',
      ]),
    );
    const region = r.groups.find((g) => g.label === 'split=grid,region=stag-hunt')!;
    expect(region.scenarios).toBe(9 * LABELS.length);
    expect(region.students[0]!.pooledGapClosure.low).not.toBeNull();
    const split = r.groups.find((g) => g.label === 'split=grid')!;
    expect(split.models.find((m) => m.model === letterStudent.model)!.labelBias!.value).toBeGreaterThan(0.2);
    expect(r.probes!.fingerprints.map((f) => f.fingerprint.model)).toEqual([
      base.model,
      letterStudent.model,
      teacher.model,
    ]);
    expect(r.probes!.comparisons.map((c) => c.model)).toEqual([base.model, letterStudent.model]);
    const map = r.probes!.maps[0]!;
    expect(map).toMatchObject({ family: 'st', x: { letter: 'S' }, y: { letter: 'T' }, teacher: teacher.model });
    expect(map.points).toHaveLength(36);
    expect(map.distance.map((d) => d.model)).toEqual([base.model, letterStudent.model]);
    // Each map cell pools the point over contexts and label variants.
    expect(map.cooperation[0]!.cells[0]!.answers).toBe(40 * LABELS.length);
  });

  it('keeps the paper data report exactly as it was: no probes, no region groups', () => {
    const plain = buildReport(
      {
        tallies: readCountsTable('datasets/recordings/lfb-counts.csv', catalogue),
        inputs: [{ file: 'lfb', kind: 'counts-table' }],
      },
      options,
      catalogue,
    );
    expect('probes' in plain).toBe(false);
    expect(plain.groups.some((g) => g.key.region !== undefined)).toBe(false);
    expect(renderJson(plain)).not.toMatch(/labelBias|region/);
    // Asked for, the fingerprint reads the paper's teacher from its 20 + 12 scenarios, labels unidentified.
    const asked = buildReport(
      {
        tallies: readCountsTable('datasets/recordings/lfb-counts.csv', catalogue),
        inputs: [{ file: 'lfb', kind: 'counts-table' }],
      },
      { ...options, probes: true },
      catalogue,
    );
    const f = asked.probes!.fingerprints.find(
      (x) => x.split === 'in-sample' && x.fingerprint.model === 'llama2-70b-chat',
    )!.fingerprint;
    expect(f.parameters.find((p) => p.name === 'labelBias')!.estimate).toBeNull();
    expect(f.parameters.find((p) => p.name === 'incentiveIfC')!.estimate).not.toBeNull();
  });

  it('renders the probes in every format, escaping model labels', () => {
    const text = renderTerminal(r);
    expect(text).toMatch(/Label variants: cooperation % per variant/);
    expect(text).toMatch(/Fingerprint: P\(C\) = logistic/);
    expect(text).toMatch(/Payoff regions/);
    expect(text).toMatch(
      /Grid st \(Sucker-temptation plane; R=10, P=5\), split grid: cooperation of teacher teacher \[simulated\]/,
    );
    expect(text).toMatch(/T \\ S\s+0\s+2\s+4\s+6\s+8\s+10/);
    const md = renderMarkdown(r);
    expect(md).toContain('## Validity probes');
    expect(md).toContain('letters &lt;b&gt;\\|student\\|&lt;/b&gt; \\[simulated\\]');
    // Only the grid maps' code block holds the label as written: a fence shows HTML as text.
    const [, fenced = '', after = ''] = md.split(/```text\n|\n```\n/);
    expect(md.split('```text')[0]).not.toContain('<b>');
    expect(after).not.toContain('<b>');
    expect(fenced).toContain('letters <b>|student|</b> [simulated]');
    const html = renderHtml(r);
    expect(html).not.toContain('<b>|student|</b>');
    expect(html).toContain('letters &lt;b&gt;|student|&lt;/b&gt; [simulated]');
    const data = JSON.parse(
      /<script type="application\/json" id="report-data">(.*?)<\/script>/s
        .exec(html)![1]!
        .replace(/\\u003c/g, '<')
        .replace(/\\u003e/g, '>')
        .replace(/\\u0026/g, '&'),
    );
    const maps = data.charts.filter((c: { kind: string }) => c.kind === 'gridmap');
    // Cooperation of three models, distance of two.
    expect(maps).toHaveLength(5);
    expect(maps[0].cells[0]).toMatchObject({ x: '0', y: '5', region: 'stag-hunt' });
    // Grid points and label variants are not drawn on the context x game heat maps.
    expect(data.charts.filter((c: { kind: string }) => c.kind === 'heatmap')).toHaveLength(0);
  });

  it('fails a student that follows letters and passes one that follows payoffs, as their parameters say', () => {
    const fair: SimulatedModel = {
      model: 'fair [simulated]',
      role: 'fine-tuned',
      params: player({ incentiveIfC: 0.6, incentiveIfD: 0.6 }),
    };
    const [biased] = gate(r, '--max', 'label-bias@split=*=0.08');
    expect(biased).toMatchObject({ pass: false, where: 'split=grid', model: letterStudent.model });
    const good = report(fair, 100, 'fair');
    expect(gate(good, '--max', 'label-bias@split=*=0.08')[0]).toMatchObject({ pass: true });
    expect(gate(good, '--max', 'follows-letter@split=grid=10')[0]).toMatchObject({ pass: true });
    expect(gate(r, '--max', 'follows-letter@split=grid=10')[0]).toMatchObject({ pass: false });
  });

  it('gates a payoff region on what the student closes there: a teacher copy all, a base copy nothing', () => {
    const copy: SimulatedModel = { model: 'copy [simulated]', role: 'fine-tuned', params: teacher.params };
    const stuck: SimulatedModel = { model: 'stuck [simulated]', role: 'fine-tuned', params: base.params };
    for (const region of ['stag-hunt', 'prisoners-dilemma']) {
      expect(
        gate(report(copy, 40, `copy/${region}`), '--min', `pooled-gap-closure.lower@region=${region}=70`)[0],
      ).toMatchObject({ pass: true });
      expect(
        gate(report(stuck, 40, `stuck/${region}`), '--min', `pooled-gap-closure.upper@region=${region}=30`)[0],
      ).toMatchObject({ pass: false });
    }
    expect(gate(report(copy), '--max', 'tv-distance.upper@region=*=0.1').map((o) => o.pass)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('explains scopes it cannot serve', () => {
    expect(errorOf(() => parseCheckFlag('--max', 'label-bias@region=stag-hunt,game=prison=0.1')).message).toMatch(
      /payoff regions within a split only/,
    );
    expect(errorOf(() => gate(r, '--max', 'tv-distance@region=deadlock=0.1')).message).toMatch(
      /no group of the report matches.*region prisoners-dilemma, stag-hunt, snowdrift, harmony/,
    );
    const plain = buildReport(
      {
        tallies: readCountsTable('datasets/recordings/lfb-counts.csv', catalogue),
        inputs: [{ file: 'lfb', kind: 'counts-table' }],
      },
      options,
      catalogue,
    );
    expect(errorOf(() => gate(plain, '--max', 'tv-distance@region=stag-hunt=0.1')).message).toMatch(
      /region groups exist only in data with payoff-grid points/,
    );
    const [noVariants] = gate(plain, '--max', 'label-bias@split=in-sample=0.1');
    expect(noVariants).toMatchObject({ pass: false, value: null });
    expect(noVariants!.detail).toMatch(/no label variants to compare/);
  });
});
