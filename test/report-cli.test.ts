import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/report/types.js';
import { studentRun } from './fixtures/report/promptfoo-results.js';
import { run } from './fixtures/report/run-cli.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const PAPER = 'datasets/recordings/lfb-counts.csv';
const FAST = ['--resamples', '300'];

describe('stratalign report', () => {
  it(
    'prints the terminal report of the paper counts: 46.65 % and 18.26 % on shares, 46.26 % and 17.90 % as ' +
      'published, with their companions',
    async () => {
      const { code, stdout, stderr } = await run(['report', PAPER, ...FAST]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/split=in-sample\s+20\s+46\.65 %\s+46\.26 %/);
      expect(stdout).toMatch(/split=oos-context\s+12\s+18\.26 %\s+17\.90 %/);
      expect(stdout).toContain('recorded counts');
      expect(stdout).toMatch(/team\/prisoners-delight\s+n\.s\./);
    },
  );

  it('writes JSON, Markdown and HTML files besides stdout, relative to the working directory', async () => {
    const dir = tempDir();
    const { code, stdout } = await run(
      [
        'report',
        join(process.cwd(), PAPER),
        ...FAST,
        '--format',
        'json',
        '--markdown',
        'r.md',
        '--html',
        'r.html',
        '--json',
        'r.json',
      ],
      dir,
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.schema).toBe('stratalign.report/v3');
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toEqual(report);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toContain('| split=in-sample | 20 | 46.65 % | 46.26 % |');
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('compares the models it is told to, by label', async () => {
    const { code, stdout } = await run([
      'report',
      PAPER,
      ...FAST,
      '--format',
      'json',
      '--student',
      'llama2-7b-chat',
      '--base',
      'llama2-7b-chat-lfb-lora',
    ]);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as Report).models.map((m) => m.role)).toEqual(['base', 'student', 'teacher']);
  });

  it.each([
    [['report'], /name at least one answers file/],
    [['report', PAPER, '--format', 'pdf'], /--format must be one of/],
    [['report', PAPER, '--resamples', '10'], /--resamples must be a whole number of at least 200/],
    [['report', PAPER, '--interval', 'bayes'], /--interval must be one of hybrid, wilson, exact/],
    [['report', PAPER, '--colour'], /Unknown option '--colour'/],
    [['report', 'missing.csv'], /missing\.csv.*cannot read counts table/],
    [['report', PAPER, '--teacher', 'gpt-5'], /--teacher.*no answers of this model/],
    [['report', 'notes.txt'], /unknown kind of answers file/],
  ])('exits 2 with a message for %j', async (args, message) => {
    const { code, stderr, stdout } = await run([
      ...args,
      ...(args.length > 1 && !args.includes('--resamples') ? FAST : []),
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('reads promptfoo results, labels them replayed, and reports the provider errors it could not count', async () => {
    const dir = tempDir();
    const file = join(dir, 'results.json');
    studentRun(file, 2);
    const { code, stdout, stderr } = await run(['report', file, ...FAST, '--format', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.inputs[0]!.kind).toBe('promptfoo-results');
    // A provider error row that does not say how many answers it asked for counts as one lost answer.
    expect(report.lostAnswers).toEqual({ providerErrors: 2, missingSamples: 2 });
    expect(report.notes[0]).toMatch(
      new RegExp(
        String.raw`LOST ANSWERS: 2 answer\(s\) asked for in the promptfoo results were not delivered, 2 of ` +
          String.raw`them in 2 provider error row\(s\)`,
      ),
    );
    expect(report.models.map((m) => m.sourceLabel)).toEqual(['replayed', 'replayed', 'replayed']);
    const row = report.scenarios.find((s) => s.scenario === 'business/prisoners-dilemma')!;
    expect(row.models.map((m) => m.distribution[0]!.count)).toEqual([50, 30, 10]);
  });

  it("reads promptfoo's JSONL output too, telling it apart from a stratalign recording", async () => {
    const file = join(tempDir(), 'results.jsonl');
    studentRun(file, 1);
    const { code, stdout } = await run(['report', file, ...FAST, '--format', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.inputs[0]!.kind).toBe('promptfoo-results');
    expect(report.lostAnswers).toEqual({ providerErrors: 1, missingSamples: 1 });
  });
});
