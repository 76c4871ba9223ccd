import { z } from 'zod';
import type { Catalogue } from '../../catalogue/catalogue.js';
import { StratalignError } from '../../shared/errors.js';
import { formatPath, valueAt } from '../../shared/validation.js';
import { isStructuredProtocol } from '../../catalogue/structured/answer-schema.js';
import { STRUCTURED_MODES, type StructuredMode } from '../../catalogue/structured/request-fields.js';
import { closestName } from '../../shared/closest-name.js';
import { apiKeyEnvName } from './api-key.js';
import { pricesSchema, type Prices } from './cost.js';
import { DEFAULT_SEQUENTIAL_BATCH, SEQUENTIAL_KEYS, sequentialConfigSchema } from './sequential-config.js';
import { sequentialFix } from './sequential-config.js';
import { sequentialSettings, type SequentialSettings } from './sequential-config.js';
import {
  EXTRACTOR_KEYS,
  extractorConfigSchema,
  extractorSettings,
  type ExtractorConfig,
} from '../extraction/extractor-config.js';

export type ProviderKind = 'openai-compatible' | 'anthropic';
export type LiveMode = 'single' | 'multi' | 'logprobs' | 'sequential';

const count = z.number().int();

export const liveConfigSchema = z.strictObject({
  model: z.string().min(1),
  /** OpenAI-compatible: up to and including /v1. Anthropic: the host, without /v1. */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Name of the env var holding the key; null for a local server that needs none. */
  apiKeyEnv: apiKeyEnvName.nullable().optional(),
  role: z.string().min(1).optional(),
  protocol: z.string().min(1),
  samples: count.min(1).max(100_000).optional(),
  mode: z.enum(['single', 'multi', 'logprobs', 'sequential']).optional(),
  sequential: sequentialConfigSchema.optional(),
  useN: z.union([z.boolean(), z.literal('auto')]).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  max_tokens: count.min(1).optional(),
  seed: count.optional(),
  timeoutMs: count.min(1).optional(),
  maxRetries: count.min(0).max(20).optional(),
  maxRetryAfterMs: count.min(0).optional(),
  concurrency: count.min(1).max(256).optional(),
  topLogprobs: count.min(1).max(20).optional(),
  minInSpaceMass: z.number().min(0).max(1).optional(),
  prices: pricesSchema.optional(),
  /** Off unless given: a model that reads answers the rules left unread (src/sources/extraction). */
  extractor: extractorConfigSchema.optional(),
  structuredMode: z.enum(STRUCTURED_MODES).optional(),
});

export const LIVE_CONFIG_KEYS = Object.keys(liveConfigSchema.shape);

export type LiveConfig = {
  kind: ProviderKind;
  /** promptfoo's id for this provider, used in messages. */
  providerId: string;
  model: string;
  baseUrl: string;
  apiKeyEnv: string | null;
  role: string | null;
  protocol: string;
  mode: LiveMode;
  /** Answers per row in multi mode; 1 otherwise (sequential mode's cap is in `sequential`). */
  samples: number;
  /** Mode sequential only: the gate, the reference it reads and the cost limits. */
  sequential: SequentialSettings | null;
  /** Whether multi mode asks for N choices in one request (OpenAI `n`); 'auto' tops up when a server ignores it. */
  useN: boolean | 'auto';
  sampling: { temperature?: number; top_p?: number; max_tokens?: number; seed?: number };
  timeoutMs: number;
  maxRetries: number;
  /** The longest retry-after a retry waits for; a server asking more makes the answer missing. */
  maxRetryAfterMs: number;
  concurrency: number;
  topLogprobs: number;
  /** Logprobs mode: the least share of the first token's probability mass the options must hold. */
  minInSpaceMass: number;
  /** Null when no prices are configured: cost is then not reported rather than reported as $0. */
  prices: Prices | null;
  /**
   * How a structured protocol's schema is sent to an OpenAI-compatible server (json_schema by
   * default); null for free-text protocols and for Anthropic, which always gets a forced tool call.
   */
  structuredMode: StructuredMode | null;
  /** The config file's folder, as promptfoo passes it; relative paths in the config are read from it. */
  basePath?: string;
  /** The audited extractor for answers the rules leave unread; null (the default) when none is configured. */
  extractor: ExtractorConfig | null;
};

const KIND_DEFAULTS = {
  'openai-compatible': {
    baseUrl: 'https://api.openai.com/v1',
    apiKeyEnv: 'OPENAI_API_KEY',
    useN: 'auto' as const,
    maxTemperature: 2,
  },
  anthropic: { baseUrl: 'https://api.anthropic.com', apiKeyEnv: 'ANTHROPIC_API_KEY', useN: false, maxTemperature: 1 },
};
/** The SDKs' own defaults, stated here so the docs and metadata can show them. */
export const SDK_DEFAULT_TIMEOUT_MS = 600_000;
export const SDK_DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_TOP_LOGPROBS = 20;
/** A server that asks for a longer wait is rate limiting for the long haul: retrying would stall the row. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 180_000;
/**
 * Below this, most of the first token's probability is on something other than an option ("**",
 * "I", "Sure"): the options' renormalised shares then describe a token the model rarely writes,
 * not its choice.
 */
export const DEFAULT_MIN_IN_SPACE_MASS = 0.5;

/** Values under keys like these are never echoed in errors, in case they hold a secret. */
const SECRET_LOOKING = /key|token|secret|auth|password/i;
/** Unknown keys that look like someone pasted a credential into the config. */
const CREDENTIAL_KEY = /^(api_?key|key|token|secret|password|auth_?token|access_?token|bearer)$/i;

/**
 * Validates a live provider's config when promptfoo loads it. Unknown keys, impossible mode
 * combinations and features the API lacks are config errors naming the provider and the key.
 */
export function parseLiveConfig(
  raw: unknown,
  kind: ProviderKind,
  providerId: string,
  catalogue: Catalogue,
): LiveConfig {
  const input = stripPromptfooKeys(raw);
  const fail = (key: string, problem: string, fix: string, value?: unknown): never => {
    const location = { field: `providers[${providerId}].config${key ? `.${key}` : ''}` };
    throw new StratalignError(
      value === undefined || SECRET_LOOKING.test(key) ? location : { ...location, value },
      problem,
      fix,
    );
  };
  const parsed = liveConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      if (issue.path[0] === 'extractor') {
        if (CREDENTIAL_KEY.test(key))
          fail(
            `extractor.${key}`,
            'API keys are never read from config',
            'put the key in an environment variable and name it with extractor.apiKeyEnv',
          );
        const hint = closestName(key, EXTRACTOR_KEYS);
        fail(
          `extractor.${key}`,
          'unknown key',
          `${hint ? `did you mean ${hint}? ` : ''}known keys under extractor: ${EXTRACTOR_KEYS.join(', ')}`,
        );
      }
      if (issue.path[0] === 'sequential') {
        const hint = closestName(key, SEQUENTIAL_KEYS);
        fail(
          `sequential.${key}`,
          'unknown key',
          `${hint ? `did you mean ${hint}? ` : ''}known keys under sequential: ${SEQUENTIAL_KEYS.join(', ')}`,
        );
      }
      if (CREDENTIAL_KEY.test(key)) {
        fail(
          key,
          'API keys are never read from config',
          'put the key in an environment variable and name it with apiKeyEnv (e.g. apiKeyEnv: OPENAI_API_KEY)',
        );
      }
      const hint = closestName(key, LIVE_CONFIG_KEYS);
      fail(key, 'unknown key', `${hint ? `did you mean ${hint}? ` : ''}known keys: ${LIVE_CONFIG_KEYS.join(', ')}`);
    }
    const key = formatPath(issue.path);
    const value = valueAt(input, issue.path);
    fail(key, issue.message, fixFor(key), value);
  }
  const c = parsed.data!;
  const defaults = KIND_DEFAULTS[kind];
  const protocol = catalogue.protocol(c.protocol, { field: `providers[${providerId}].config.protocol` });
  const structured = isStructuredProtocol(protocol);
  if (c.structuredMode !== undefined) {
    const problem = `structuredMode only applies to a structured protocol (this provider asks under ${c.protocol})`;
    if (!structured)
      fail('structuredMode', problem, 'remove structuredMode, or set protocol: structured', c.structuredMode);
    const anthropic = 'Anthropic takes the answer schema as a forced tool call; there is no other mode';
    if (kind === 'anthropic') fail('structuredMode', anthropic, 'remove structuredMode', c.structuredMode);
  }

  const samples = c.samples ?? 1;
  const mode: LiveMode = c.mode ?? (c.sequential ? 'sequential' : samples > 1 ? 'multi' : 'single');
  if (mode === 'sequential') {
    if (!c.sequential)
      fail(
        'sequential',
        'mode sequential needs a sequential block: the teacher reference, the tolerance and the cap',
        sequentialFix('sequential'),
      );
    if (c.samples !== undefined)
      fail(
        'samples',
        'mode sequential draws until the decision settles, so a fixed number of samples does not apply',
        'remove samples; sequential.cap limits the calls per row (e.g. cap: 300)',
        c.samples,
      );
  } else if (c.sequential) {
    fail(
      'mode',
      'the sequential block only applies to mode sequential',
      'set mode: sequential (or remove mode), or remove the sequential block',
      mode,
    );
  }
  if (mode === 'single' && samples > 1)
    fail(
      'samples',
      'mode single makes one answer per call',
      'use mode: multi for N answers per call, or keep samples: 1 and use promptfoo --repeat',
      samples,
    );
  if (mode === 'multi' && samples < 2)
    fail('samples', 'mode multi needs at least 2 samples', 'set samples: N (N >= 2), or use mode: single', samples);
  if (mode === 'logprobs') {
    if (kind === 'anthropic')
      fail(
        'mode',
        "Anthropic's API returns no log-probabilities",
        'use mode: multi with samples: N on Anthropic, or an OpenAI-compatible server for logprobs',
        mode,
      );
    if (structured) {
      const problem =
        'logprobs mode reads the first answer token, but a structured answer starts with the JSON object, ' +
        'not the choice';
      fail(
        'mode',
        problem,
        'use mode: multi (or single, sequential) with protocol structured, or protocol letter-only for logprobs',
        mode,
      );
    }
    if (c.protocol !== 'letter-only')
      fail(
        'mode',
        'logprobs mode reads the first answer token, so it needs the letter-only protocol',
        'set protocol: letter-only, or use mode: multi',
        mode,
      );
    if (samples !== 1)
      fail(
        'samples',
        'logprobs mode reads the whole distribution in one call',
        'remove samples (or set it to 1)',
        samples,
      );
  }
  if (c.extractor && mode === 'logprobs') {
    fail(
      'extractor',
      "logprobs mode is scored on the first token's probabilities, not on answer text, so there is nothing for " +
        'an extractor to read',
      'remove the extractor block, or use mode: multi',
      mode,
    );
  }
  if (c.extractor?.provider === 'anthropic' && c.extractor.temperature !== undefined && c.extractor.temperature > 1) {
    fail(
      'extractor.temperature',
      'temperature must be at most 1 for this API',
      'use a value from 0 to 1 (0 is the default: the same answer gets the same reading)',
      c.extractor.temperature,
    );
  }
  if (c.topLogprobs !== undefined && mode !== 'logprobs')
    fail(
      'topLogprobs',
      'topLogprobs only applies to mode logprobs',
      'remove topLogprobs, or set mode: logprobs',
      c.topLogprobs,
    );
  if (c.minInSpaceMass !== undefined && mode !== 'logprobs') {
    const fix = 'remove minInSpaceMass, or set mode: logprobs';
    fail('minInSpaceMass', 'minInSpaceMass only applies to mode logprobs', fix, c.minInSpaceMass);
  }
  if (c.useN !== undefined && mode !== 'multi' && mode !== 'sequential')
    fail(
      'useN',
      'useN only applies to mode multi and mode sequential',
      'remove useN, or set mode: multi with samples: N',
      c.useN,
    );
  if (kind === 'anthropic') {
    if (c.useN !== undefined && c.useN !== false)
      fail('useN', "Anthropic's API has no `n`; multi mode makes N calls", 'remove useN', c.useN);
    if (c.seed !== undefined) fail('seed', "Anthropic's API has no seed parameter", 'remove seed', c.seed);
    if (c.max_tokens === undefined)
      fail(
        'max_tokens',
        "Anthropic's API requires max_tokens",
        'set max_tokens, e.g. 1024 for protocol reasoned or 5 for letter-only',
      );
  }
  if (c.temperature !== undefined && c.temperature > defaults.maxTemperature) {
    fail(
      'temperature',
      `temperature must be at most ${defaults.maxTemperature} for this API`,
      `use a value from 0 to ${defaults.maxTemperature}`,
      c.temperature,
    );
  }
  return {
    kind,
    providerId,
    model: c.model,
    baseUrl: (c.baseUrl ?? defaults.baseUrl).replace(/\/+$/, ''),
    apiKeyEnv: c.apiKeyEnv === undefined ? defaults.apiKeyEnv : c.apiKeyEnv,
    role: c.role ?? null,
    protocol: c.protocol,
    mode,
    samples,
    sequential: c.sequential ? sequentialSettings(c.sequential, fail) : null,
    useN: c.useN ?? defaults.useN,
    sampling: pickDefined({ temperature: c.temperature, top_p: c.top_p, max_tokens: c.max_tokens, seed: c.seed }),
    timeoutMs: c.timeoutMs ?? SDK_DEFAULT_TIMEOUT_MS,
    maxRetries: c.maxRetries ?? SDK_DEFAULT_MAX_RETRIES,
    maxRetryAfterMs: c.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
    concurrency: c.concurrency ?? DEFAULT_CONCURRENCY,
    topLogprobs: c.topLogprobs ?? DEFAULT_TOP_LOGPROBS,
    minInSpaceMass: c.minInSpaceMass ?? DEFAULT_MIN_IN_SPACE_MASS,
    prices: c.prices ?? null,
    extractor: c.extractor
      ? extractorSettings(c.extractor, {
          timeoutMs: c.timeoutMs ?? SDK_DEFAULT_TIMEOUT_MS,
          maxRetries: c.maxRetries ?? SDK_DEFAULT_MAX_RETRIES,
          maxRetryAfterMs: c.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
          concurrency: DEFAULT_CONCURRENCY,
        })
      : null,
    structuredMode: structured && kind === 'openai-compatible' ? (c.structuredMode ?? 'json_schema') : null,
    ...basePathOf(raw),
  };
}

/**
 * How many answers a row of a refused config would have asked for, read from the raw config as far
 * as it can be: `samples` (multi), the first sequential batch, else one. Its rows then count
 * their lost answers like any other failed row.
 */
export function answersDeclaredBy(raw: unknown): number {
  const c = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const positive = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : null);
  const seq = c.sequential && typeof c.sequential === 'object' ? (c.sequential as Record<string, unknown>) : null;
  if (seq) return Math.min(positive(seq.batch) ?? DEFAULT_SEQUENTIAL_BATCH, positive(seq.cap) ?? Infinity);
  return positive(c.samples) ?? 1;
}

/** The config's folder as promptfoo passes it, kept so relative paths in the config are read from it. */
function basePathOf(raw: unknown): { basePath?: string } {
  const basePath = (raw as { basePath?: unknown } | null)?.basePath;
  return typeof basePath === 'string' ? { basePath } : {};
}

/** promptfoo adds `basePath` (the config's directory) to every provider config; it is not ours to validate. */
function stripPromptfooKeys(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw ?? {};
  const { basePath: _basePath, ...rest } = raw as Record<string, unknown>;
  return rest;
}

function fixFor(key: string): string {
  if (key === '') return 'give the provider a `config:` mapping with at least model and protocol';
  if (key === 'model')
    return 'set model to the model name the server knows, e.g. gpt-4o-mini or ft:gpt-4o-mini-2024-07-18:org::abc123';
  if (key === 'protocol')
    return (
      'set protocol: reasoned (answer + motivation, how the teacher was asked), letter-only (one letter, ' +
      'how students were scored) or structured (a JSON object: motivation, then answer)'
    );
  if (key === 'structuredMode')
    return (
      `set structuredMode to one of ${STRUCTURED_MODES.join(', ')} (how an OpenAI-compatible server is ` +
      `asked for the JSON answer)`
    );
  if (key === 'baseUrl') return 'give an http(s) URL, e.g. http://127.0.0.1:11434/v1 for Ollama';
  if (key === 'sequential' || key.startsWith('sequential.')) return sequentialFix(key);
  if (key === 'maxRetryAfterMs') return 'give the longest retry-after wait in ms, e.g. 180000 (3 min); 0 never waits';
  if (key === 'minInSpaceMass') return 'give a share from 0 to 1, e.g. 0.5: the least probability on the options';
  if (key === 'extractor' || key.startsWith('extractor.')) {
    return (
      `give extractor: { provider: openai-compatible | anthropic, model, baseUrl?, apiKeyEnv?, ` +
      `temperature?, max_tokens? } (keys: ${EXTRACTOR_KEYS.join(', ')}); see "The audited extractor" in the README`
    );
  }
  if (key.startsWith('prices')) return 'give prices: { inputPerMTok, outputPerMTok } in dollars per million tokens';
  return `see the config keys table in the README (known keys: ${LIVE_CONFIG_KEYS.join(', ')})`;
}

function pickDefined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
