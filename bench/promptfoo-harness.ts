// Shared by the sections that drive promptfoo's Node API: where the plugin files are, a skip when
// they are missing, and one timed evaluate() call that reports what promptfoo counted.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { EvaluateOptions, EvaluateTestSuite } from 'promptfoo';
import { BenchSkip } from './format-table.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RECORDING = join(ROOT, 'datasets/recordings/lfb-counts.csv');
export const REPLAY_PROVIDER = `file://${join(ROOT, 'providers/replay.ts')}`;
export const ALIGNMENT_ASSERTION = `file://${join(ROOT, 'assertions/alignment.ts')}:alignment`;

/** Throws BenchSkip naming the first plugin file (relative to the repo) that does not exist. */
export function requireFiles(...relative: string[]): void {
  const missing = relative.find((file) => !existsSync(join(ROOT, file)));
  if (missing) throw new BenchSkip(`${missing} not found`);
}

type Promptfoo = {
  evaluate(suite: EvaluateTestSuite, options?: EvaluateOptions): Promise<{ toEvaluateSummary(): Promise<unknown> }>;
};

let loaded: Promise<Promptfoo> | undefined;

/** Imports promptfoo once, after bench/run.ts has set the offline environment. */
export function promptfoo(): Promise<Promptfoo> {
  loaded ??= import('promptfoo').then((m) => (m as unknown as { default: Promptfoo }).default);
  return loaded;
}

export type EvalStats = { successes: number; failures: number; errors: number };
export type EvalRow = { response?: { output?: unknown }; error?: string | null; success?: boolean };
export type TimedEval = { ms: number; stats: EvalStats; results: EvalRow[] };

/** One evaluate() call, timed from the call to the summary; nothing is written to promptfoo's database. */
export async function timedEvaluate(suite: EvaluateTestSuite, options: EvaluateOptions): Promise<TimedEval> {
  const pf = await promptfoo();
  const start = performance.now();
  const record = await pf.evaluate(
    { ...suite, writeLatestResults: false },
    { showProgressBar: false, cache: false, silent: true, ...options },
  );
  const summary = (await record.toEvaluateSummary()) as { stats: EvalStats; results: EvalRow[] };
  return { ms: performance.now() - start, stats: summary.stats, results: summary.results };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "12 ERROR rows: <first error>" when promptfoo counted errors, so a timing of failed rows is never shown as clean. */
export function errorNote(label: string, run: TimedEval): string {
  if (run.stats.errors === 0) return '';
  const first = String(run.results.find((r) => r.error)?.error ?? 'no message').slice(0, 160);
  return ` ${label}: ${run.stats.errors} ERROR rows (${first}); its timing is not representative.`;
}
