import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { StratalignError } from '../src/shared/errors.js';
import { configErrorLine, isPromptfooCli } from '../src/eval/config/config-error.js';
import { checkConfigKeys, configMentionsAlignment } from '../src/eval/config/config-keys.js';
import { configFlag, configLocation, resolveFromConfig } from '../src/shared/config-location.js';
import { checkSuite } from '../src/eval/config/suite-check.js';
import { coverageProblems, scoringCoverage } from '../src/report/summary/scoring-coverage.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const catalogue = defaultCatalogue();
const ROOT = process.cwd();
const argv = (...args: string[]) => ['/usr/bin/node', '/x/node_modules/promptfoo/dist/src/entrypoint.js', ...args];

describe('the config a promptfoo run was started with', () => {
  it('is the first -c/--config value, in every form commander accepts', () => {
    expect(configFlag(['eval', '-c', 'a.yaml', '-o', 'x.json'])).toBe('a.yaml');
    expect(configFlag(['eval', '--config', 'suites/a.yaml', 'b.yaml'])).toBe('suites/a.yaml');
    expect(configFlag(['eval', '--config=suites/a.yaml'])).toBe('suites/a.yaml');
    expect(configFlag(['eval', '-csuites/a.yaml'])).toBe('suites/a.yaml');
    expect(configFlag(['eval', '-o', 'x.json'])).toBeNull();
    expect(configFlag(['eval', '--', '-c', 'a.yaml'])).toBeNull();
  });

  it('names the file as given, and reads relative paths from its folder, as promptfoo does', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'suites'));
    writeFileSync(join(dir, 'suites', 'promptfooconfig.yml'), 'prompts: []\n');
    writeFileSync(join(dir, 'promptfooconfig.json'), '{}\n');
    expect(configLocation(argv('eval', '-c', 'suites/mine.yaml'), dir)).toEqual({
      file: 'suites/mine.yaml',
      dir: join(dir, 'suites'),
      fromFlag: true,
    });
    // A folder stands for its promptfooconfig.*, in promptfoo's order of extensions.
    expect(configLocation(argv('eval', '-c', 'suites'), dir)).toEqual({
      file: join('suites', 'promptfooconfig.yml'),
      dir: join(dir, 'suites'),
      fromFlag: true,
    });
    // No -c: promptfoo's default config in the working directory.
    expect(configLocation(argv('eval'), dir)).toEqual({ file: 'promptfooconfig.json', dir, fromFlag: false });
    expect(resolveFromConfig('../data/x.csv', { dir: join(dir, 'suites') })).toBe(join(dir, 'data', 'x.csv'));
    expect(resolveFromConfig('/abs/x.csv', { dir })).toBe('/abs/x.csv');
  });

  it('tells the promptfoo command line from a Node API run or a test runner', () => {
    expect(isPromptfooCli(argv('eval'))).toBe(true);
    expect(isPromptfooCli(['/usr/bin/node', '/x/node_modules/.bin/promptfoo', 'eval'])).toBe(true);
    expect(isPromptfooCli(process.argv)).toBe(false);
  });

  it('is filled into errors that do not know their file', () => {
    const err = new StratalignError({ field: 'providers[x].config.model' }, 'required', 'set model');
    expect(configErrorLine(err, { file: 'suites/mine.yaml' })).toBe(
      'stratalign: suites/mine.yaml: providers[x].config.model: required. Fix: set model',
    );
    const named = new StratalignError({ file: 'other.csv', field: 'line 3' }, 'bad', 'fix it');
    expect(configErrorLine(named, { file: 'suites/mine.yaml' })).toBe(
      'stratalign: other.csv: line 3: bad. Fix: fix it',
    );
  });
});

describe('keys promptfoo would ignore', () => {
  function check(text: string) {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.yaml'), text);
    return checkConfigKeys({ file: 'c.yaml', dir }, dir).map((e) => e.message);
  }

  it('are named with the key they were probably meant to be', () => {
    expect(check('prompts: [a]\ndefaultTests:\n  assert: []\n')).toEqual([
      'c.yaml: defaultTests: unknown key (promptfoo ignores it). Fix: did you mean defaultTest?',
    ]);
    expect(check('prompts: [a]\nprovider: [x]\n')).toEqual([
      'c.yaml: provider: unknown key (promptfoo ignores it). Fix: did you mean providers?',
    ]);
    expect(check('prompts: [a]\ndefaultTest:\n  asserts: []\n')).toEqual([
      'c.yaml: defaultTest.asserts: unknown key (promptfoo ignores it). Fix: did you mean assert?',
    ]);
    expect(check('tests:\n  - path: file://gen.ts\n    confg: {}\n  - vars: {}\n    asert: []\n')).toEqual([
      'c.yaml: tests[0].confg: unknown key (promptfoo ignores it). Fix: did you mean config?',
      'c.yaml: tests[1].asert: unknown key (promptfoo ignores it). Fix: did you mean assert?',
    ]);
  });

  it('pass the shipped configs untouched', () => {
    for (const file of [
      'promptfooconfig.yaml',
      'promptfooconfig.per-response.yaml',
      'examples/walkthrough/teacher.yaml',
      'examples/walkthrough/students.yaml',
    ]) {
      expect(checkConfigKeys({ file, dir: ROOT }, ROOT), file).toEqual([]);
    }
    expect(configMentionsAlignment({ file: 'promptfooconfig.yaml' })).toBe(true);
    expect(configMentionsAlignment({ file: 'examples/walkthrough/teacher.yaml' })).toBe(false);
  });
});

describe('the loaded suite, checked before any call', () => {
  const location = { file: 'suite/mine.yaml', dir: join(ROOT, 'suite') };
  const replay = (config: object, label = 'base [replay]') => ({
    id: () => 'file://../providers/replay.ts',
    label,
    config,
  });
  const alignmentTest = (config: object) => ({
    assert: [{ type: 'javascript', value: 'file://../assertions/alignment.ts:alignment', config }],
  });

  it('finds nothing wrong with the default config moved one folder down', () => {
    const lines = checkSuite(
      {
        providers: [replay({ recording: '../datasets/recordings/lfb-counts.csv', basePath: 'suite' })],
        defaultTest: alignmentTest({ reference: '../datasets/recordings/lfb-counts.csv', maxDistance: 0.1 }),
        tests: [{ description: 'IR/prison', vars: { scenario: 'IR/prison' } }],
      },
      { location, catalogue },
    );
    expect(lines).toEqual([]);
  });

  it('names each problem once, with the config file, the key and the fix', () => {
    const lines = checkSuite(
      {
        providers: [
          replay({ recording: 'datasets/recordings/lfb-counts.csv', basePath: 'suite' }),
          {
            id: () => 'file://../providers/openai-compatible.ts',
            label: 'ft',
            config: { apiKeyEnv: 'STRATALIGN_TEST_NO_SUCH_KEY' },
          },
          {
            id: () => 'file://../providers/replay.ts',
            label: 'broken',
            configError: 'stratalign: suite/mine.yaml: providers[replay x].config: unknown key(s) sample',
          },
        ],
        defaultTest: alignmentTest({ reference: '../datasets/recordings/lfb-counts.csv', maxDistnace: 0.1 }),
        tests: [
          { ...alignmentTest({ reference: 'nowhere.json' }), description: 'x', vars: { scenario: 'IR/prisoner' } },
          { ...alignmentTest({ reference: 'nowhere.json' }), vars: { scenario: 'IR/prison' } },
        ],
      },
      { location, catalogue, env: {}, cwd: ROOT },
    );
    expect(lines).toEqual([
      'stratalign: suite/mine.yaml: providers[base [replay]].config.recording: no such file (looked for ' +
        'suite/datasets/recordings/lfb-counts.csv) (got "datasets/recordings/lfb-counts.csv"). Fix: write the path ' +
        'relative to the folder of suite/mine.yaml (suite), as promptfoo reads file:// paths, or give an ' +
        'absolute path',
      'stratalign: suite/mine.yaml: providers[ft].config.apiKeyEnv: the environment variable ' +
        'STRATALIGN_TEST_NO_SUCH_KEY is not set, so every call would fail. Fix: export ' +
        'STRATALIGN_TEST_NO_SUCH_KEY=<your key> before the run (keys are read only from the environment), or set ' +
        'apiKeyEnv: null for a keyless local server',
      'stratalign: suite/mine.yaml: providers[replay x].config: unknown key(s) sample',
      expect.stringMatching(
        new RegExp(
          String.raw`^stratalign: suite\/mine\.yaml: assert\[alignment\]\.config \(maxDistnace\): Unrecognized ` +
            String.raw`key: "maxDistnace"\. Fix: did you mean maxDistance\?`,
        ),
      ),
      'stratalign: suite/mine.yaml: assert[alignment].config.reference: no such file (looked for ' +
        'suite/nowhere.json) (got "nowhere.json"). Fix: write the path relative to the folder of suite/mine.yaml ' +
        '(suite), as promptfoo reads file:// paths, or give an absolute path',
      expect.stringMatching(
        /^stratalign: suite\/mine\.yaml: tests\[0\] \(x\)\.vars\.scenario: unknown game \(got "prisoner"\)/,
      ),
    ]);
  });

  it('checks the scenario prompt: a known protocol on the entry, or in every test', () => {
    const fn = 'function scenarioPrompt({ vars, config }) {}';
    const tests = [{ vars: { scenario: 'IR/prison' } }];
    const check = (config: object, t = tests) =>
      checkSuite({ prompts: [{ raw: fn, label: 'p', config }], tests: t }, { location, catalogue });
    expect(check({ protocol: 'reasoned' })).toEqual([]);
    expect(check({ protocol: 'resoned' })).toEqual([
      expect.stringMatching(/^stratalign: suite\/mine\.yaml: prompts\[p\]\.config\.protocol: /),
    ]);
    expect(check({})).toEqual([
      'stratalign: suite/mine.yaml: prompts[p].config.protocol: the scenario prompt has no protocol. Fix: set ' +
        'config: { protocol: reasoned | letter-only } on the prompt entry (or vars.protocol in every test)',
    ]);
    expect(check({}, [{ vars: { scenario: 'IR/prison', protocol: 'reasoned' } } as never])).toEqual([]);
    // Prompts that are not the scenario prompt are not ours to check.
    expect(
      checkSuite({ prompts: [{ raw: 'Answer {{q}}', label: 'x', config: { anything: 1 } }] }, { location, catalogue }),
    ).toEqual([]);
  });

  it('reads a reference relative to the config, not the working directory', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'deep', 'er'), { recursive: true });
    copyFileSync(join(ROOT, 'datasets/recordings/lfb-counts.csv'), join(dir, 'deep', 'er', 'teacher.csv'));
    const suite = { defaultTest: alignmentTest({ reference: 'teacher.csv' }) };
    expect(
      checkSuite(suite, { location: { file: 'deep/er/c.yaml', dir: join(dir, 'deep', 'er') }, catalogue, cwd: dir }),
    ).toEqual([]);
    expect(checkSuite(suite, { location: { file: 'c.yaml', dir }, catalogue, cwd: dir })).toHaveLength(1);
  });
});

describe('rows the alignment assertion scored', () => {
  const value = 'file://assertions/alignment.ts:alignment';
  const row = (label: string, over: object) => ({
    provider: { label },
    vars: { split: 'in-sample' },
    testCase: { assert: [{ value }] },
    ...over,
  });
  const scored = (pass: boolean) => ({
    gradingResult: {
      componentResults: [{ pass, reason: 'ok', namedScores: { cooperation: 1 }, assertion: { value } }],
    },
  });

  it('counts scored, failed-provider and unscorable rows, and the eval gate per model and split', () => {
    const c = scoringCoverage([
      row('ft', scored(true)),
      row('ft', scored(false)),
      row('base', { failureReason: 2, error: 'connection refused', gradingResult: null }),
      row('base', {
        gradingResult: {
          componentResults: [{ pass: false, reason: 'stratalign: c.yaml: no such reference', assertion: { value } }],
        },
      }),
      { provider: { label: 'other' }, testCase: { assert: [{ value: 'contains' }] } },
    ]);
    expect(c).toMatchObject({
      withAssertion: 4,
      scored: 2,
      providerErrors: 1,
      notScored: 1,
      firstReason: 'stratalign: c.yaml: no such reference',
    });
    expect(c.outcomes.get('ft')?.get('in-sample')).toEqual({ passed: 1, scored: 2 });
    expect(coverageProblems(c, true, 'c.yaml')).toEqual([
      'stratalign: c.yaml: only 2 of 4 rows with the alignment assertion were scored; 1 could not be (first: ' +
        'stratalign: c.yaml: no such reference)',
    ]);
  });

  it('fails a config that names the assertion but got it applied to no row; a collection run is fine', () => {
    const none = scoringCoverage([{ provider: { label: 'teacher' }, testCase: { assert: [] } }]);
    expect(coverageProblems(none, true, 'c.yaml')).toEqual([
      'stratalign: c.yaml: no row of this eval was scored by the alignment assertion: promptfoo applied it to no ' +
        "test. Fix: put it under defaultTest.assert (or a test's assert), spelled as promptfoo expects",
    ]);
    expect(coverageProblems(none, false, 'c.yaml')).toEqual([]);
    const lost = scoringCoverage([row('ft', { failureReason: 2, gradingResult: null })]);
    expect(coverageProblems(lost, true, 'c.yaml')).toEqual([
      'stratalign: c.yaml: no row of this eval was scored by the alignment assertion (all 1 ended in provider ' +
        'errors (see LOST ANSWERS))',
    ]);
  });
});
