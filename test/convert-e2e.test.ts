import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignment } from '../assertions/alignment.js';
import { EXPORT_FORMATS } from '../src/export/formats/registry.js';
import { readExportedFile } from '../src/export/read-exported.js';
import { run as cli } from './helpers/run-cli.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const ROOT = resolve('.');

describe('a replayed teacher eval through promptfoo, end to end', () => {
  it('becomes a recording, a reference the assertion reads, and datasets in every format that validate', async () => {
    const dir = tempDir();
    const results = join(dir, 'results.json');
    const run = spawnSync(
      process.execPath,
      [
        'scripts/promptfoo.mjs',
        'eval',
        '-c',
        'test/fixtures/convert/promptfooconfig.yaml',
        '--no-table',
        '--no-write',
        '-o',
        results,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo') },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    // Two rows are provider errors by design (scenarios the teacher recording lacks): exit 100.
    expect(run.status, run.stderr).toBe(100);

    const recording = join(dir, 'recording.jsonl');
    expect(await cli(['convert', results, '--out', recording])).toMatchObject({ code: 0 });

    const reference = join(dir, 'teacher.reference.json');
    expect(
      await cli(['reference', recording, '--role', 'teacher', '--out', reference, '--min-valid', '2']),
    ).toMatchObject({ code: 0 });
    const scored = alignment('D', { vars: { scenario: 'business/prisoners-dilemma' }, config: { reference } } as never);
    // The replayed teacher answered D 3 times out of 4 valid answers.
    expect(scored.score).toBeCloseTo(3 / 4, 10);

    const out = join(dir, 'datasets');
    // 9 answers are below OpenAI's minimum of 10 training examples: refused, nothing written.
    const tooFew = await cli([
      'export',
      recording,
      '--format',
      'all',
      '--out',
      out,
      '--protocol',
      'reasoned',
      '--validation',
      '0.25',
    ]);
    expect(tooFew.code).toBe(2);
    expect(tooFew.stderr).toMatch(
      /--format openai-chat: the train split would hold \d example\(s\); OpenAI fine-tuning needs at least 10/,
    );
    expect(existsSync(out)).toBe(false);
    const others = EXPORT_FORMATS.filter((f) => f.id !== 'openai-chat');
    const formats = others.map((f) => f.id).join(',');
    expect(
      await cli([
        'export',
        recording,
        '--format',
        formats,
        '--out',
        out,
        '--protocol',
        'reasoned',
        '--validation',
        '0.25',
      ]),
    ).toMatchObject({ code: 0 });
    for (const format of others) {
      const manifest = JSON.parse(readFileSync(join(out, format.id, 'manifest.json'), 'utf8'));
      let lines = 0;
      for (const file of manifest.files.filter((f: { split: string | null }) => f.split !== null)) {
        for await (const example of readExportedFile(join(out, format.id, file.name), format)) {
          expect(example.target.length).toBeGreaterThan(0);
          lines++;
        }
      }
      expect(lines, format.id).toBe(manifest.totals.kept);
      expect(manifest.totals.kept).toBe(9);
    }
  }, 120_000);
});
