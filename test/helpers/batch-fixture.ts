// The set-up the batch test files share: a temp collection directory per call, the API key in the
// environment, and after each test the child process it started killed (if still running) and the
// loopback batch server closed; plus a collection planned in-process for tests that drive
// Collection directly, and the check that every custom_id was recorded once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { anthropicBatchApi } from '../../providers/batch/anthropic-batch.js';
import { openAIBatchApi } from '../../providers/batch/openai-batch.js';
import type { Catalogue } from '../../src/catalogue/catalogue.js';
import { resolveScenario } from '../../src/catalogue/scenarios/scenario.js';
import { buildPlan } from '../../src/sources/batch/plan-builder.js';
import { writePlan } from '../../src/sources/batch/plan-file.js';
import { planItems } from '../../src/sources/batch/plan.js';
import {
  KEY,
  KEY_ENV,
  recordedCounts,
  spawnBatch,
  startBatchServer,
  type BatchChild,
  type BatchServer,
} from '../batch-helpers.js';
import type { BatchRoutesOptions } from '../loopback/batch-routes.js';
import { useTempDirs } from './temp-dir.js';

/** Poll the loopback server without waiting. */
export const FAST = ['--poll-interval', '0.01'];

export type BatchFixture = {
  /** A fresh temp directory, removed after the test. */
  tempDir: () => string;
  /** Starts the loopback batch server; it is closed after the test. */
  startServer: (options?: BatchRoutesOptions) => Promise<BatchServer>;
  /** Runs `stratalign batch <args>` in a child process; killed after the test if it still runs. */
  spawn: (args: string[]) => BatchChild;
};

/** Registers the hooks of a batch test file (call it once, at its top level). */
export function useBatchFixture(): BatchFixture {
  const tempDir = useTempDirs();
  let server: BatchServer | undefined;
  let running: BatchChild | undefined;
  beforeEach(() => {
    process.env[KEY_ENV] = KEY;
  });
  afterEach(async () => {
    const child = running?.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    running = undefined;
    await server?.close();
    server = undefined;
  });
  return {
    tempDir,
    startServer: async (options) => {
      server = await startBatchServer(options);
      return server;
    },
    spawn: (args) => {
      running = spawnBatch(args);
      return running;
    },
  };
}

/** A collection of 6 samples of biz/prison planned in-process in `dir`, against the loopback server. */
export async function plannedDir(
  dir: string,
  provider: 'openai' | 'anthropic',
  s: BatchServer,
  catalogue: Catalogue,
): Promise<string> {
  const plan = buildPlan(
    {
      provider,
      model: 'm',
      protocol: 'letter-only',
      samples: 6,
      scenarios: [{ scenario: resolveScenario(catalogue, 'biz/prison'), split: 'in-sample' }],
      sampling: { max_tokens: 5 },
      baseUrl: s.baseUrl(provider),
      apiKeyEnv: KEY_ENV,
    },
    catalogue,
  );
  await writePlan(dir, plan, planItems(plan, catalogue));
  return dir;
}

/** The provider's batch API for the plan in `dir`, as the CLI builds it. */
export function apiFor(provider: 'openai' | 'anthropic', dir: string) {
  const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
  return provider === 'openai' ? openAIBatchApi(plan) : anthropicBatchApi(plan);
}

/** Every custom_id of the collection in `dir` recorded exactly once, `expected` of them. */
export function expectEveryIdOnce(dir: string, expected: number): void {
  const counts = recordedCounts(dir);
  expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
  expect(counts.size).toBe(expected);
}
