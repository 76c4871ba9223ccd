import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dump, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const ROOT = resolve('.');

type Config = {
  prompts: { id: string }[];
  providers: { id: string; config: { recording: string } }[];
  tests: { path: string; config: { splits: object[] } }[];
  defaultTest: { assert: { value: string; config: { reference: string } }[] };
  extensions: string[];
};

/** The default config with a smaller grid and absolute paths, so it runs from a temp dir. */
function sliceOfDefaultConfig(splits: object[]): Config {
  const config = load(readFileSync('promptfooconfig.yaml', 'utf8')) as Config;
  const abs = (ref: string) => ref.replace('file://', `file://${ROOT}/`);
  for (const p of config.prompts) p.id = abs(p.id);
  config.providers.forEach((p) => {
    p.id = abs(p.id);
    p.config.recording = join(ROOT, p.config.recording);
  });
  config.tests[0]!.path = abs(config.tests[0]!.path);
  config.tests[0]!.config.splits = splits;
  config.defaultTest.assert.forEach((a) => {
    a.value = abs(a.value);
    a.config.reference = join(ROOT, a.config.reference);
  });
  config.extensions = config.extensions.map(abs);
  return config;
}

function runEval(config: Config) {
  const dir = tempDir();
  writeFileSync(join(dir, 'promptfooconfig.yaml'), dump(config));
  const out = join(dir, 'results.json');
  const run = spawnSync(
    process.execPath,
    [
      join(ROOT, 'scripts/promptfoo.mjs'),
      'eval',
      '--report',
      '-c',
      join(dir, 'promptfooconfig.yaml'),
      '--no-table',
      '-o',
      out,
    ],
    {
      cwd: dir,
      env: { ...process.env, PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo') },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { ...run, out };
}

describe('promptfoo eval on a slice of the default config', () => {
  it('replays the three models, scores them and prints the paper metric for the slice', () => {
    const run = runEval(
      sliceOfDefaultConfig([
        { name: 'in-sample', contexts: ['IR', 'team'], games: ['prison'] },
        { name: 'oos-context', contexts: ['sports'], games: ['prison'] },
      ]),
    );
    expect(run.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(run.status).toBe(0);
    const results = JSON.parse(readFileSync(run.out, 'utf8')).results;
    expect(results.results).toHaveLength(9);
    expect(results.stats.errors).toBe(0);
    // The teacher replayed in full is at distance 0 from itself; the base model is not within 0.1.
    const row = (label: string, scenario: string) =>
      results.results.find(
        (r: { provider: { label: string }; vars: { scenario: string } }) =>
          r.provider.label.startsWith(label) && r.vars.scenario === scenario,
      );
    expect(row('teacher', 'team/prisoners-dilemma').success).toBe(true);
    expect(row('teacher', 'team/prisoners-dilemma').namedScores.tv_distance).toBe(0);
    expect(row('base', 'international-relations/prisoners-dilemma').success).toBe(false);
    expect(row('base', 'international-relations/prisoners-dilemma').response.output).toContain(
      '"note":"REPLAY of recorded counts',
    );

    // By hand from lfb-counts.csv (C counts base / fine-tuned / teacher):
    //   IR/prison   254 / 221 / 77  -> 100 * (221 - 254) / (77 - 254)  =  18.644 %
    //   team/prison 220 / 225 / 200 -> 100 * (225 - 220) / (200 - 220) = -25.000 %
    //   mean = -3.178 %
    const mean = (100 * (-33 / -177) + 100 * (5 / -20)) / 2;
    expect(mean.toFixed(2)).toBe('-3.18');
    expect(run.stdout).toContain('stratalign summary');
    expect(run.stdout).toContain(
      `in-sample, fine-tuned llama2-7b-chat-lfb-lora [replay]: ${mean.toFixed(2)} % over 2 scenarios`,
    );
    expect(run.stdout).toMatch(
      /oos-context, fine-tuned llama2-7b-chat-lfb-lora \[replay\]: -?\d+\.\d\d % over 1 scenarios/,
    );
  });

  it('fails the run when answers are lost, even in report mode', () => {
    const run = runEval(
      sliceOfDefaultConfig([{ name: 'doubled', contexts: ['IR'], games: ['prison'], payoffScales: [2] }]),
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/LOST ANSWERS: 3 provider error row\(s\)/);
    const results = JSON.parse(readFileSync(run.out, 'utf8')).results;
    expect(results.results[0].error).toMatch(
      /has no answers of .* for scenario international-relations\/prisoners-dilemma@x2/,
    );
  });
});
