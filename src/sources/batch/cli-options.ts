import { parseArgs } from 'node:util';
import type { Catalogue } from '../../catalogue/catalogue.js';
import { UsageError } from '../../shared/command.js';
import { expandGrid, resolveScenario } from '../../catalogue/scenarios/scenario.js';
import type { BatchLimits, BatchProvider } from './limits.js';
import type { PlanInput } from './plan-builder.js';
import type { RetryPolicy } from './state.js';

export const STEPS = ['plan', 'submit', 'status', 'collect', 'run', 'resume', 'cancel', 'adopt'] as const;
export type Step = (typeof STEPS)[number];

const OPTIONS = {
  dir: { type: 'string' },
  provider: { type: 'string' },
  model: { type: 'string' },
  label: { type: 'string' },
  role: { type: 'string' },
  protocol: { type: 'string' },
  samples: { type: 'string' },
  scenario: { type: 'string', multiple: true },
  contexts: { type: 'string' },
  games: { type: 'string' },
  'payoff-scales': { type: 'string' },
  'context-split': { type: 'string' },
  split: { type: 'string' },
  temperature: { type: 'string' },
  'top-p': { type: 'string' },
  'max-tokens': { type: 'string' },
  seed: { type: 'string' },
  'base-url': { type: 'string' },
  'api-key-env': { type: 'string' },
  'poll-interval': { type: 'string' },
  'max-attempts': { type: 'string' },
  'retry-errored': { type: 'boolean' },
  'max-requests': { type: 'string' },
  'max-bytes': { type: 'string' },
  key: { type: 'string' },
  'batch-id': { type: 'string' },
  none: { type: 'boolean' },
} as const;

/**
 * Options that describe the plan; only `plan` and `run` take them. --base-url is not among
 * them: any step may correct it (it changes where requests go, not what they ask).
 */
const PLAN_OPTIONS = [
  'model',
  'label',
  'role',
  'protocol',
  'samples',
  'scenario',
  'contexts',
  'games',
  'payoff-scales',
  'context-split',
  'split',
  'temperature',
  'top-p',
  'max-tokens',
  'seed',
  'api-key-env',
] as const;
const ADOPT_OPTIONS = ['key', 'batch-id', 'none'] as const;

export type BatchArgs = {
  step: Step;
  dir: string;
  provider: BatchProvider | null;
  /** Set when plan options were given. */
  plan: ((catalogue: Catalogue) => PlanInput) | null;
  pollIntervalMs: number;
  policy: Partial<RetryPolicy>;
  /** Given with a plan they become part of it; given later they must agree with it. */
  limits: Partial<BatchLimits>;
  /** --base-url: the plan's when planning, a correction on any other step. */
  baseUrl: string | null;
  /** adopt: which prepared batch (--key), and the batch id to take for it or none (--none). */
  adopt: { key: string | null; batchId: string | null } | null;
};

export const DEFAULT_POLL_SECONDS = 30;

export function parseBatchArgs(args: string[]): BatchArgs {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values: v, positionals } = parsed;
  const step = positionals[0] as Step | undefined;
  if (!step || !STEPS.includes(step) || positionals.length > 1)
    throw new UsageError(`give one step: ${STEPS.join(', ')}`);
  if (!v.dir) throw new UsageError('--dir is required: the collection directory');
  if (v.provider !== undefined && v.provider !== 'openai' && v.provider !== 'anthropic')
    throw new UsageError(`--provider must be openai or anthropic, not ${JSON.stringify(v.provider)}`);
  const given = PLAN_OPTIONS.filter((key) => v[key] !== undefined);
  if (given.length > 0 && step !== 'plan' && step !== 'run')
    throw new UsageError(
      `--${given[0]} describes the plan; only the plan and run steps take it (the plan is in <dir>/plan.json)`,
    );
  if (step === 'plan' && given.length === 0)
    throw new UsageError('plan needs --provider, --model, --protocol, --samples and a scenario selection');
  const adoptGiven = ADOPT_OPTIONS.filter((key) => v[key] !== undefined);
  if (adoptGiven.length > 0 && step !== 'adopt') throw new UsageError(`--${adoptGiven[0]} belongs to the adopt step`);
  if (step === 'adopt' && (v['batch-id'] === undefined) === (v.none === undefined))
    throw new UsageError(
      'adopt needs either --batch-id <id> (the batch to take) or --none (no batch was created: create it again)',
    );
  const provider = (v.provider ?? null) as BatchProvider | null;
  const limits = {
    maxRequests: integer(v['max-requests'], '--max-requests', 1),
    maxBytes: integer(v['max-bytes'], '--max-bytes', 1),
  };
  return {
    step,
    dir: v.dir,
    provider,
    plan: given.length > 0 ? (catalogue) => planInput(v, provider, limits, catalogue) : null,
    pollIntervalMs: (number(v['poll-interval'], '--poll-interval', 0.001) ?? DEFAULT_POLL_SECONDS) * 1000,
    policy: { maxAttempts: integer(v['max-attempts'], '--max-attempts', 1), retryErrored: v['retry-errored'] ?? false },
    limits,
    baseUrl: v['base-url'] ?? null,
    adopt: step === 'adopt' ? { key: v.key ?? null, batchId: v['batch-id'] ?? null } : null,
  };
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function planInput(
  v: Values,
  provider: BatchProvider | null,
  limits: Partial<BatchLimits>,
  catalogue: Catalogue,
): PlanInput {
  if (!provider) throw new UsageError('--provider is required to plan: openai or anthropic');
  if (!v.model)
    throw new UsageError('--model is required: the model id the API knows, e.g. gpt-4o-mini or claude-sonnet-4-5');
  if (!v.protocol)
    throw new UsageError(
      '--protocol is required: reasoned (answer + motivation), letter-only or structured (a JSON object: ' +
        'motivation, then answer)',
    );
  const samples = integer(v.samples, '--samples', 1);
  if (samples === undefined)
    throw new UsageError('--samples is required: answers per scenario, e.g. 300 as in the paper');
  const grid =
    v.contexts !== undefined ||
    v.games !== undefined ||
    v['payoff-scales'] !== undefined ||
    v['context-split'] !== undefined;
  if (v.scenario && grid)
    throw new UsageError(
      'give either --scenario (repeatable) or a grid (--contexts, --games, --payoff-scales, --context-split), not both',
    );
  if (!v.scenario && !grid)
    throw new UsageError(
      'select scenarios with --scenario <context/game> (repeatable) or a grid: --contexts, --games, ' +
        '--payoff-scales, --context-split',
    );
  const contextSplit = v['context-split'];
  if (contextSplit !== undefined && contextSplit !== 'in-sample' && contextSplit !== 'out-of-sample')
    throw new UsageError('--context-split must be in-sample or out-of-sample');
  const scenarios = v.scenario
    ? v.scenario.map((name) => resolveScenario(catalogue, name, { field: '--scenario' }))
    : expandGrid(
        catalogue,
        {
          contexts: list(v.contexts),
          games: list(v.games),
          payoffScales: list(v['payoff-scales'])?.map((s) => number(s, '--payoff-scales', 0)!),
          contextSplits: contextSplit ? [contextSplit] : undefined,
        },
        { field: '--contexts/--games' },
      );
  return {
    provider,
    model: v.model,
    label: v.label,
    role: v.role ?? null,
    protocol: v.protocol,
    samples,
    // Without --split a scenario is reported under its context's catalogue split (in-sample or out-of-sample).
    scenarios: scenarios.map((scenario) => ({ scenario, split: v.split ?? scenario.context.split })),
    sampling: defined({
      temperature: number(v.temperature, '--temperature', 0),
      top_p: number(v['top-p'], '--top-p', 0),
      max_tokens: integer(v['max-tokens'], '--max-tokens', 1),
      seed: integer(v.seed, '--seed', 0),
    }),
    ...(v['base-url'] === undefined ? {} : { baseUrl: v['base-url'] }),
    ...(v['api-key-env'] === undefined ? {} : { apiKeyEnv: v['api-key-env'] }),
    batchLimits: limits,
  };
}

function list(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function number(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min)
    throw new UsageError(`${flag} must be a number of at least ${min}, not ${JSON.stringify(value)}`);
  return n;
}

function integer(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min)
    throw new UsageError(`${flag} must be a whole number of at least ${min}, not ${JSON.stringify(value)}`);
  return n;
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
