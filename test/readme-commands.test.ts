// Every README claim must be true: runs the commands of the README's ```bash blocks, in order, in
// a copy of the project laid out as a fresh clone (sharing this checkout's node_modules), and
// checks that each one exits 0 without a stack trace. Commands that need an API key, the network
// or the whole test suite are skipped by the small list below, each with its reason; a new
// README command that needs keys or network belongs on it, with why.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, STACK_TRACE } from './helpers/run-promptfoo.js';

type Skip = { pattern: RegExp; why: string; rest?: 'block' };

/** What is not run, and why. `npm ci && x` runs x: the copy already has this checkout's install. */
const SKIP: Skip[] = [
  { pattern: /^npm (test|run test)\b/, why: 'the test suite itself, which this test is part of' },
  {
    pattern: /^export \w*(API_KEY|TOKEN)=/,
    why: 'sets an API key: the rest of its block calls a paid API over the network',
    rest: 'block',
  },
  {
    pattern: /stratalign batch (run|resume|submit|status|collect|cancel)\b/,
    why: "talks to OpenAI's or Anthropic's batch API (key and network)",
  },
  {
    pattern: /^npm run (bench|eval:per-response|test:compat)\b/,
    why:
      'minutes long (bench, 28,800-row per-response run, Node 22 install); ' +
      'run by hand, the figures in the README come from them',
  },
];

/** The commands of the README's bash blocks, continuation lines joined, comments and blanks dropped. */
function readmeCommands(markdown: string): { block: number; command: string }[] {
  const out: { block: number; command: string }[] = [];
  const blocks = [...markdown.matchAll(/^```bash\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  blocks.forEach((text, block) => {
    for (const line of text.replace(/\\\n\s*/g, ' ').split('\n')) {
      const command = line.trim();
      if (command && !command.startsWith('#')) out.push({ block, command });
    }
  });
  return out;
}

/** The project as a fresh clone has it: tracked files only, no out/, .promptfoo/ or .compat/. */
function freshCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stratalign-readme-'));
  const skip = new Set([
    'node_modules',
    '.git',
    '.promptfoo',
    'out',
    '.compat',
    'coverage',
    'test',
    'bench',
    'scratch',
  ]);
  for (const entry of readdirSync(ROOT))
    if (!skip.has(entry) && !entry.startsWith('report.'))
      cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const copy = freshCopy();
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('the README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const commands = readmeCommands(readme);

  it('runs every offline command of its bash blocks, in order, in a fresh copy of the project', () => {
    const ran: string[] = [];
    const skipped: string[] = [];
    const skippedBlocks = new Set<number>();
    const env = { ...process.env };
    delete env.PROMPTFOO_CONFIG_DIR; // the wrapper's default, the copy's own .promptfoo/, as for a user
    for (const { block, command } of commands) {
      const run = command.replace(/^npm ci && /, '');
      const skip = SKIP.find((s) => s.pattern.test(run));
      if (skippedBlocks.has(block) || skip) {
        if (skip?.rest === 'block') skippedBlocks.add(block);
        skipped.push(`${command}  (${skip?.why ?? 'rest of a block that calls a paid API'})`);
        continue;
      }
      const result = spawnSync('bash', ['-o', 'pipefail', '-c', run], {
        cwd: copy,
        env,
        encoding: 'utf8',
        timeout: 600_000,
      });
      const output = `${result.stdout}\n${result.stderr}`;
      // A README command that is meant to fail says so in its comment: `# exits 1: ...`.
      const expected = Number(/#\s*exits (\d+)/.exec(command)?.[1] ?? 0);
      expect(result.status, `README command exited otherwise than it says: ${command}\n${output.slice(-3000)}`).toBe(
        expected,
      );
      expect(output, `stack trace from: ${command}`).not.toMatch(STACK_TRACE);
      ran.push(command);
    }
    // Guards against a vacuous pass: the default eval, the report, the gate and the walk-through ran.
    expect(ran).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^npm run eval && npm run gate\b/),
        expect.stringMatching(/^npx stratalign report datasets\/recordings\/lfb-counts\.csv/),
      ]),
    );
    expect(ran.filter((c) => c.includes('walkthrough'))).toHaveLength(6);
    expect(skipped.length).toBeLessThan(ran.length);
  }, 1_500_000);

  it('shows the end-of-eval summary exactly as npm run eval prints it', () => {
    const shown = /The summary printed at the end of `npm run eval`[\s\S]*?```\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(shown).toBeDefined();
    const result = spawnSync('npm', ['run', 'eval'], {
      cwd: copy,
      encoding: 'utf8',
      timeout: 600_000,
      env: { ...process.env, PROMPTFOO_CONFIG_DIR: join(copy, '.promptfoo-summary') },
    });
    expect(result.status).toBe(0);
    const printed = result.stdout.slice(result.stdout.indexOf('stratalign summary'));
    for (const line of shown!.trimEnd().split('\n'))
      expect(printed.split('\n'), `README line not printed: ${line}`).toContain(line);
  }, 600_000);
});
