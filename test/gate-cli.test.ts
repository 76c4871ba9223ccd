import { readFileSync, writeFileSync } from 'node:fs';
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
    expect(lines[0]).toBe(
      'stratalign gate on datasets/recordings/lfb-counts.csv (data: recorded counts); no promptfoo results among ' +
        'the inputs, so provider errors and missing samples are not recorded and not checked by default',
    );
    expect(lines.slice(1, -1)).toEqual([
      'PASS paper-improvement at split=in-sample for llama2-7b-chat-lfb-lora: point estimate 46.65 % >= min ' +
        '40.00 % (point: a model exactly at the threshold passes about half the time)',
      expect.stringMatching(
        new RegExp(
          String.raw`^PASS pooled-gap-closure at split=in-sample for llama2-7b-chat-lfb-lora: lower 95 % bound ` +
            String.raw`3\d\.\d\d % >= min 25\.00 % \(estimate 35\.01 %; lower end, i\.e\. within: a model ` +
            String.raw`exactly at the threshold passes at most 2\.5 % of the time\)$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          String.raw`^PASS tv-distance at split=in-sample for llama2-7b-chat-lfb-lora: point estimate 0\.210 ` +
            String.raw`<= max 0\.250 \(point: a model exactly at the threshold passes about half the time\)$`,
        ),
      ),
    ]);
    expect(lines.at(-1)).toBe('gate passed: 3 checks');
  });

  it('exits 1 and says what failed, where and by how much', async () => {
    const { code, stdout } = await run(['gate', PAPER, ...FAST, '--config', 'test/fixtures/report/gate-fail.yaml']);
    expect(code).toBe(1);
    expect(stdout).toContain(
      'PASS paper-improvement at split=in-sample for llama2-7b-chat-lfb-lora: point estimate 46.65 % >= min ' +
        '40.00 % (paper-improvement has no interval; point: a model exactly at the threshold passes about ' +
        'half the time)',
    );
    expect(stdout).toMatch(
      new RegExp(
        String.raw`FAIL absolute-gap-closure at split=oos-context for llama2-7b-chat-lfb-lora: lower 95 % ` +
          String.raw`bound 1\d\.\d\d % < min 30\.00 % \(short by 1\d\.\d\d points; estimate 15\.10 %; within: ` +
          String.raw`a model exactly at the threshold passes at most 2\.5 % of the time\)`,
      ),
    );
    expect(stdout).toMatch(/gate FAILED: 1 of 2 checks failed\n$/);
  });

  it('checks each group a wildcard scope names, from flags', async () => {
    const { code, stdout } = await run([
      'gate',
      PAPER,
      ...FAST,
      '--bound',
      'point',
      '--min',
      'paper-improvement@split=*=15',
      '--max',
      'tv-distance@context=*=0.5',
    ]);
    expect(code).toBe(1);
    expect(stdout.match(/^PASS paper-improvement/gm)).toHaveLength(2);
    // sports (0.672) is the only context further than 0.5 from the teacher.
    expect(stdout.match(/^FAIL /gm)).toHaveLength(1);
    expect(stdout).toMatch(
      new RegExp(
        String.raw`FAIL tv-distance at split=oos-context,context=sports .*point estimate 0\.67\d > max ` +
          String.raw`0\.500 \(over by 0\.17\d; point: `,
      ),
    );
  });

  it('decides "within" by default: venture-capital (0.478) is not confidently within 0.5', async () => {
    const { code, stdout } = await run(['gate', PAPER, ...FAST, '--max', 'tv-distance@context=*=0.5']);
    expect(code).toBe(1);
    expect(stdout.match(/^FAIL /gm)).toHaveLength(2);
    expect(stdout).toMatch(
      new RegExp(
        String.raw`FAIL tv-distance at split=oos-context,context=venture-capital .*upper 95 % bound 0\.5\d\d ` +
          String.raw`> max 0\.500 .*within: a model exactly at the threshold passes at most 2\.5 % of the time`,
      ),
    );
    const lenient = await run(['gate', PAPER, ...FAST, '--bound', 'not-outside', '--max', 'tv-distance@context=*=0.5']);
    expect(lenient.stdout).toMatch(
      new RegExp(
        String.raw`PASS tv-distance at split=oos-context,context=venture-capital .*lower 95 % bound 0\.4\d\d ` +
          String.raw`<= max 0\.500 .*not-outside: a model exactly at the threshold fails at most 2\.5 % of the ` +
          String.raw`time`,
      ),
    );
  });

  it('fails a check whose value is undefined rather than passing it', async () => {
    // Two scenarios are too few for a correlation: the check cannot be verified, so it fails.
    const { code, stdout } = await run([
      'gate',
      'test/fixtures/report/public-goods-counts.csv',
      ...FAST,
      '--min',
      'profile-correlation@split=pg=-1',
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      new RegExp(
        String.raw`FAIL profile-correlation at split=pg for student-7b: lower 95 % bound is undefined ` +
          String.raw`\(undefined for this group\), min -1\.000`,
      ),
    );
  });

  it.each([
    [[], /no checks/],
    [['--min', 'paper-improvement.lower=40'], /paper-improvement has no confidence interval/],
    [
      ['--min', 'paper-improvement@game=stag-hnt=40'],
      new RegExp(
        String.raw`--min paper-improvement@game=stag-hnt=40: unknown game \(got "stag-hnt"\)\. Fix: use one ` +
          String.raw`of prisoners-dilemma\/prison, stag-hunt\/staghunt`,
      ),
    ],
    [['--max', 'provider-errors@split=in-sample=0'], /counted over the whole run/],
    [['--min', 'pooled-gap-closure=30', '--bound', 'sometimes'], /unknown bound/],
    [['--config', 'missing.yaml'], /missing\.yaml: file not found/],
  ])('exits 2 on bad usage %j', async (args, message) => {
    const { code, stderr } = await run(['gate', PAPER, ...FAST, ...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('stratalign gate on data that cannot hold a number', () => {
  it('fails a provider-errors check on a counts table as not recorded, and adds none by itself', async () => {
    const { code, stdout } = await run(['gate', PAPER, ...FAST, '--max', 'provider-errors=0']);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      new RegExp(
        String.raw`^FAIL provider-errors at overall: count is undefined \(not recorded in this input: only ` +
          String.raw`promptfoo results record provider errors and missing samples\), max 0$`,
        'm',
      ),
    );
    expect(stdout).not.toMatch(/missing-samples/);
    const implicit = await run(['gate', PAPER, ...FAST, '--min', 'paper-improvement@split=in-sample=40']);
    expect(implicit.code).toBe(0);
    expect(implicit.stdout).not.toMatch(/provider-errors at|missing-samples at/);
  });

  it('fails a parse-rate check on counts without failure columns instead of reading 100 %', async () => {
    const { code, stdout } = await run(['gate', PAPER, ...FAST, '--min', 'parse-rate.lower=99.9']);
    expect(code).toBe(1);
    expect(
      stdout.match(
        new RegExp(
          String.raw`^FAIL parse-rate at overall for .*: lower 95 % bound is undefined \(not recorded in this ` +
            String.raw`input: the data has no parse-failure counts\), min 99\.90 %$`,
          'gm',
        ),
      ),
    ).toHaveLength(3);
  });

  it('says which inputs hold no run-level counts when promptfoo results and a counts table are mixed', async () => {
    const file = join(tempDir(), 'results.json');
    studentRun(file, 1);
    const { code, stdout } = await run([
      'gate',
      file,
      PAPER,
      ...FAST,
      '--max',
      'provider-errors=1',
      '--max',
      'missing-samples=1',
    ]);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(
      new RegExp(
        String.raw`; provider errors and missing samples are counted over the promptfoo results only, not ` +
          String.raw`datasets\/recordings\/lfb-counts\.csv$`,
      ),
    );
    expect(stdout).toMatch(
      new RegExp(
        String.raw`^PASS provider-errors at overall: count 1 <= max 1 \(first: .*; counted over the ` +
          String.raw`promptfoo results only, not datasets\/recordings\/lfb-counts\.csv\)$`,
        'm',
      ),
    );
  });

  it("passes a student whose answers equal the teacher's on a tight upper bound of the TV distance", async () => {
    const lines = readFileSync(PAPER, 'utf8').trim().split('\n');
    const key = (cells: string[]) => cells.slice(0, 4).join(',');
    const teacher = new Map(
      lines
        .slice(1)
        .map((l) => l.split(','))
        .filter((c) => c[5] === 'teacher')
        .map((c) => [key(c), c.slice(6)]),
    );
    const identical = lines.map((l, i) => {
      const c = l.split(',');
      return i > 0 && c[5] === 'fine-tuned' ? [...c.slice(0, 6), ...teacher.get(key(c))!].join(',') : l;
    });
    const file = join(tempDir(), 'identical.csv');
    writeFileSync(file, `${identical.join('\n')}\n`);
    const { code, stdout } = await run([
      'gate',
      file,
      ...FAST,
      '--max',
      'tv-distance.upper=0.05',
      '--max',
      'js-distance.upper@split=*=0.05',
    ]);
    // The line passes, and says why the interval has no width rather than looking certain.
    expect(stdout).toMatch(
      new RegExp(
        String.raw`^PASS tv-distance at overall for llama2-7b-chat-lfb-lora: upper 95 % bound 0\.000 <= max ` +
          String.raw`0\.050 \(estimate 0\.000; upper end, i\.e\. within: a model exactly at the threshold ` +
          String.raw`passes at most 2\.5 % of the time; at range end: the observed distance is below what ` +
          String.raw`answer noise alone gives identical models\)$`,
        'm',
      ),
    );
    expect(code).toBe(0);
  });
});

describe('thresholds', () => {
  it.each([
    [['--max', 'tv-distance=3'], /--max tv-distance=3: tv-distance is a distance between 0 and 1 \(got 3\)/],
    [['--min', 'profile-correlation=-1.5'], /profile-correlation is a correlation between -1 and 1/],
    [['--max', 'provider-errors=1.5'], /provider-errors is a count, a whole number 0 or more \(got 1\.5\)/],
    [['--max', 'missing-samples=-1'], /missing-samples is a count/],
    [['--min', 'parse-rate=120'], /parse-rate is a percentage between 0 and 100 \(got 120\)/],
  ])('are refused outside what the metric can take: %j', async (args, message) => {
    const { code, stderr } = await run(['gate', PAPER, ...FAST, ...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it.each([
    [
      'paper-improvement@split=in-sample=0.4',
      'paper-improvement is in percent, so 0.4 would mean 0.4 %, which looks like a share (got 0.4). Fix: ' +
        'write 40 for 40 %',
    ],
    [
      'paper-improvement@split=in-sample=150',
      'paper-improvement thresholds lie between -100 and 100 (percent of the base-teacher gap) (got 150). Fix: ' +
        'write at most 100',
    ],
    [
      'pooled-gap-closure=-500',
      'pooled-gap-closure thresholds lie between -100 and 100 (percent of the base-teacher gap) (got -500). Fix: ' +
        'write at least -100',
    ],
  ])('in percent are usage errors when they look like a share or leave -100..100: %s', async (check, message) => {
    const { code, stdout, stderr } = await run(['gate', PAPER, ...FAST, '--min', check]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).toContain(`--min ${check}: ${message}`);
  });
});

describe('stratalign gate scopes', () => {
  // The paper's counts, metric on shares (snowdrift and friends hold 295/299-answer cells, so they differ from
  // the published on-counts figures): in-sample prisoners-dilemma 11.40 %, international-relations 27.46 %.
  it.each([
    ['game=prison', 'split=in-sample,game=prisoners-dilemma', '11.40 %'],
    ['game=PRISON', 'split=in-sample,game=prisoners-dilemma', '11.40 %'],
    ['game=delight', 'split=in-sample,game=prisoners-delight', '63.01 %'],
    ['game=chicken', 'split=in-sample,game=snowdrift', '59.99 %'],
    ['context=IR', 'split=in-sample,context=international-relations', '27.46 %'],
    ['context=biz', 'split=in-sample,context=business', '24.89 %'],
    ['context=friendsharing', 'split=in-sample,context=friends', '48.99 %'],
  ])('accept every alias of games and contexts: %s', async (scope, group, value) => {
    const { code, stdout, stderr } = await run([
      'gate',
      PAPER,
      ...FAST,
      '--min',
      `paper-improvement@split=in-sample,${scope}=10`,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(
      `PASS paper-improvement at ${group} for llama2-7b-chat-lfb-lora: point estimate ${value} >= min 10.00 %`,
    );
  });

  it('name the aliases that work when a game is unknown', async () => {
    const { code, stderr } = await run([
      'gate',
      PAPER,
      ...FAST,
      '--min',
      'paper-improvement@split=in-sample,game=prisoner=10',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown game \(got "prisoner"\)\. Fix: use one of prisoners-dilemma\/prison/);
  });
});

describe('stratalign gate on promptfoo results', () => {
  it('fails on provider errors that a pass-rate threshold would hide, naming the first', async () => {
    const file = join(tempDir(), 'results.json');
    studentRun(file, 1);
    const { code, stdout } = await run(['gate', file, ...FAST, '--min', 'paper-improvement=10']);
    expect(code).toBe(1);
    expect(stdout).toContain('(data: replayed)');
    expect(stdout).toMatch(
      new RegExp(
        String.raw`^FAIL provider-errors at overall: count 1 > max 0 \(over by 1; first: row 10, student ` +
          String.raw`<b>v2<\/b>, business\/prisoners-dilemma: API error: 503 Service Unavailable; default for ` +
          String.raw`promptfoo results\)$`,
        'm',
      ),
    );
    // The error row's answer is lost too: missing-samples counts answers, error rows included.
    expect(stdout).toMatch(/^FAIL missing-samples at overall: count 1 > max 0/m);
    expect(stdout).toMatch(/^PASS paper-improvement at overall for student <b>v2<\/b>/m);
  });

  it('passes a clean run, and a run within a limit the user set', async () => {
    const clean = join(tempDir(), 'clean.json');
    studentRun(clean, 0);
    expect((await run(['gate', clean, ...FAST, '--min', 'paper-improvement=10'])).code).toBe(0);
    const noisy = join(tempDir(), 'noisy.json');
    studentRun(noisy, 2);
    const allowed = await run([
      'gate',
      noisy,
      ...FAST,
      '--min',
      'paper-improvement=10',
      '--max',
      'provider-errors=2',
      '--max',
      'missing-samples=2',
    ]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/^PASS provider-errors at overall: count 2 <= max 2/m);
  });
});
