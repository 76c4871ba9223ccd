// A scripted new user's first hour, run through the same wrapper the npm scripts use, with output
// piped (not a terminal): copy the default config, move it, make the ordinary mistakes. Each
// mistake must end in a one-line message naming it and a non-zero exit, never a stack trace; the
// moved config must give the default's results, from the repository root and from its own folder.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { movedDefaultConfig, ROOT, runNode, runPromptfoo, STACK_TRACE, type Run } from './helpers/run-promptfoo.js';

// One folder for the whole file, removed at the end: the mistake cases run concurrently, and a
// per-test cleanup would remove the folders of cases still running.
const base = mkdtempSync(join(tmpdir(), 'stratalign-new-user-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const tempDir = () => mkdtempSync(join(base, 'case-'));
// The timeouts allow for a machine shared with other work; nothing here measures time.
const SLOW = 300_000;
const oneGame = (t: string) =>
  t.replaceAll('games: [prisoners-dilemma, stag-hunt, snowdrift, prisoners-delight]', 'games: [prison]');

/** The stratalign lines a run printed on stderr. */
const ourLines = (run: Run) => run.stderr.split('\n').filter((l) => l.startsWith('stratalign'));

/**
 * The summary's figures: every line of the summary block except where the reference file is
 * named (a path relative to the working directory).
 */
function figures(stdout: string): string[] {
  const start = stdout.indexOf('stratalign summary');
  const end = stdout.indexOf('robust companions', start);
  return stdout
    .slice(start, end)
    .split('\n')
    .filter((l) => !l.startsWith('teacher agreement ='));
}

type Row = {
  provider: { label: string };
  vars: { scenario: string };
  success: boolean;
  namedScores: Record<string, number>;
};
const rowsOf = (file: string) =>
  (JSON.parse(readFileSync(file, 'utf8')).results.results as Row[])
    .map((r) => ({ key: `${r.provider.label} ${r.vars.scenario}`, success: r.success, namedScores: r.namedScores }))
    .sort((a, b) => a.key.localeCompare(b.key));

describe('a new user moves the default config into a subfolder', () => {
  it(
    'gets the default results, run from the repository root and from its own folder',
    async () => {
      const suite = join(tempDir(), 'suites', 'mine');
      const config = movedDefaultConfig(suite, 'my-suite.yaml');
      const out = tempDir();
      const [original, fromRoot, fromFolder] = await Promise.all([
        runPromptfoo(
          ['eval', '--report', '-c', 'promptfooconfig.yaml', '--no-table', '-o', join(out, 'default.json')],
          { stateDir: join(out, 's1') },
        ),
        runPromptfoo(['eval', '--report', '-c', relative(ROOT, config), '--no-table', '-o', join(out, 'root.json')], {
          stateDir: join(out, 's2'),
        }),
        runPromptfoo(['eval', '--report', '-c', 'my-suite.yaml', '--no-table', '-o', join(out, 'folder.json')], {
          stateDir: join(out, 's3'),
          cwd: suite,
        }),
      ]);
      for (const run of [original, fromRoot, fromFolder]) {
        expect(run.stderr).not.toMatch(STACK_TRACE);
        expect(run.code, run.stderr).toBe(0);
      }
      expect(original.stdout).toContain('46.65 % over 20 scenarios (as published, on counts: 46.26 %)');
      expect(original.stdout).toContain('18.26 % over 12 scenarios (as published, on counts: 17.90 %)');
      expect(figures(fromRoot.stdout)).toEqual(figures(original.stdout));
      expect(figures(fromFolder.stdout)).toEqual(figures(original.stdout));
      // Output piped, not a terminal: promptfoo's progress lines; the closing hint opens this run's state folder.
      expect(original.stdout).toContain('[Evaluation] Starting 96 test cases...');
      expect(original.stdout).toContain('[Evaluation] ✓ Complete! 96/96 tests');
      expect(original.stdout).toContain(`» View results: PROMPTFOO_CONFIG_DIR=${join(out, 's1')} npm run view`);
      expect(original.stdout).not.toMatch(/View results: promptfoo view/);
      const rows = rowsOf(join(out, 'default.json'));
      expect(rows).toHaveLength(96);
      expect(rowsOf(join(out, 'root.json'))).toEqual(rows);
      expect(rowsOf(join(out, 'folder.json'))).toEqual(rows);

      // The viewer's chips: the verdict on every column, and no two metrics that are the same number.
      const prompts = JSON.parse(readFileSync(join(out, 'default.json'), 'utf8')).results.prompts as {
        provider: string;
        metrics: { namedScores: Record<string, number> };
      }[];
      const chips = (label: string) => prompts.find((p) => p.provider.startsWith(label))!.metrics.namedScores;
      expect(chips('fine-tuned')).toMatchObject({
        'gap_closed_pct_in-sample': 35,
        'gap_closed_pct_oos-context': 15.1,
        'tv_to_teacher_in-sample': 0.21,
        'paper_improvement_in-sample': 46.65,
      });
      expect(chips('base')).toMatchObject({ 'gap_closed_pct_in-sample': 0, 'tv_to_teacher_in-sample': 0.313 });
      expect(chips('teacher')).toMatchObject({ 'gap_closed_pct_in-sample': 100 });
      const perRow = (JSON.parse(readFileSync(join(out, 'default.json'), 'utf8')).results.results as Row[]).map(
        (r) => r.namedScores,
      );
      const names = [...new Set(perRow.flatMap((n) => Object.keys(n)))];
      expect(names.sort()).toEqual([
        'answered',
        'cooperation',
        'teacher_agreement',
        'tv_distance',
        'tv_lower',
        'tv_upper',
      ]);
      for (const a of names)
        for (const b of names)
          if (a < b)
            expect(
              perRow.every((n) => n[a] === n[b]),
              `${a} and ${b} are the same number`,
            ).toBe(false);
    },
    SLOW,
  );
});

// Concurrent: each case is one short promptfoo process, mostly start-up.
describe.concurrent("a new user's ordinary config mistakes", () => {
  const mistakes: [string, (t: string) => string, RegExp][] = [
    [
      'misspells an assertion key',
      (t) => t.replace('maxDistance: 0.1', 'maxDistnace: 0.1'),
      /^stratalign: suite\/mine\.yaml: assert\[alignment\]\.config \(maxDistnace\): .*Fix: did you mean maxDistance\?/,
    ],
    [
      'misspells defaultTest',
      (t) => t.replace('\ndefaultTest:', '\ndefaultTests:'),
      new RegExp(
        String.raw`^stratalign: suite\/mine\.yaml: defaultTests: unknown key \(promptfoo ignores it\)\. Fix: ` +
          String.raw`did you mean defaultTest\?$`,
      ),
    ],
    [
      'mistypes a game in the test generator',
      (t) => t.replace('games: [prisoners-dilemma, stag-hunt', 'games: [prisoner, stag-hunt'),
      new RegExp(
        String.raw`^stratalign: suite\/mine\.yaml: tests\[scenario-tests\]\.config\.splits\[0\]: unknown ` +
          String.raw`game \(got "prisoner"\)\. Fix: use one of prisoners-dilemma\/prison`,
      ),
    ],
    [
      'misspells a key of the test generator',
      (t) => t.replace('      splits:', '      split:'),
      /^stratalign: suite\/mine\.yaml: tests\[scenario-tests\]\.config\.split: .*Fix: did you mean splits\?/,
    ],
    [
      'gives a wrong recording path',
      (t) => t.replace('lfb-counts.csv, model: llama2-7b-chat,', 'lfb-count.csv, model: llama2-7b-chat,'),
      new RegExp(
        String.raw`^stratalign: suite\/mine\.yaml: providers\[base llama2-7b-chat ` +
          String.raw`\[replay\]\]\.config\.recording: no such file .*lfb-count\.csv.*Fix: write the path ` +
          String.raw`relative to the folder of suite\/mine\.yaml`,
      ),
    ],
    [
      'writes the reference relative to the working directory',
      (t) => t.replace(/reference: .*lfb-counts\.csv/, 'reference: datasets/recordings/lfb-counts.csv'),
      new RegExp(
        String.raw`^stratalign: suite\/mine\.yaml: assert\[alignment\]\.config\.reference: no such file ` +
          String.raw`\(looked for suite\/datasets\/recordings\/lfb-counts\.csv\).*Fix: write the path relative ` +
          String.raw`to the folder of suite\/mine\.yaml`,
      ),
    ],
    [
      'misspells the prompt protocol key',
      (t) => t.replace('config: { protocol: letter-only }', 'config: { protocl: letter-only }'),
      new RegExp(
        String.raw`^stratalign: suite\/mine\.yaml: prompts\[letter-only\]\.config\.protocl: unknown key\. ` +
          String.raw`Fix: did you mean protocol\?`,
      ),
    ],
    [
      'misspells a provider key',
      (t) =>
        t.replace(
          'samples: all, seed: 1 }\n    prompts: [letter-only]',
          'sample: all, seed: 1 }\n    prompts: [letter-only]',
        ),
      new RegExp(
        String.raw`^stratalign: suite\/mine\.yaml: providers\[replay llama2-7b-chat\]\.config: unknown ` +
          String.raw`key\(s\) sample \(did you mean samples\?\)`,
      ),
    ],
  ];

  it.each(mistakes)(
    '%s: one line naming it, exit 1, no stack trace, nothing run',
    async (_what, edit, message) => {
      const dir = tempDir();
      movedDefaultConfig(join(dir, 'suite'), 'mine.yaml', edit);
      const run = await runPromptfoo(
        ['eval', '--report', '-c', 'suite/mine.yaml', '--no-table', '-o', join(dir, 'out.json')],
        { stateDir: join(dir, 'state'), cwd: dir },
      );
      expect(run.stderr).not.toMatch(STACK_TRACE);
      expect(run.stdout).not.toMatch(STACK_TRACE);
      expect(run.code).toBe(1);
      expect(ourLines(run)).toHaveLength(1);
      expect(ourLines(run)[0]).toMatch(message);
      // Stopped before any model was called: no results were written.
      expect(existsSync(join(dir, 'out.json'))).toBe(false);
    },
    SLOW,
  );

  it(
    'a missing API key stops the run before any call, naming the variable',
    async () => {
      const dir = tempDir();
      movedDefaultConfig(join(dir, 'suite'), 'mine.yaml', (t) =>
        t.replace(
          / {2}- id: (file:\/\/.*)providers\/replay\.ts\n {4}label: base llama2-7b-chat \[replay\]\n {4}config: .*\n/,
          '  - id: $1providers/openai-compatible.ts\n    label: base gpt-4o-mini\n    config: { model: ' +
            "gpt-4o-mini, protocol: letter-only, baseUrl: 'http://127.0.0.1:9/v1', apiKeyEnv: " +
            'STRATALIGN_TEST_UNSET_KEY, role: base }\n',
        ),
      );
      const run = await runPromptfoo(['eval', '--report', '-c', 'suite/mine.yaml', '--no-table'], {
        stateDir: join(dir, 'state'),
        cwd: dir,
        env: { STRATALIGN_TEST_UNSET_KEY: undefined },
      });
      expect(run.stderr).not.toMatch(STACK_TRACE);
      expect(run.code).toBe(1);
      expect(ourLines(run)).toEqual([
        'stratalign: suite/mine.yaml: providers[base gpt-4o-mini].config.apiKeyEnv: the environment variable ' +
          'STRATALIGN_TEST_UNSET_KEY is not set, so every call would fail. Fix: export ' +
          'STRATALIGN_TEST_UNSET_KEY=<your key> before the run (keys are read only from the environment), or set ' +
          'apiKeyEnv: null for a keyless local server',
      ]);
    },
    SLOW,
  );

  it(
    'a config with only the end-of-eval hook still fails in report mode, naming the mistake, and scores nothing ' +
      'silently',
    async () => {
      const dir = tempDir();
      movedDefaultConfig(join(dir, 'suite'), 'mine.yaml', (t) =>
        oneGame(t)
          .replace('maxDistance: 0.1', 'maxDistnace: 0.1')
          .replace(/\n {2}- file:\/\/.*config-check\.ts:beforeAll.*/, ''),
      );
      const run = await runPromptfoo(
        ['eval', '--report', '-c', 'suite/mine.yaml', '--no-table', '-o', join(dir, 'out.json')],
        { stateDir: join(dir, 'state'), cwd: dir },
      );
      expect(run.stderr).not.toMatch(STACK_TRACE);
      expect(run.code).toBe(1);
      expect(ourLines(run)).toEqual([
        expect.stringMatching(
          /^stratalign: suite\/mine\.yaml: assert\[alignment\]\.config \(maxDistnace\): .*did you mean maxDistance\?/,
        ),
        'stratalign: suite/mine.yaml: no row of this eval was scored by the alignment assertion (first: because of ' +
          'the config problem above)',
        'stratalign: failing the run because of the problem(s) above.',
      ]);
      // Every row's reason names the config the run was started with, not promptfooconfig.yaml.
      const rows = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).results.results as {
        gradingResult: { reason: string };
      }[];
      expect(rows).toHaveLength(24);
      expect(
        rows.every((r) =>
          r.gradingResult.reason.startsWith('stratalign: suite/mine.yaml: assert[alignment].config (maxDistnace)'),
        ),
      ).toBe(true);
    },
    SLOW,
  );

  it(
    'gates with a share-like threshold: one line with the value to write, exit 2',
    async () => {
      const run = await runNode([
        'bin/stratalign.mjs',
        'gate',
        'datasets/recordings/lfb-counts.csv',
        '--min',
        'paper-improvement@split=in-sample=0.4',
      ]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toEqual([
        'stratalign gate: --min paper-improvement@split=in-sample=0.4: paper-improvement is in percent, so 0.4 ' +
          'would mean 0.4 %, which looks like a share (got 0.4). Fix: write 40 for 40 %',
      ]);
    },
    SLOW,
  );
});

describe('two evals at once in one checkout', () => {
  it(
    'both finish; the one that waits says why in one line',
    async () => {
      const dir = tempDir();
      const state = join(dir, 'state');
      const config = relative(ROOT, movedDefaultConfig(join(dir, 'suite'), 'mine.yaml', oneGame));
      const runs = await Promise.all(
        ['a', 'b'].map((k) =>
          runPromptfoo(['eval', '--report', '-c', config, '--no-table', '-o', join(dir, `${k}.json`)], {
            stateDir: state,
          }),
        ),
      );
      for (const run of runs) {
        expect(run.stderr).not.toMatch(/Error saving result|SQLITE_BUSY:|database is locked/);
        expect(run.code, run.stderr).toBe(0);
      }
      const waited = runs.flatMap(ourLines).filter((l) => l.startsWith('stratalign: waiting for another eval'));
      expect(waited).toHaveLength(1);
      expect(waited[0]).toMatch(
        new RegExp(
          String.raw`^stratalign: waiting for another eval \(pid \d+, ` +
            '`promptfoo eval --report -c .*`' +
            String.raw`, since .*\) to finish: it uses .*state, and two at once crash promptfoo's database ` +
            String.raw`\(SQLITE_BUSY\); to run both now, give this one its own PROMPTFOO_CONFIG_DIR\.$`,
        ),
      );
      expect(existsSync(join(dir, 'a.json')) && existsSync(join(dir, 'b.json'))).toBe(true);
    },
    SLOW,
  );
});
