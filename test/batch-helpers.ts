// Shared set-up for the batch tests: a loopback server with batch routes, the CLI with the batch
// command, and readers for what a collection directory holds.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { batchCommand } from '../providers/batch/command.js';
import { runCli } from '../src/cli/main.js';
import { LoopbackBatches, type BatchRoutesOptions } from './loopback/batch-routes.js';
import { startLoopbackServer, type LoopbackServer } from './loopback/server.js';

export const KEY_ENV = 'STRATALIGN_TEST_BATCH_KEY';
export const KEY = 'sk-loopback-batch-7c1e93a0d2';
export const ROOT = new URL('../', import.meta.url).pathname;

export type BatchServer = {
  server: LoopbackServer;
  batches: LoopbackBatches;
  baseUrl(provider: 'openai' | 'anthropic'): string;
  close(): Promise<void>;
};

export async function startBatchServer(options: BatchRoutesOptions = {}): Promise<BatchServer> {
  const batches = new LoopbackBatches(options);
  const server = await startLoopbackServer({ batches });
  return {
    server,
    batches,
    baseUrl: (provider) => (provider === 'openai' ? `${server.url}/v1` : server.url),
    close: async () => {
      await batches.settled();
      await server.close();
    },
  };
}

/** Plan options for a small collection against the loopback server. */
export function planArgs(provider: 'openai' | 'anthropic', server: BatchServer, extra: string[] = []): string[] {
  return [
    '--provider',
    provider,
    '--model',
    provider === 'openai' ? 'gpt-teacher' : 'claude-teacher',
    '--protocol',
    'letter-only',
    '--max-tokens',
    '5',
    '--base-url',
    server.baseUrl(provider),
    '--api-key-env',
    KEY_ENV,
    '--role',
    'teacher',
    ...extra,
  ];
}

export async function cli(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const code = await runCli(args, { stdin: new PassThrough(), stdout, stderr, cwd }, [batchCommand]);
  return { code, stdout: out, stderr: err };
}

export function jsonLines(file: string): any[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

export const recordingOf = (dir: string) => jsonLines(join(dir, 'recording.jsonl'));
export const journalOf = (dir: string) => jsonLines(join(dir, 'journal.jsonl'));
export const errorsOf = (dir: string) => jsonLines(join(dir, 'errors.jsonl'));

/** custom_id → how many recording lines carry it. */
export function recordedCounts(dir: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sample of recordingOf(dir))
    counts.set(sample.provenance.customId, (counts.get(sample.provenance.customId) ?? 0) + 1);
  return counts;
}

/** The `requested = recorded + missing` line of a summary, as numbers. */
export function accounting(stdout: string): { requested: number; recorded: number; missing: number } {
  const match = /requested ([\d,]+) = recorded ([\d,]+) \+ missing ([\d,]+)/.exec(stdout);
  if (!match) throw new Error(`no accounting line in:\n${stdout}`);
  const [requested, recorded, missing] = match.slice(1).map((s) => Number(s.replace(/,/g, '')));
  return { requested: requested!, recorded: recorded!, missing: missing! };
}

export type ChildExit = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };
export type BatchChild = { child: ChildProcess; exited: Promise<ChildExit>; output: () => string };

/** Runs `stratalign batch <args>` in a child process (for real signals and kills). */
export function spawnBatch(args: string[]): BatchChild {
  const child = spawn(process.execPath, ['bin/stratalign.mjs', 'batch', ...args], {
    cwd: ROOT,
    env: { ...process.env, [KEY_ENV]: KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<ChildExit>((done) =>
    child.on('exit', (code, signal) => done({ code, signal, stdout, stderr })),
  );
  return { child, exited, output: () => `${stdout}\n${stderr}` };
}

/** Child processes start slowly on a loaded machine (tsx compiles on start): generous deadlines, no timing claims. */
export const CHILD_TEST_TIMEOUT = 120_000;

export async function waitFor(what: string, ready: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the child wrote:\n${output()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
