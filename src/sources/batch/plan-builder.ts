import type { Catalogue } from '../../catalogue/catalogue.js';
import { StratalignError } from '../../shared/errors.js';
import type { Scenario } from '../../catalogue/scenarios/scenario.js';
import type { BatchLimits, BatchProvider } from './limits.js';
import { effectiveLimits } from './request-files.js';
import { indexItems, PLAN_SCHEMA, planItems, planSchema, type CollectionPlan } from './plan.js';

export const PROVIDER_DEFAULTS: Readonly<
  Record<BatchProvider, { baseUrl: string; apiKeyEnv: string; maxTemperature: number }>
> = {
  openai: { baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY', maxTemperature: 2 },
  anthropic: { baseUrl: 'https://api.anthropic.com', apiKeyEnv: 'ANTHROPIC_API_KEY', maxTemperature: 1 },
};

export type PlanInput = {
  provider: BatchProvider;
  model: string;
  label?: string;
  role?: string | null;
  protocol: string;
  samples: number;
  scenarios: readonly { scenario: Scenario; split: string }[];
  sampling?: CollectionPlan['sampling'];
  /** OpenAI: up to and including /v1. Anthropic: the host, without /v1. */
  baseUrl?: string;
  /** Name of the env var holding the key; null for a server that needs none. */
  apiKeyEnv?: string | null;
  /** Smaller batches than the API allows; checked against its limits. */
  batchLimits?: Partial<BatchLimits>;
  now?: Date;
};

/**
 * Builds the plan from CLI choices. Problems are reported against the CLI option that caused
 * them, and everything the APIs would reject per item (Anthropic without max_tokens, a seed on
 * Anthropic) is rejected here, before any request is sent.
 */
export function buildPlan(input: PlanInput, catalogue: Catalogue): CollectionPlan {
  const defaults = PROVIDER_DEFAULTS[input.provider];
  const sampling = input.sampling ?? {};
  const fail = (field: string, value: unknown, problem: string, fix: string): never => {
    // A bad --api-key-env may be a pasted key: never echo it.
    throw new StratalignError(field === '--api-key-env' ? { field } : { field, value }, problem, fix);
  };
  if (input.provider === 'anthropic') {
    if (sampling.max_tokens === undefined)
      fail(
        '--max-tokens',
        undefined,
        "Anthropic's Messages API requires max_tokens",
        'set --max-tokens, e.g. 1024 for protocol reasoned or 5 for letter-only',
      );
    if (sampling.seed !== undefined)
      fail('--seed', sampling.seed, "Anthropic's Messages API has no seed parameter", 'remove --seed');
  }
  if (sampling.temperature !== undefined && sampling.temperature > defaults.maxTemperature) {
    fail(
      '--temperature',
      sampling.temperature,
      `temperature must be at most ${defaults.maxTemperature} for ${input.provider}`,
      `use a value from 0 to ${defaults.maxTemperature}`,
    );
  }
  if (input.scenarios.length === 0)
    fail(
      '--scenario',
      undefined,
      'no scenarios selected',
      'name scenarios with --scenario, or select a grid with --contexts/--games/--payoff-scales',
    );
  const seen = new Set<string>();
  for (const { scenario } of input.scenarios) {
    if (seen.has(scenario.id)) fail('--scenario', scenario.id, 'scenario selected twice', 'list each scenario once');
    seen.add(scenario.id);
  }
  const candidate = {
    schema: PLAN_SCHEMA,
    provider: input.provider,
    model: input.model,
    label: input.label ?? input.model,
    role: input.role ?? null,
    protocol: catalogue.protocol(input.protocol, { field: '--protocol' }).id,
    catalogue: catalogue.version,
    baseUrl: (input.baseUrl ?? defaults.baseUrl).replace(/\/+$/, ''),
    apiKeyEnv: input.apiKeyEnv === undefined ? defaults.apiKeyEnv : input.apiKeyEnv,
    sampling,
    samplesPerScenario: input.samples,
    ...plannedLimits(input.provider, input.batchLimits),
    scenarios: input.scenarios.map(({ scenario, split }) => ({ id: scenario.id, split })),
    createdAt: (input.now ?? new Date()).toISOString(),
  };
  const parsed = planSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    fail(
      OPTION_OF[key] ?? key,
      issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown>)?.[k], candidate),
      issue.message,
      'see `stratalign batch --help`',
    );
  }
  const plan = parsed.data!;
  indexItems(planItems(plan, catalogue));
  return plan;
}

/** A --base-url given to correct a collection's: checked like the plan's, trailing slashes removed. */
export function checkBaseUrl(value: string): string {
  const url = value.replace(/\/+$/, '');
  const parsed = planSchema.shape.baseUrl.safeParse(url);
  if (!parsed.success)
    throw new StratalignError(
      { field: '--base-url', value },
      parsed.error.issues[0]!.message,
      'give the API base URL, e.g. https://api.openai.com/v1 or https://api.anthropic.com',
    );
  return url;
}

/** Only the limits given are stored: a plan without them uses the API's, whatever they become. */
function plannedLimits(
  provider: BatchProvider,
  limits: Partial<BatchLimits> = {},
): Pick<CollectionPlan, 'batchLimits'> {
  effectiveLimits(provider, limits);
  const given = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
  return Object.keys(given).length > 0 ? { batchLimits: given } : {};
}

const OPTION_OF: Record<string, string> = {
  model: '--model',
  label: '--label',
  role: '--role',
  baseUrl: '--base-url',
  apiKeyEnv: '--api-key-env',
  sampling: 'sampling options',
  samplesPerScenario: '--samples',
};
