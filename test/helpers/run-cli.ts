import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type CliRun = { code: number; stdout: string; stderr: string };

/**
 * Runs the CLI in-process with in-memory streams: cwd defaults to the repository root, stdin
 * to the given chunks (none unless a command reads it).
 */
export async function run(args: string[], cwd = ROOT, stdin: Iterable<string> = []): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (d: Buffer) => out.push(d.toString('utf8')));
  stderr.on('data', (d: Buffer) => err.push(d.toString('utf8')));
  const code = await runCli(args, { stdin: Readable.from(stdin), stdout, stderr, cwd });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
