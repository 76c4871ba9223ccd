import { resolve } from 'node:path';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { defaultCatalogue } from '../../catalogue/index.js';
import { UsageError, type Command, type CommandIO } from '../../shared/command.js';
import { isStratalignError } from '../../shared/errors.js';
import { sanitizeForTerminal } from '../../shared/terminal.js';
import type { BatchApi } from './api.js';
import { BATCH_USAGE } from './batch-usage.js';
import { parseBatchArgs, type BatchArgs } from './cli-options.js';
import { checkCollectionDir, recordBaseUrl, recordedBaseUrl } from './collection-dir.js';
import { Collection } from './collection.js';
import { CreateNeedsDecision } from './creation.js';
import { buildPlan, checkBaseUrl } from './plan-builder.js';
import { writePlan } from './plan-file.js';
import { loadPlan, planItems, type CollectionPlan } from './plan.js';
import { ERRORS_FILE, RECORDING_FILE } from './recording.js';
import { renderSummary } from './render-summary.js';
import { chunkRequests, collectionLimits } from './request-files.js';
import { summarize } from './summary.js';

/** Builds the API client for a plan; providers/batch supplies it, so src/ needs no SDK. */
export type OpenBatchApi = (plan: CollectionPlan) => Promise<BatchApi>;

type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
const sleep: Sleep = (ms, signal) => sleepFor(ms, undefined, { signal });

export function createBatchCommand(openApi: OpenBatchApi): Command {
  return {
    name: 'batch',
    summary: 'Collect teacher answers through the OpenAI or Anthropic batch API, resumably',
    usage: BATCH_USAGE,
    run: (args, io) => runBatch(parseBatchArgs(args), io, openApi),
  };
}

async function runBatch(args: BatchArgs, io: CommandIO, openApi: OpenBatchApi): Promise<number> {
  const dir = resolve(io.cwd, args.dir);
  const log = (line: string) => io.stderr.write(`${sanitizeForTerminal(line)}\n`);
  // Before anything is created or written: a file, or a folder of someone else's, is refused.
  checkCollectionDir(dir);
  const catalogue = defaultCatalogue();
  if (args.plan) {
    const plan = buildPlan(args.plan(catalogue), catalogue);
    const items = planItems(plan, catalogue);
    // Split first: a request larger than a batch may be is refused before anything is written.
    const batches = [...chunkRequests(items, plan, collectionLimits(plan))];
    const { written, stored } = await writePlan(dir, plan, items);
    // Planning again may correct the base URL (nothing else): the journal records it, plan.json stays.
    if (args.step === 'plan' && args.baseUrl !== null) await recordBaseUrl(dir, stored.baseUrl, plan.baseUrl, log);
    const sizes = plan.batchLimits ? ` (at most ${describeLimits(plan.batchLimits)} per batch)` : '';
    const total = items.length.toLocaleString('en-US');
    const requests = `${plan.scenarios.length} scenarios × ${plan.samplesPerScenario} samples = ${total} requests`;
    const target = `${plan.provider} ${sanitizeForTerminal(plan.model)}, protocol ${plan.protocol}`;
    const split = `${batches.length} ${batches.length === 1 ? 'batch' : 'batches'} within the limits${sizes}`;
    const what = written ? 'planned' : 'plan already in place';
    io.stdout.write(`${what}: ${requests} to ${target}; ${split} (${dir}/plan.json)\n`);
    if (args.step === 'plan') return 0;
  }
  const { plan } = loadPlan(dir, catalogue);
  if (args.provider && args.provider !== plan.provider)
    throw new UsageError(`--provider ${args.provider}, but the collection in ${args.dir} uses ${plan.provider}`);
  collectionLimits(plan, args.limits);
  const baseUrl = args.baseUrl === null ? null : checkBaseUrl(args.baseUrl);
  const api = await openApi({ ...plan, baseUrl: baseUrl ?? recordedBaseUrl(dir) ?? plan.baseUrl });
  const controller = new AbortController();
  const collection = await Collection.open({
    dir,
    api,
    catalogue,
    limits: args.limits,
    policy: args.policy,
    baseUrl,
    signal: controller.signal,
    log,
    dirArg: `--dir ${shellWord(args.dir)}`,
  });
  // Ctrl-C stops at the next step boundary; what is written stays written and the journal says so.
  // A create request in flight is waited for (see Collection); a second Ctrl-C stops at once.
  const onSignal = (sig: NodeJS.Signals) => controller.abort(new Error(`interrupted by ${sig}`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let code = 0;
  try {
    await step(collection, args);
  } catch (err) {
    if (err instanceof CreateNeedsDecision) {
      io.stderr.write(`stratalign batch ${args.step}: ${sanitizeForTerminal(err.message)}\n`);
      code = 1;
    } else if (controller.signal.aborted) {
      io.stderr.write(
        `stratalign batch ${args.step}: interrupted; every finished step is in ${dir}/journal.jsonl and batches ` +
          `already submitted keep running at ${plan.provider}. Continue with: stratalign batch resume ` +
          `--dir ${args.dir}\n`,
      );
      code = 130;
    } else if (isStratalignError(err)) {
      throw err;
    } else {
      io.stderr.write(
        `stratalign batch ${args.step}: ${sanitizeForTerminal(api.describeError(err))}\nNothing collected is ` +
          `lost; once the cause is fixed, continue with: stratalign batch resume --dir ${args.dir}\n`,
      );
      code = 1;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    collection.close();
  }
  const summary = summarize(
    collection.loaded.items.length,
    collection.progress(),
    collection.batches,
    collection.parse,
  );
  io.stdout.write(
    renderSummary(summary, plan, { recording: collection.path(RECORDING_FILE), errors: collection.path(ERRORS_FILE) }),
  );
  const finishing = args.step === 'run' || args.step === 'resume';
  if (code === 0 && finishing && summary.missing > 0) {
    io.stderr.write(
      `stratalign batch ${args.step}: finished with ${summary.missing} of ${summary.requested} answers missing ` +
        `(listed above and in ${ERRORS_FILE})\n`,
    );
    code = 1;
  }
  return code;
}

async function step(collection: Collection, args: BatchArgs): Promise<void> {
  switch (args.step) {
    case 'submit':
      return collection.submit();
    case 'status':
      return collection.poll();
    case 'collect':
      await collection.poll();
      return collection.collect();
    case 'cancel':
      await collection.cancel();
      return collection.poll();
    case 'adopt':
      return collection.adopt(args.adopt!.key, args.adopt!.batchId);
    case 'run':
    case 'resume':
      return collection.run(args.pollIntervalMs, sleep);
    case 'plan':
      return;
  }
}

function describeLimits(limits: NonNullable<CollectionPlan['batchLimits']>): string {
  const parts = [];
  if (limits.maxRequests !== undefined) parts.push(`${limits.maxRequests.toLocaleString('en-US')} requests`);
  if (limits.maxBytes !== undefined) parts.push(`${limits.maxBytes.toLocaleString('en-US')} bytes`);
  return parts.join(' and ');
}

/** A path as it can be pasted into a shell. */
function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
