import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { parseCheckFlag } from '../src/report/gate/checks.js';
import { evaluateChecks } from '../src/report/gate/evaluate.js';
import { parseCountsTable, readCountsTable } from '../src/recordings/counts-table.js';
import { loadTallies } from '../src/recordings/load-tallies.js';
import { buildReport } from '../src/report/build-report.js';
import { renderHtml } from '../src/report/render-html.js';
import { renderJson } from '../src/report/render-json.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderTerminal } from '../src/report/render-terminal.js';
import type { Report } from '../src/report/types.js';
import { useTempDirs } from './helpers/temp-dir.js';

const catalogue = defaultCatalogue();
const tempDir = useTempDirs();
const options = { models: {}, proportionInterval: 'wilson' as const, resamples: 300, seed: 'render' };
const PAPER = 'datasets/recordings/lfb-counts.csv';
const paper = buildReport(
  { tallies: readCountsTable(PAPER, catalogue), inputs: [{ file: PAPER, kind: 'counts-table' }] },
  options,
  catalogue,
);

const EVIL = '<script>alert("x")</script>|*[a](http://e)\u001b[31mred';

/** The paper's counts with the student renamed to a hostile label. */
function hostileReport(): Report {
  const tallies = readCountsTable(PAPER, catalogue).map((t) => (t.role === 'fine-tuned' ? { ...t, model: EVIL } : t));
  return buildReport({ tallies, inputs: [{ file: PAPER, kind: 'counts-table' }] }, options, catalogue);
}

describe('terminal rendering', () => {
  const text = renderTerminal(paper);

  it("shows the paper's headline beside the companions, with intervals and the source", () => {
    expect(text).toMatch(/split=in-sample\s+20\s+46\.65 %\s+46\.26 %\s+4\s+35\.0 % \[\d+\.\d, \d+\.\d\]/);
    expect(text).toMatch(/split=oos-context\s+12\s+18\.26 %\s+17\.90 %/);
    expect(text).toMatch(/paper impr\.\s+as published/);
    expect(text).toContain('RECORDED DATA');
    expect(text).toContain('(data: recorded counts)');
  });

  it('flags team / prisoners-delight as a non-significant gap next to its 200 %', () => {
    expect(text).toMatch(/team\/prisoners-delight\s+n\.s\. p=0\.491.*200\.00 %/);
    expect(text).toContain(
      'n.s. gap in split=in-sample: friends/snowdrift, team/prisoners-dilemma, team/prisoners-delight, team/stag-hunt',
    );
  });

  it('cannot be rewritten by escape sequences in model labels', () => {
    const hostile = renderTerminal(hostileReport());
    expect(hostile).not.toContain('\u001b');
    expect(hostile).toContain('alert');
  });
});

describe('what the tables leave out, they say', () => {
  it('shows parse failures and parse rate of counts without failure columns as not recorded, not 0 and 100 %', () => {
    const text = renderTerminal(paper);
    expect(text).toMatch(
      /^base\s+llama2-7b-chat\s+recorded counts\s+9590\s+n\/a \(not recorded\)\s+n\/a \(not recorded\)$/m,
    );
    expect(text).not.toContain('100.0 % [100.0, 100.0]');
  });

  it("says over how many scenarios the paper's mean runs when a zero gap leaves one out", () => {
    // team/prisoners-delight: the teacher given the base's 237 C answers, so its improvement is undefined.
    const tallies = readCountsTable(PAPER, catalogue).map((t) =>
      t.role === 'teacher' && t.scenario === 'team/prisoners-delight' ? { ...t, counts: { C: 237, D: 63 } } : t,
    );
    const text = renderTerminal(
      buildReport({ tallies, inputs: [{ file: PAPER, kind: 'counts-table' }] }, options, catalogue),
    );
    expect(text).toMatch(/^split=in-sample\s+20\s+\d+\.\d\d % \(19 of 20\)/m);
    expect(text).toMatch(/^split=oos-context\s+12\s+18\.26 %\s+17\.90 %\s/m);
  });

  it('withholds an interval when the statistic is undefined in more than 5 % of resamples, and says so', () => {
    // The student's C shares 0, 0, 0.1 (of 10): shares of 0 redraw to themselves, so the profile is flat,
    // and its correlation undefined, whenever the third scenario redraws 0 C (0.9^10 = 35 % of resamples).
    const rows = [
      ['biz', 'prison', 8, 0, 4],
      ['team', 'staghunt', 9, 0, 6],
      ['friendsharing', 'snowdrift', 7, 1, 2],
    ];
    const csv = [
      'split,context,game,payoff_scale,model,role,C,D',
      ...rows.flatMap(([ctx, game, b, st, t]) => [
        `s,${ctx},${game},1,base,base,${b},${10 - Number(b)}`,
        `s,${ctx},${game},1,student,fine-tuned,${st},${10 - Number(st)}`,
        `s,${ctx},${game},1,teacher,teacher,${t},${10 - Number(t)}`,
      ]),
    ].join('\n');
    const r = buildReport(
      { tallies: parseCountsTable(csv, 'flat.csv', catalogue), inputs: [{ file: 'flat.csv', kind: 'counts-table' }] },
      options,
      catalogue,
    );
    const profile = r.groups.find((g) => g.label === 'split=s')!.models.find((m) => m.model === 'student')!
      .profileCorrelation!;
    expect(profile.value).not.toBeNull();
    expect(profile.low).toBeNull();
    expect(profile.undefinedResamples! / 300).toBeGreaterThan(0.25);
    expect(profile.note).toMatch(/^interval withheld: the statistic is undefined in \d+\.\d % of resamples$/);
    expect(renderTerminal(r)).toMatch(
      /\d\.\d\d \(interval withheld: the statistic is undefined in \d+\.\d % of resamples\)/,
    );
    const [outcome] = evaluateChecks([parseCheckFlag('--min', 'profile-correlation.lower@split=s=-1')], {
      report: r,
      lost: null,
      defaultBound: 'point',
    });
    expect(outcome).toMatchObject({ pass: false, value: null, detail: profile.note });
  });

  it('shows no zero-width interval for one answer or answers without spread', () => {
    const r = buildReport(
      {
        tallies: readCountsTable('test/fixtures/report/public-goods-counts.csv', catalogue),
        inputs: [{ file: 'pg.csv', kind: 'counts-table' }],
      },
      options,
      catalogue,
    );
    // team: the student donated $5 all 100 times: an exact bound, not [50.0, 50.0].
    const student = r.scenarios.find((s) => s.scenario === 'team/public-goods')!.models[1]!;
    expect(student.cooperation!.method).toBe('exact bound (no spread)');
    expect(student.cooperation!.low!).toBeLessThan(0.5);
    expect(student.cooperation!.high!).toBeGreaterThan(0.5);
    const one = buildReport(
      {
        tallies: readCountsTable('test/fixtures/report/public-goods-counts.csv', catalogue).map((t) =>
          t.model === 'base-7b' && t.scenario === 'team/public-goods'
            ? { ...t, counts: { ...t.counts, 4: 1, 6: 0 } }
            : t,
        ),
        inputs: [{ file: 'pg.csv', kind: 'counts-table' }],
      },
      options,
      catalogue,
    );
    expect(renderTerminal(one)).toMatch(/40\.0 % \(no interval: one answer\) mean 4\.00/);
  });
});

describe('Markdown rendering', () => {
  it('has tables for CI summaries, the definitions, and the source label', () => {
    const md = renderMarkdown(paper);
    expect(md).toMatch(/^# stratalign report/);
    expect(md).toContain('| split=in-sample | 20 | 46.65 % | 46.26 % |');
    expect(md).toContain('**paper-improvement**');
    expect(md).toContain('recorded counts');
  });

  it('escapes hostile labels: no HTML, no link, no extra table cell', () => {
    const md = renderMarkdown(hostileReport());
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;');
    expect(md).toContain('\\|\\*\\[a\\]');
    expect(md).not.toContain('\u001b');
  });
});

describe('JSON rendering', () => {
  it('round-trips the versioned report', () => {
    const parsed = JSON.parse(renderJson(paper)) as Report;
    expect(parsed.schema).toBe('stratalign.report/v3');
    expect(parsed.settings.bootstrap).toMatchObject({ resamples: 300, seed: 'render' });
    const paperMetric = parsed.groups.find((g) => g.label === 'split=in-sample')!.students[0]!.paperImprovement;
    expect([paperMetric.value!.toFixed(2), paperMetric.asPublished.value!.toFixed(2)]).toEqual(['46.65', '46.26']);
  });
});

describe('HTML rendering', () => {
  const html = renderHtml(hostileReport());

  it('escapes every label in the markup and in the embedded data', () => {
    expect(html).not.toContain(EVIL);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    const data = html.slice(
      html.indexOf('<script type="application/json"'),
      html.indexOf('</script>', html.indexOf('<script type="application/json"')),
    );
    expect(data).toContain('\\u003cscript\\u003e');
    expect(data).not.toMatch(/<script>alert/);
    // Three script elements: the data block, Chart.js and the chart code; none from data.
    expect(html.match(/<script/g)).toHaveLength(3);
  });

  it('is self-contained and lets only its own scripts run', () => {
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/cdn/i);
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline).toHaveLength(2);
    for (const script of inline)
      expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(inline[0]).toContain('Chart.js v4.6.1');
  });
});

describe('replayed data', () => {
  it('is labelled "replayed" in every output', async () => {
    const dir = tempDir();
    const file = join(dir, 'replayed.jsonl');
    const lines: string[] = [];
    const add = (model: string, role: string, scenario: string, choice: string, source: string) =>
      lines.push(
        JSON.stringify({
          schema: 'stratalign.sample/v1',
          scenario,
          split: 'in-sample',
          model,
          role,
          text: null,
          parse: { ok: true, action: choice, rule: 'recorded-choice', evidence: '' },
          provenance: { source, origin: 'test' },
        }),
      );
    for (const scenario of ['business/prisoners-dilemma', 'team/stag-hunt', 'friends/snowdrift']) {
      for (let i = 0; i < 20; i++) {
        add('base', 'base', scenario, i < 16 ? 'C' : 'D', 'replay');
        add('student', 'fine-tuned', scenario, i < 12 ? 'C' : 'D', 'live');
        add('teacher', 'teacher', scenario, i < 6 ? 'C' : 'D', 'replay');
      }
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    const loaded = await loadTallies(file, catalogue);
    expect(loaded.kind).toBe('recording');
    const r = buildReport({ tallies: loaded.tallies, inputs: [{ file, kind: loaded.kind }] }, options, catalogue);
    expect(r.models.map((m) => m.sourceLabel)).toEqual(['replayed', 'live', 'replayed']);
    for (const out of [renderTerminal(r), renderMarkdown(r), renderHtml(r), renderJson(r)])
      expect(out).toContain('replayed');
    expect(renderTerminal(r)).toContain('RECORDED DATA: numbers of base, teacher are replayed');
  });
});
