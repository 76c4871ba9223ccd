// scripts/promptfoo.mjs, which every npm script runs: one eval at a time per state folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPromptfoo } from './helpers/run-promptfoo.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const SLOW = 120_000;

function holdLock(stateDir: string, pid: number): string {
  mkdirSync(stateDir, { recursive: true });
  const lock = join(stateDir, 'stratalign-eval.lock');
  writeFileSync(
    lock,
    JSON.stringify({ pid, started: '2026-01-01T00:00:00.000Z', command: 'promptfoo eval -c other.yaml', cwd: '/x' }),
  );
  return lock;
}

describe('the eval lock of a state folder', () => {
  it(
    'makes a second eval wait, saying why in one line, and go on when the first is done',
    async () => {
      const state = join(tempDir(), 'state');
      const lock = holdLock(state, process.pid);
      const run = await runPromptfoo(['eval', '--help'], {
        stateDir: state,
        // The "first eval" finishes once the second has said it waits.
        onStderr: (text) => text.includes('waiting for another eval') && rmSync(lock, { force: true }),
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Usage:');
      const ours = run.stderr.split('\n').filter((l) => l.startsWith('stratalign'));
      expect(ours).toEqual([
        `stratalign: waiting for another eval (pid ${process.pid}, \`promptfoo eval -c other.yaml\`, since ` +
          `2026-01-01T00:00:00.000Z) to finish: it uses ${state}, and two at once crash promptfoo's database ` +
          `(SQLITE_BUSY); to run both now, give this one its own PROMPTFOO_CONFIG_DIR.`,
      ]);
      expect(existsSync(lock)).toBe(false); // released after the run
    },
    SLOW,
  );

  it(
    'stops instead with STRATALIGN_EVAL_LOCK=fail, and leaves the other eval its lock',
    async () => {
      const state = join(tempDir(), 'state');
      const lock = holdLock(state, process.pid);
      const run = await runPromptfoo(['eval', '--help'], { stateDir: state, env: { STRATALIGN_EVAL_LOCK: 'fail' } });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          new RegExp(
            String.raw`^stratalign: stopping: another eval \(pid \d+, ` +
              '`promptfoo eval -c other\\.yaml`' +
              String.raw`.*\) uses .*state; two at once crash promptfoo's database \(SQLITE_BUSY\)\. ` +
              String.raw`Run it later, or give this one its own PROMPTFOO_CONFIG_DIR\.$`,
          ),
        ),
      ]);
      expect(existsSync(lock)).toBe(true);
    },
    SLOW,
  );

  it(
    'takes over a lock left by a process that no longer runs',
    async () => {
      const state = join(tempDir(), 'state');
      const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
      holdLock(state, gone);
      const run = await runPromptfoo(['eval', '--help'], { stateDir: state, env: { STRATALIGN_EVAL_LOCK: 'fail' } });
      expect(run.code).toBe(0);
      expect(run.stderr).not.toContain('stratalign:');
    },
    SLOW,
  );

  it(
    'is not taken by commands that do not evaluate',
    async () => {
      const state = join(tempDir(), 'state');
      holdLock(state, process.pid);
      const run = await runPromptfoo(['--version'], { stateDir: state, env: { STRATALIGN_EVAL_LOCK: 'fail' } });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^\d+\.\d+\.\d+/);
    },
    SLOW,
  );
});

describe('a config with a YAML syntax error', () => {
  it(
    'stops the eval with one line naming the file, line and column, not a stack trace',
    async () => {
      const dir = tempDir();
      const config = join(dir, 'broken.yaml');
      writeFileSync(config, 'prompts:\n  - "x"\nproviders: [\n  - id: echo\ntests: []\n');
      const run = await runPromptfoo(['eval', '-c', config, '--no-table'], { stateDir: join(dir, 'state') });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^stratalign: .*broken\.yaml: YAML syntax error at line \d+, column \d+: .+\. Fix the YAML there/,
        ),
      ]);
    },
    SLOW,
  );
});
