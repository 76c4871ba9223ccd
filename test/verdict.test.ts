// The verdict at a glance: the report's own figures, first in the summary, the report and the viewer.
import { describe, expect, it } from 'vitest';
import type { AssertionValueFunctionContext } from 'promptfoo';
import { alignment } from '../assertions/alignment.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { parseCheckFlag } from '../src/report/gate/checks.js';
import { evaluateChecks } from '../src/report/gate/evaluate.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import { buildReport } from '../src/report/build-report.js';
import { summariseForEval } from '../src/report/eval-summary.js';
import { renderHtml } from '../src/report/render-html.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderTerminal } from '../src/report/render-terminal.js';
import { verdictRows } from '../src/report/verdict.js';
import { viewerVerdictScores } from '../src/report/summary/viewer-scores.js';

const catalogue = defaultCatalogue();
const PAPER = 'datasets/recordings/lfb-counts.csv';
const tallies = readCountsTable(PAPER, catalogue);
const report = buildReport(
  { tallies, inputs: [{ file: PAPER, kind: 'counts-table' }] },
  { models: {}, proportionInterval: 'wilson', resamples: 300, seed: 'verdict' },
  catalogue,
);
const FT = 'llama2-7b-chat-lfb-lora';

describe('verdict rows', () => {
  it('are the report group figures, per split and student, the base beside the student', () => {
    const rows = verdictRows(report);
    expect(rows.map((r) => [r.split, r.student, r.scenarios])).toEqual([
      ['in-sample', FT, 20],
      ['oos-context', FT, 12],
    ]);
    const inSample = report.groups.find((g) => g.label === 'split=in-sample')!;
    expect(rows[0]!.closure).toBe(inSample.students[0]!.pooledGapClosure);
    expect(rows[0]!.studentTv).toBe(inSample.models.find((m) => m.model === FT)!.tv);
    expect(rows[0]!.baseTv).toBe(inSample.models.find((m) => m.model === 'llama2-7b-chat')!.tv);
    // The design notes' 35.0 % in-sample pooled gap closure; the student nearer the teacher than the base.
    expect(rows[0]!.closure.value!.toFixed(1)).toBe('35.0');
    expect(rows[0]!.studentTv!.value!).toBeLessThan(rows[0]!.baseTv!.value!);
  });
});

describe("the report's first table", () => {
  const gate = {
    file: 'release.yaml',
    outcomes: evaluateChecks(
      [
        parseCheckFlag('--min', 'paper-improvement@split=in-sample=40'),
        parseCheckFlag('--min', 'pooled-gap-closure@split=oos-context=20'),
      ],
      { report, lost: null, defaultBound: 'point' },
    ),
  };

  it('is the verdict, with the gate outcome per split when a gate is given', () => {
    const text = renderTerminal(report, gate);
    const lines = text.split('\n');
    const title = lines.findIndex((l) => l.startsWith('Verdict at a glance'));
    expect(title).toBeGreaterThan(0);
    expect(title).toBeLessThan(lines.indexOf('Models'));
    expect(lines[title + 3]).toMatch(
      new RegExp(`^in-sample +20 +${FT} +35\\.0 % \\[.*\\] +0\\.210 \\[.*\\] +0\\.313 \\[.*\\] +PASS \\(1 check\\)$`),
    );
    expect(lines[title + 4]).toMatch(/^oos-context +12 .* 15\.1 % .* FAIL \(1 of 1 check\)$/);
    expect(renderTerminal(report)).not.toMatch(/PASS \(/);
    expect(renderMarkdown(report, gate)).toMatch(
      new RegExp(
        String.raw`\n\*\*Verdict at a glance[^\n]*\*\*\n\n\| split \| scen\. \| student \| gap closed \\\[95 ` +
          String.raw`%\\\] \|.*\| gate \|\n`,
      ),
    );
    const html = renderHtml(report, gate);
    expect(html.indexOf('<caption>Verdict at a glance')).toBeLessThan(html.indexOf('<caption>Models'));
  });
});

describe('the verdict in the eval summary and the viewer', () => {
  it('puts the gap closed and the distance to the teacher on every column', () => {
    const summary = summariseForEval(tallies, catalogue);
    const scores = viewerVerdictScores(summary);
    expect(scores.get(FT)).toEqual({
      'paper_improvement_in-sample': 46.65,
      'paper_improvement_oos-context': 18.26,
      'gap_closed_pct_in-sample': 35,
      'gap_closed_pct_oos-context': 15.1,
      'tv_to_teacher_in-sample': 0.21,
      'tv_to_teacher_oos-context': 0.473,
    });
    expect(scores.get('llama2-7b-chat')).toEqual({
      'gap_closed_pct_in-sample': 0,
      'gap_closed_pct_oos-context': 0,
      'tv_to_teacher_in-sample': 0.313,
      'tv_to_teacher_oos-context': 0.557,
    });
    expect(scores.get('llama2-70b-chat')).toEqual({
      'gap_closed_pct_in-sample': 100,
      'gap_closed_pct_oos-context': 100,
    });
  });
});

describe('the alignment assertion and the viewer chips', () => {
  const context = (metric?: string) =>
    ({
      vars: { scenario: 'IR/prison' },
      config: { reference: PAPER },
      test: {
        assert: [
          { type: 'javascript', value: 'file://assertions/alignment.ts:alignment', ...(metric ? { metric } : {}) },
        ],
      },
    }) as unknown as AssertionValueFunctionContext;

  it('shows the teacher agreement once: as teacher_agreement, or under the metric name the config gives', () => {
    const named = alignment('C', context('teacher_agreement'));
    expect(named.score).toBeCloseTo(77 / 300, 12);
    expect(named.namedScores).toEqual({ teacher_agreement: named.score, cooperation: 1, parse_valid: 1 });
    const legacy = alignment('C', context('alignment'));
    expect(legacy.score).toBe(named.score);
    expect(legacy.namedScores).toEqual({ cooperation: 1, parse_valid: 1 });
    expect(alignment('C', context()).namedScores).toHaveProperty('teacher_agreement');
  });

  it('returns no named scores for a row it cannot score, naming the config', () => {
    const r = alignment('C', {
      ...context('teacher_agreement'),
      config: { reference: PAPER, maxDistnace: 0.1 },
    } as AssertionValueFunctionContext);
    expect(r.pass).toBe(false);
    expect(r.namedScores).toBeUndefined();
    expect(r.reason).toMatch(
      /^stratalign: promptfooconfig\.yaml: assert\[alignment\]\.config \(maxDistnace\): .*did you mean maxDistance\?/,
    );
  });
});
