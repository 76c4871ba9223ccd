import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import { referenceFromTallies } from '../src/reference/read-reference.js';
import { ENVELOPE_TAG, formatEnvelope } from '../src/samples/envelope.js';
import { improvementBySplit, summariseModels } from '../src/summary/model-summary.js';
import { renderSummary } from '../src/summary/render-summary.js';
import { tallyOutputs, type OutputRow } from '../src/summary/tally-outputs.js';

const catalogue = defaultCatalogue();
const paper = readCountsTable('datasets/recordings/lfb-counts.csv', catalogue);

describe('end-of-eval summary', () => {
  it("reproduces the paper's headline figures from its recorded counts", () => {
    const bySplit = Object.fromEntries(improvementBySplit(paper, catalogue).map((s) => [s.split, s]));
    expect(bySplit['in-sample']!.paper!.toFixed(2)).toBe('46.26');
    expect(bySplit['oos-context']!.paper!.toFixed(2)).toBe('17.90');
    expect(bySplit['in-sample']!.pooled!.toFixed(1)).toBe('35.0');
    expect(bySplit['in-sample']!.scenarios).toBe(20);
  });

  it('summarises cooperation and agreement per model, the teacher agreeing with itself most', () => {
    const reference = referenceFromTallies(paper, { role: 'teacher' }, { origin: 'lfb', catalogue: catalogue.version });
    const models = summariseModels(paper, reference, catalogue);
    const teacher = models.find((m) => m.role === 'teacher')!;
    const base = models.find((m) => m.role === 'base')!;
    expect(teacher.agreement!).toBeGreaterThan(base.agreement!);
    expect(base.cooperation!).toBeGreaterThan(teacher.cooperation!);
    expect(base.valid).toBe(32 * 300 - 10);
  });

  it('tallies plain answers and envelopes, counting lost answers separately from exhausted replays', () => {
    const env = (missing: { count: number; reasons: string[] }) =>
      formatEnvelope({ stratalign: ENVELOPE_TAG, note: 'n', source: 'live', mode: 'multi', scenario: 'business/prisoners-dilemma', model: 'm', role: 'base', requested: 2 + missing.count, samples: [{ text: 'C' }, { text: 'I refuse to answer.' }], missing });
    const rows: OutputRow[] = [
      { model: 'm', role: 'base', scenario: 'biz/prison', split: 's', output: 'D', error: undefined },
      { model: 'm', role: 'base', scenario: 'biz/prison', split: 's', output: env({ count: 1, reasons: ['HTTP 503'] }), error: undefined },
      { model: 'm', role: 'base', scenario: 'biz/prison', split: 's', output: env({ count: 2, reasons: ['recording exhausted: it holds 2 answers'] }), error: undefined },
      { model: 'm', role: 'base', scenario: 'biz/prison', split: 's', output: undefined, error: 'connection refused' },
    ];
    const { tallies, lost } = tallyOutputs(rows, catalogue);
    expect(tallies).toHaveLength(1);
    expect(tallies[0]!.counts).toEqual({ C: 2, D: 1 });
    expect(tallies[0]!.failures).toEqual({ refusal: 2 });
    expect(lost.get('m')).toEqual({ providerErrors: 1, missingSamples: 1, invalidOutputs: 0, exhaustedReplays: 2 });
    const text = renderSummary(summariseModels(tallies, null, catalogue), [], lost, null);
    expect(text).toMatch(/LOST ANSWERS for m: 1 provider error row\(s\), 1 missing sample\(s\)/);
    expect(text).toMatch(/beyond its recording \(replay exhausted; not counted as lost\)/);
  });

  it('strips terminal control sequences from model labels', () => {
    const { tallies, lost } = tallyOutputs([{ model: 'evil\u001b[2Jlabel', role: null, scenario: 'biz/prison', split: 's', output: 'C', error: undefined }], catalogue);
    expect(renderSummary(summariseModels(tallies, null, catalogue), [], lost, null)).not.toContain('\u001b');
  });
});
