import { z } from 'zod';
import { apiKeyEnvName } from '../live/api-key.js';
import { pricesSchema } from '../live/cost.js';
import { EXTRACTOR_PROVIDERS, type ExtractorProvider } from '../../answers/extraction/extraction-record.js';

/**
 * The `extractor:` block of a live provider's config: a model asked to read answers the rules
 * left unread. Configured like a live provider (same key names, key from an env var only); the
 * prompt is not configurable (see extractor-prompt.ts).
 */
export const extractorConfigSchema = z.strictObject({
  provider: z.enum(EXTRACTOR_PROVIDERS),
  model: z.string().min(1),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  apiKeyEnv: apiKeyEnvName.nullable().optional(),
  temperature: z.number().min(0).max(1).optional(),
  max_tokens: z.number().int().min(1).max(64).optional(),
  timeoutMs: z.number().int().min(1).optional(),
  maxRetries: z.number().int().min(0).max(20).optional(),
  maxRetryAfterMs: z.number().int().min(0).optional(),
  concurrency: z.number().int().min(1).max(256).optional(),
  prices: pricesSchema.optional(),
});

export const EXTRACTOR_KEYS = Object.keys(extractorConfigSchema.shape);

export type ExtractorConfig = {
  provider: ExtractorProvider;
  model: string;
  baseUrl: string;
  apiKeyEnv: string | null;
  temperature: number;
  max_tokens: number;
  timeoutMs: number;
  maxRetries: number;
  maxRetryAfterMs: number;
  concurrency: number;
  prices: { inputPerMTok: number; outputPerMTok: number } | null;
};

const VENDOR_DEFAULTS: Record<ExtractorProvider, { baseUrl: string; apiKeyEnv: string }> = {
  'openai-compatible': { baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY' },
  anthropic: { baseUrl: 'https://api.anthropic.com', apiKeyEnv: 'ANTHROPIC_API_KEY' },
};

/** A reading is one token; a little room keeps a chatty model's "C" from being cut to nothing. */
export const DEFAULT_EXTRACTOR_MAX_TOKENS = 16;

export function extractorSettings(
  c: z.infer<typeof extractorConfigSchema>,
  defaults: { timeoutMs: number; maxRetries: number; maxRetryAfterMs: number; concurrency: number },
): ExtractorConfig {
  const vendor = VENDOR_DEFAULTS[c.provider];
  return {
    provider: c.provider,
    model: c.model,
    baseUrl: (c.baseUrl ?? vendor.baseUrl).replace(/\/+$/, ''),
    apiKeyEnv: c.apiKeyEnv === undefined ? vendor.apiKeyEnv : c.apiKeyEnv,
    // Reading is not sampling: the same answer should get the same reading.
    temperature: c.temperature ?? 0,
    max_tokens: c.max_tokens ?? DEFAULT_EXTRACTOR_MAX_TOKENS,
    timeoutMs: c.timeoutMs ?? defaults.timeoutMs,
    maxRetries: c.maxRetries ?? defaults.maxRetries,
    maxRetryAfterMs: c.maxRetryAfterMs ?? defaults.maxRetryAfterMs,
    concurrency: c.concurrency ?? defaults.concurrency,
    prices: c.prices ?? null,
  };
}
