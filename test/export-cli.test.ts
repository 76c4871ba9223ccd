import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as cli } from './helpers/run-cli.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const ROOT = resolve('.');
const TEACHER = 'test/fixtures/convert/teacher-texts.jsonl';

describe('stratalign export', () => {
  it('writes the chosen formats and prints what it kept and dropped', async () => {
    const out = tempDir();
    const { code, stdout: text } = await cli([
      'export',
      TEACHER,
      '--format',
      'trl-messages,llamafactory-alpaca',
      '--out',
      out,
      '--protocol',
      'reasoned',
      '--validation',
      '0.25',
      '--dedupe',
    ]);
    expect(code).toBe(0);
    expect(text.trim().split('\n')).toHaveLength(2);
    expect(text).toMatch(
      new RegExp(
        String.raw`^trl-messages: 6 train \+ 2 validation examples in .*; of 12 selected samples: dropped ` +
          String.raw`refusal 1, no-choice 1, ambiguous 1; deduped 1; capped 0; held out 0; 0 samples of other ` +
          String.raw`models; warning: 12 sample\(s\) did not record the protocol they were collected under; ` +
          String.raw`they were assumed to be reasoned$`,
        'm',
      ),
    );
    expect(readdirSync(out).sort()).toEqual(['llamafactory-alpaca', 'trl-messages']);
    expect(readdirSync(join(out, 'llamafactory-alpaca')).sort()).toEqual([
      'dataset_info.json',
      'manifest.json',
      'train.jsonl',
      'validation.jsonl',
    ]);
    const manifest = JSON.parse(readFileSync(join(out, 'trl-messages', 'manifest.json'), 'utf8'));
    expect(manifest.options).toMatchObject({
      validation: 0.25,
      seed: 42,
      selector: { role: 'teacher' },
      target: 'raw',
    });
  });

  it('uses the protocol it is given for the prompt of every example', async () => {
    const out = tempDir();
    expect(
      (
        await cli([
          'export',
          TEACHER,
          '--format',
          'trl-prompt-completion',
          '--out',
          out,
          '--protocol',
          'letter-only',
          '--target',
          'action',
          '--validation',
          '0',
        ])
      ).code,
    ).toBe(0);
    const lines = readFileSync(join(out, 'trl-prompt-completion', 'train.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(9);
    for (const l of lines) {
      expect(l.prompt[1].content).toMatch(/Answer with exactly one letter, C or D, and nothing else\.$/);
      expect(['C', 'D']).toContain(l.completion[0].content);
    }
    expect(existsSync(join(out, 'trl-prompt-completion', 'validation.jsonl'))).toBe(false);
  });

  it('rejects bad usage with exit 2', async () => {
    const out = tempDir();
    const noProtocol = await cli(['export', TEACHER, '--format', 'together', '--out', out]);
    expect(noProtocol).toMatchObject({ code: 2 });
    expect(noProtocol.stderr).toMatch(/--protocol is required/);
    const unknown = await cli(['export', TEACHER, '--format', 'alpaca', '--out', out, '--protocol', 'reasoned']);
    expect(unknown.stderr).toMatch(/unknown format "alpaca"; use openai-chat, .* or all/);
    const combo = await cli([
      'export',
      TEACHER,
      '--format',
      'all',
      '--out',
      out,
      '--protocol',
      'reasoned',
      '--keep-unparseable',
      '--target',
      'normalised',
    ]);
    expect(combo.code).toBe(2);
    expect(combo.stderr).toMatch(/unparseable answers have no action for a normalised target/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('on Ctrl-C stops, removes its temp files and exits 130', async () => {
    const dir = tempDir();
    // Big enough that the export is still running when the signal arrives (seconds, not ms).
    const input = join(dir, 'recording.jsonl');
    const lines = readFileSync(TEACHER, 'utf8').trim().split('\n');
    const many = Array.from({ length: 150_000 }, (_, i) =>
      lines[i % lines.length]!.replace('"text":"', `"text":"${i} `),
    );
    writeFileSync(input, `${many.join('\n')}\n`);
    const out = join(dir, 'out');
    const child = spawn(
      process.execPath,
      ['bin/stratalign.mjs', 'export', input, '--format', 'all', '--out', out, '--protocol', 'reasoned'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const deadline = Date.now() + 20_000;
    // Every file is staged in a hidden directory inside --out until the whole export is done.
    const staged = () => (existsSync(out) ? readdirSync(out).filter((d) => d.startsWith('.stratalign-staging-')) : []);
    const together = () => staged().map((d) => join(out, d, 'together'));
    while (!together().some((dir) => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.partial')))) {
      if (Date.now() > deadline) throw new Error(`export never started: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/stratalign export: interrupted; no output file was written/);
    // No partial file and no empty folder: --out did not exist before, so it is gone again.
    expect(existsSync(out)).toBe(false);
  }, 30_000);
});
