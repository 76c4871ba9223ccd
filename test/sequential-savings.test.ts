import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { parseCountsTable, readCountsTable } from '../src/recordings/counts-table.js';
import { sequentialSavings, type SavingsOptions } from '../src/eval/sequential/savings.js';
import { run } from './helpers/run-cli.js';
import { useTempDirs } from './helpers/temp-dir.js';

const catalogue = defaultCatalogue();
const OPTIONS: SavingsOptions = {
  tolerance: 0.1,
  level: 0.95,
  runs: 100,
  seed: 1,
  batch: 10,
  cap: 300,
  fixedCalls: 300,
  reference: { role: 'teacher' },
  origin: 'test.csv',
};

const TABLE = [
  'split,context,game,payoff_scale,model,role,C,D',
  'in-sample,IR,prison,1,far,base,270,30',
  'in-sample,IR,prison,1,close,fine-tuned,95,205',
  'in-sample,IR,prison,1,teacher,teacher,90,210',
  'in-sample,biz,prison,1,far,base,280,20',
  'in-sample,biz,prison,1,close,fine-tuned,0,300',
  'in-sample,biz,prison,1,teacher,teacher,0,300',
].join('\n');

describe('sequentialSavings', () => {
  const tallies = parseCountsTable(TABLE, 'test.csv', catalogue);

  it('spends few calls where the model is far from the teacher and judges decisions against the recorded truth', () => {
    const report = sequentialSavings(tallies, catalogue, OPTIONS);
    const far = report.models.find((m) => m.label === 'far')!;
    expect(far.meanCalls).toBeLessThan(40);
    expect(far.sequential.correct).toBe(1);
    expect(report.scenarios.filter((s) => s.model === 'far').every((s) => s.side === 'outside')).toBe(true);
    const close = report.scenarios.find((s) => s.model === 'close' && s.scenario === 'business/prisoners-dilemma')!;
    expect(close).toMatchObject({ truth: 0, reference: 0, distance: 0, side: 'within' });
    expect(close.sequential.wrong).toBe(0);
  });

  it("redraws the teacher's share in every run when asked, so its noise is in the decisions", () => {
    const fixed = sequentialSavings(tallies, catalogue, OPTIONS);
    const redrawn = sequentialSavings(tallies, catalogue, { ...OPTIONS, teacherAnswers: 300 });
    const far = (r: typeof fixed) => r.models.find((m) => m.label === 'far')!;
    expect(far(redrawn).sequential.correct).toBe(1);
    // Without an exact reference there is no single exact expectation to show.
    expect(redrawn.scenarios.every((s) => s.sequential.exactMeanCalls === null)).toBe(true);
    // The close student (0.317 against 0.3) needs more calls when the teacher's noise counts too.
    const close = (r: typeof fixed) =>
      r.scenarios.find((s) => s.model === 'close' && s.scenario === 'international-relations/prisoners-dilemma')!
        .sequential.meanCalls;
    expect(close(redrawn)).toBeGreaterThanOrEqual(close(fixed));
    expect(() => sequentialSavings(tallies, catalogue, { ...OPTIONS, teacherAnswers: 0 })).toThrow(
      /teacher's number of answers/,
    );
  });

  it('leaves the reference model out of the gated summary but not out of the overall one', () => {
    const report = sequentialSavings(tallies, catalogue, OPTIONS);
    expect(report.referenceModel).toBe('teacher');
    expect(report.gated!.scenarios).toBe(4);
    expect(report.all.scenarios).toBe(6);
    const mean = (label: string) => report.models.find((m) => m.label === label)!.meanCalls;
    expect(report.gated!.meanCalls).toBeCloseTo((mean('far') + mean('close')) / 2, 9);
  });

  it('agrees with the exact expectation up to simulation error, and repeats itself for the same seed', () => {
    const report = sequentialSavings(tallies, catalogue, OPTIONS);
    for (const row of report.scenarios)
      expect(Math.abs(row.sequential.meanCalls - row.sequential.exactMeanCalls!)).toBeLessThan(25);
    expect(sequentialSavings(tallies, catalogue, OPTIONS)).toEqual(report);
    expect(sequentialSavings(tallies, catalogue, { ...OPTIONS, seed: 2 }).all.meanCalls).not.toBe(report.all.meanCalls);
  });

  it(
    "settles the paper's gate (tolerance 0.1, 95 %) for the students with at most half the calls " + 'of the fixed 300',
    () => {
      const paper = readCountsTable('datasets/recordings/lfb-counts.csv', catalogue);
      const report = sequentialSavings(paper, catalogue, {
        ...OPTIONS,
        runs: 40,
        origin: 'datasets/recordings/lfb-counts.csv',
      });
      expect(report.scenarios).toHaveLength(96);
      expect(report.gated!.callRatio).toBeLessThanOrEqual(0.5);
      expect(report.all.sequential.wrong).toBeLessThanOrEqual(0.05);
    },
  );
});

describe('stratalign sequential-savings', () => {
  const tempDir = useTempDirs();

  const cli = (args: string[], cwd: string) => run(['sequential-savings', ...args], cwd);

  it('prints the summary with the data labelled as recorded and the draws as simulated', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'counts.csv'), TABLE);
    const { code, stdout: out } = await cli(['--counts', 'counts.csv', '--runs', '20', '--scenarios'], dir);
    expect(code).toBe(0);
    expect(out).toContain('RECORDED distributions (counts.csv) with SIMULATED draws');
    expect(out).toMatch(/Gated models \(all but teacher\): [\d.]+ mean calls per scenario = 0\.\d{3} of the fixed 300/);
    expect(out).toMatch(/in-sample business\/prisoners-dilemma/);
  });

  it("reads the paper's counts by default from any working directory", async () => {
    const { code, stdout } = await cli(['--runs', '2'], tempDir());
    expect(code).toBe(0);
    expect(stdout).toContain('RECORDED distributions (datasets/recordings/lfb-counts.csv) with SIMULATED draws');
  });

  it('exits 2 with the reason for bad arguments and bad values', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'counts.csv'), TABLE);
    const unknown = await cli(['--bogus'], dir);
    expect(unknown.code).toBe(2);
    const runs = await cli(['--counts', 'counts.csv', '--runs', '0'], dir);
    expect(runs).toMatchObject({ code: 2 });
    expect(runs.stderr).toContain('--runs must be a whole number');
    const tolerance = await cli(['--counts', 'counts.csv', '--tolerance', '1.5'], dir);
    expect(tolerance.code).toBe(2);
    expect(tolerance.stderr).toContain('tolerance must lie strictly between 0 and 1');
    const missing = await cli(['--counts', 'nope.csv'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.csv');
    const role = await cli(['--counts', 'counts.csv', '--reference-role', 'oracle'], dir);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('no answers of role "oracle"');
  });
});
