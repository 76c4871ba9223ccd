import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type Run = { code: number | null; stdout: string; stderr: string };

/**
 * Runs a command line the way a user does, with pipes for output (not a terminal), and resolves
 * when it exits. `env` adds to the test's environment; give each run its own PROMPTFOO_CONFIG_DIR.
 */
export function runNode(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; onStderr?: (text: string) => void } = {},
): Promise<Run> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
      options.onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

/** `node scripts/promptfoo.mjs <args>`: the wrapper every npm script uses. */
export function runPromptfoo(
  args: string[],
  options: Parameters<typeof runNode>[1] & { stateDir: string },
): Promise<Run> {
  return runNode([join(ROOT, 'scripts/promptfoo.mjs'), ...args], {
    ...options,
    env: { PROMPTFOO_CONFIG_DIR: options.stateDir, ...options.env },
  });
}

/**
 * The default config as a user who moves it into `dir` writes it: every path it names (file://
 * references, the recording, the reference) rewritten relative to its new folder. `edit` changes
 * the text further, e.g. to make a mistake.
 */
export function movedDefaultConfig(
  dir: string,
  name = 'promptfooconfig.yaml',
  edit: (text: string) => string = (t) => t,
): string {
  const up = relative(dir, ROOT).split('\\').join('/');
  const text = readFileSync(join(ROOT, 'promptfooconfig.yaml'), 'utf8')
    .replaceAll('file://', `file://${up}/`)
    .replaceAll('recording: datasets/', `recording: ${up}/datasets/`)
    .replaceAll('reference: datasets/', `reference: ${up}/datasets/`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, edit(text));
  return file;
}

/** No Node or promptfoo stack trace in a command's output. */
export const STACK_TRACE = /^\s+at .+[:(].*\d+:\d+\)?$/m;
