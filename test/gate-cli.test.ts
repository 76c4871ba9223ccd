import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { studentRun } from './fixtures/report/promptfoo-results.js';
import { run } from './fixtures/report/run-cli.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const PAPER = 'datasets/recordings/lfb-counts.csv';
const FAST = ['--resamples', '300'];

describe('stratalign gate on the paper counts', () => {
  it('exits 0 when every check passes, one line per check', async () => {
    const { code, stdout } = await run(['gate', PAPER, ...FAST, '--config', 'test/fixtures/report/gate-pass.yaml']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('stratalign gate on datasets/recordings/lfb-counts.csv (data: recorded counts)');
    expect(lines.slice(1, -1)).toEqual([
      'PASS paper-improvement at split=in-sample for llama2-7b-chat-lfb-lora: point estimate 46.26 % >= min 40.00 %',
      expect.stringMatching(/^PASS pooled-gap-closure at split=in-sample for llama2-7b-chat-lfb-lora: lower 95 % bound 3\d\.\d\d % >= min 25\.00 % \(estimate 35\.01 %\)$/),
      expect.stringMatching(/^PASS tv-distance at split=in-sample for llama2-7b-chat-lfb-lora: point estimate 0\.210 <= max 0\.250$/),
    ]);
    expect(lines.at(-1)).toBe('gate passed: 3 checks');
  });

  it('exits 1 and says what failed, where and by how much', async () => {
    const { code, stdout } = await run(['gate', PAPER, ...FAST, '--config', 'test/fixtures/report/gate-fail.yaml']);
    expect(code).toBe(1);
    expect(stdout).toContain('PASS paper-improvement at split=in-sample for llama2-7b-chat-lfb-lora: point estimate 46.26 % >= min 40.00 % (paper-improvement has no interval)');
    expect(stdout).toMatch(/FAIL absolute-gap-closure at split=oos-context for llama2-7b-chat-lfb-lora: lower 95 % bound 1\d\.\d\d % < min 30\.00 % \(short by 1\d\.\d\d points; estimate 15\.10 %\)/);
    expect(stdout).toMatch(/gate FAILED: 1 of 2 checks failed\n$/);
  });

  it('checks each group a wildcard scope names, from flags', async () => {
    const { code, stdout } = await run(['gate', PAPER, ...FAST, '--min', 'paper-improvement@split=*=15', '--max', 'tv-distance@context=*=0.5']);
    expect(code).toBe(1);
    expect(stdout.match(/^PASS paper-improvement/gm)).toHaveLength(2);
    // sports (0.672) is the only context further than 0.5 from the teacher.
    expect(stdout.match(/^FAIL /gm)).toHaveLength(1);
    expect(stdout).toMatch(/FAIL tv-distance at split=oos-context,context=sports .*point estimate 0\.672 > max 0\.500 \(over by 0\.172\)/);
  });

  it('fails a check whose value is undefined rather than passing it', async () => {
    // Two scenarios are too few for a correlation: the check cannot be verified, so it fails.
    const { code, stdout } = await run(['gate', 'test/fixtures/report/public-goods-counts.csv', ...FAST, '--min', 'profile-correlation@split=pg=-1']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL profile-correlation at split=pg for student-7b: point estimate is undefined \(undefined for this group\), min -1\.000/);
  });

  it.each([
    [[], /no checks/],
    [['--min', 'paper-improvement.lower=40'], /paper-improvement has no confidence interval/],
    [['--min', 'paper-improvement@game=stag-hnt=40'], /no group of the report matches.*game prisoners-dilemma, prisoners-delight, stag-hunt, snowdrift/],
    [['--max', 'provider-errors@split=in-sample=0'], /counted over the whole run/],
    [['--min', 'pooled-gap-closure=30', '--bound', 'sometimes'], /unknown bound/],
    [['--config', 'missing.yaml'], /missing\.yaml: file not found/],
  ])('exits 2 on bad usage %j', async (args, message) => {
    const { code, stderr } = await run(['gate', PAPER, ...FAST, ...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('stratalign gate on promptfoo results', () => {
  it('fails on provider errors that a pass-rate threshold would hide, naming the first', async () => {
    const file = join(tempDir(), 'results.json');
    studentRun(file, 1);
    const { code, stdout } = await run(['gate', file, ...FAST, '--min', 'paper-improvement=10']);
    expect(code).toBe(1);
    expect(stdout).toContain('(data: replayed)');
    expect(stdout).toMatch(/^FAIL provider-errors at overall: point estimate 1 > max 0 \(over by 1; first: row 10, student <b>v2<\/b>, business\/prisoners-dilemma: API error: 503 Service Unavailable; default for promptfoo results\)$/m);
    expect(stdout).toMatch(/^PASS missing-samples at overall/m);
    expect(stdout).toMatch(/^PASS paper-improvement at overall for student <b>v2<\/b>/m);
  });

  it('passes a clean run, and a run within a limit the user set', async () => {
    const clean = join(tempDir(), 'clean.json');
    studentRun(clean, 0);
    expect((await run(['gate', clean, ...FAST, '--min', 'paper-improvement=10'])).code).toBe(0);
    const noisy = join(tempDir(), 'noisy.json');
    studentRun(noisy, 2);
    const allowed = await run(['gate', noisy, ...FAST, '--min', 'paper-improvement=10', '--max', 'provider-errors=2']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/^PASS provider-errors at overall: point estimate 2 <= max 2/m);
  });
});
