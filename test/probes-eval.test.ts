import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './helpers/run-cli.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const ROOT = resolve('.');

type Row = { vars: Record<string, string>; provider: { label: string }; response: { output: string } };

describe('examples/probes.yaml through promptfoo eval, offline', () => {
  it('runs, prints label bias and fingerprints, and feeds convert, report, gate and export', async () => {
    const dir = tempDir();
    const out = join(dir, 'results.json');
    const evaluated = spawnSync(
      process.execPath,
      [
        join(ROOT, 'scripts/promptfoo.mjs'),
        'eval',
        '--report',
        '-c',
        join(ROOT, 'examples/probes.yaml'),
        '--no-table',
        '-o',
        out,
      ],
      {
        cwd: dir,
        env: { ...process.env, PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo') },
        encoding: 'utf8',
        timeout: 600_000,
      },
    );
    expect(evaluated.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(evaluated.status).toBe(0);

    // The summary: every model's label bias and parameters, each beside the simulation's truth.
    const text = evaluated.stdout;
    const verdicts = [...text.matchAll(/simulated truth [^:\n]+: (inside|OUTSIDE) the interval/g)].map((m) => m[1]);
    expect(verdicts).toHaveLength(26);
    expect(verdicts.filter((v) => v === 'OUTSIDE')).toEqual([]);
    expect(text).toMatch(/grid, fine-tuned sim-small-ft \[simulated\]: paper [\d.]+ %/);
    expect(text).toMatch(/label bias (2\d|3\d)\.\d pp \[/);

    // Every row says what it is and which variant and region it shows.
    const results = JSON.parse(readFileSync(out, 'utf8')).results;
    expect(results.results).toHaveLength(1080);
    expect(results.stats.errors).toBe(0);
    const rows = results.results as Row[];
    expect(
      rows.every(
        (r) => r.provider.label.endsWith('[simulated]') && JSON.parse(r.response.output).note.startsWith('SIMULATED'),
      ),
    ).toBe(true);
    expect(new Set(rows.map((r) => r.vars.labels))).toEqual(
      new Set(['paper', 'swapped', 'neutral-jf', 'neutral-12', 'order-swapped']),
    );
    expect(new Set(rows.map((r) => r.vars.region))).toEqual(
      new Set(['prisoners-dilemma', 'stag-hunt', 'snowdrift', 'harmony']),
    );
    // The viewer's chips: label bias per split on each model's column.
    const chips = results.prompts.map((p: { provider: string; metrics: { namedScores: Record<string, number> } }) => [
      p.provider,
      p.metrics.namedScores.label_bias_grid,
    ]);
    expect(chips.every(([, v]: [string, number]) => typeof v === 'number')).toBe(true);

    // Convert keeps variant and grid point in every scenario id; the report reads the same numbers from both.
    const recording = join(dir, 'probes.jsonl');
    expect((await run(['convert', out, '--out', recording], dir)).code).toBe(0);
    const samples = readFileSync(recording, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(samples.some((s) => s.scenario === 'business/grid:st@S=2,T=7~neutral-12')).toBe(true);
    expect(samples.every((s) => s.provenance.source === 'simulated')).toBe(true);
    // A reference built from the teacher's recording keys every variant and grid point on its own.
    const reference = join(dir, 'teacher.reference.json');
    expect(
      (await run(['reference', recording, '--role', 'teacher', '--out', reference, '--allow-thin'], dir)).code,
    ).toBe(0);
    const entries = Object.keys(JSON.parse(readFileSync(reference, 'utf8')).scenarios);
    expect(entries).toHaveLength(360);
    expect(entries).toContain('friends/grid:st@S=10,T=15~order-swapped');
    const fromResults = JSON.parse((await run(['report', out, '--format', 'json', '--resamples', '200'], dir)).stdout);
    const fromRecording = JSON.parse(
      (await run(['report', recording, '--format', 'json', '--resamples', '200'], dir)).stdout,
    );
    expect(fromRecording.probes.labelBias).toEqual(fromResults.probes.labelBias);
    expect(fromRecording.probes.fingerprints).toEqual(fromResults.probes.fingerprints);

    // The example gate: the student fails on label bias and the Stag Hunt region, passes the Prisoner's Dilemma region.
    const gated = await run(
      ['gate', out, '--config', join(ROOT, 'examples/gates/probes.yaml'), '--resamples', '200'],
      dir,
    );
    expect(gated.code).toBe(1);
    expect(gated.stdout).toMatch(/FAIL label-bias at split=grid for fine-tuned sim-small-ft \[simulated\]/);
    expect(gated.stdout).toMatch(/PASS pooled-gap-closure at split=grid,region=prisoners-dilemma/);
    expect(gated.stdout).toMatch(/FAIL pooled-gap-closure at split=grid,region=stag-hunt/);

    // Balanced export of the teacher's answers: every variant of a scenario keeps as many examples.
    const exported = await run(
      [
        'export',
        out,
        '--format',
        'openai-chat',
        '--out',
        join(dir, 'ft'),
        '--protocol',
        'letter-only',
        '--target',
        'action',
        '--balance-labels',
      ],
      dir,
    );
    expect(exported.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'ft/openai-chat/manifest.json'), 'utf8'));
    expect(manifest.options.balanceLabels).toBe(true);
    const kept = new Map<string, Set<number>>();
    for (const [id, c] of Object.entries(manifest.scenarios) as [string, { kept: number }][]) {
      const base = id.split('~')[0]!;
      kept.set(base, (kept.get(base) ?? new Set()).add(c.kept));
    }
    expect([...kept.values()].every((s) => s.size === 1)).toBe(true);
  }, 900_000);
});
