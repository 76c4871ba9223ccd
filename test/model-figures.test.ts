import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import type { Tally } from '../src/recordings/types.js';
import { buildReport } from '../src/report/build-report.js';
import { summariseForEval } from '../src/report/eval-summary.js';
import { evaluateChecks } from '../src/report/gate/evaluate.js';
import type { Check } from '../src/report/gate/checks.js';
import type { MetricName } from '../src/report/gate/metrics.js';
import { renderJson } from '../src/report/render-json.js';
import { modelsTable, summaryTable } from '../src/report/tables.js';
import { verdictRows } from '../src/report/verdict.js';
import type { Estimate, GroupRow, Report } from '../src/report/types.js';

const catalogue = defaultCatalogue();
// The paper's counts with a few recorded parse failures, so parse rates exist in every renderer.
const tallies: Tally[] = readCountsTable('datasets/recordings/lfb-counts.csv', catalogue).map((t, i) => ({
  ...t,
  failures: { 'no-choice': i % 3 },
  failuresRecorded: true,
}));
const SEED = 'figures';
const RESAMPLES = 200;
const STUDENT = 'llama2-7b-chat-lfb-lora';
const BASE = 'llama2-7b-chat';

function report(): Report {
  // The settings summariseForEval uses, so the two build the same report from the same tallies.
  return buildReport(
    { tallies, inputs: [{ file: 'the eval results', kind: 'promptfoo-results' }] },
    { models: {}, proportionInterval: 'hybrid', resamples: RESAMPLES, seed: SEED },
    catalogue,
  );
}

function gateEstimate(r: Report, metric: MetricName, split: string, model: string): Estimate | null {
  const check: Check = { metric, scope: { split }, bound: 'point', min: -1e9, origin: 'test' };
  const outcome = evaluateChecks([check], { report: r, lost: null, defaultBound: 'point' }).find(
    (o) => o.model === model,
  );
  return outcome?.estimate ?? null;
}

const group = (r: { groups: GroupRow[] }, label: string) => r.groups.find((g) => g.label === label)!;

describe('one per-model figures type', () => {
  const summary = summariseForEval(tallies, catalogue, { resamples: RESAMPLES, seed: SEED });
  const built = report();
  const json = JSON.parse(renderJson(built)) as Report;

  it('gives the summary, the report JSON and the gate the same numbers for a model from the same tallies', () => {
    expect(summary.error).toBeUndefined();
    const split = 'in-sample';
    const label = `split=${split}`;
    const fromSummary = summary.splits.find((s) => s.split === split)!.students.find((s) => s.model === STUDENT)!;
    const jsonStudent = group(json, label).students.find((s) => s.model === STUDENT)!;
    const jsonModel = group(json, label).models.find((m) => m.model === STUDENT)!;

    expect(fromSummary.student.pooledGapClosure).toEqual(jsonStudent.pooledGapClosure);
    expect(gateEstimate(built, 'pooled-gap-closure', split, STUDENT)).toEqual(jsonStudent.pooledGapClosure);
    expect(fromSummary.student.absoluteGapClosure).toEqual(jsonStudent.absoluteGapClosure);
    expect(gateEstimate(built, 'absolute-gap-closure', split, STUDENT)).toEqual(jsonStudent.absoluteGapClosure);
    expect(fromSummary.student.paperImprovement.value).toBe(jsonStudent.paperImprovement.value);
    expect(gateEstimate(built, 'paper-improvement', split, STUDENT)!.value).toBe(jsonStudent.paperImprovement.value);
    for (const metric of ['tv', 'js', 'profileCorrelation'] as const)
      expect(fromSummary[metric]).toEqual(jsonModel[metric]);
    expect(gateEstimate(built, 'tv-distance', split, STUDENT)).toEqual(jsonModel.tv);
    expect(gateEstimate(built, 'js-distance', split, STUDENT)).toEqual(jsonModel.js);
    expect(gateEstimate(built, 'profile-correlation', split, STUDENT)).toEqual(jsonModel.profileCorrelation);

    // Cooperation and parse quality per model over all answers: summary table row, report JSON, gate.
    const overall = group(json, 'overall');
    for (const m of summary.models) {
      const row = overall.models.find((x) => x.model === m.model)!;
      expect([m.valid, m.failures]).toEqual([row.valid, row.failures]);
      expect(m.cooperation).toEqual(row.cooperation);
      expect(m.parseRate).toEqual(row.parseRate);
      expect(m.parseRate).not.toBeNull();
      const gate = gateEstimate(built, 'parse-rate', split, m.model)!;
      const inSplit = group(json, label).models.find((x) => x.model === m.model)!.parseRate!;
      expect(gate.value).toBeCloseTo(100 * inSplit.value!, 12);
    }
    // The verdict the summary prints first is the same figures again.
    const verdict = summary.verdict!.find((v) => v.split === split && v.student === STUDENT)!;
    expect(verdict.closure).toEqual(jsonStudent.pooledGapClosure);
    expect(verdict.studentTv).toEqual(jsonModel.tv);
    expect(verdict.baseTv).toEqual(group(json, label).models.find((m) => m.model === BASE)!.tv);
  });

  it('makes the gate and the report tables follow the report figures, not numbers of their own', () => {
    const r = report();
    const figure = (label: string, model: string) => r.figures.find((f) => f.group === label && f.model === model)!;
    // Plant values no computation can give in the figures the report carries; every reader must show them.
    figure('split=in-sample', STUDENT).student!.pooledGapClosure = {
      value: 1234.5,
      low: 1000,
      high: 1500,
      method: 'planted',
    };
    figure('overall', BASE).valid = 987654;
    expect(gateEstimate(r, 'pooled-gap-closure', 'in-sample', STUDENT)!.value).toBe(1234.5);
    const closureColumn = summaryTable(r, STUDENT, true).header.indexOf('pooled closure [95 %]');
    const row = summaryTable(r, STUDENT, true).rows.find((x) => x[0] === 'split=in-sample')!;
    expect(row[closureColumn]).toMatch(/^1234\.5/);
    expect(modelsTable(r).rows.find((x) => x[1] === BASE)![3]).toBe('987654');
    const verdict = verdictRows(r).find((v) => v.split === 'in-sample' && v.student === STUDENT)!;
    expect(verdict.closure.value).toBe(1234.5);
  });

  it('joins every model of every group once, students with their closure and the others without', () => {
    const all = built.figures;
    expect(all).toHaveLength(built.groups.length * built.models.length);
    expect(all.map((f) => f.group)).toEqual(built.groups.flatMap((g) => built.models.map(() => g.label)));
    for (const f of all) expect(f.student === null).toBe(f.role !== 'student');
  });

  it('keeps the figures out of the report JSON, which publishes the same numbers in its groups', () => {
    expect(json).not.toHaveProperty('figures');
    expect(Object.keys(json)).toEqual(Object.keys(built).filter((k) => k !== 'figures'));
  });
});
