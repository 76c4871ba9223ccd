import type { LiveConfig } from '../live/provider-config.js';
import type { ExtractorConfig } from './extractor-config.js';

// Apart from extractor-config.ts because the provider config imports that file: keeping this
// here avoids an import cycle between the two.
/** The extractor as a live config, so the providers' own SDK transports can speak to it. */
export function extractorLiveConfig(extractor: ExtractorConfig, providerId: string): LiveConfig {
  return {
    kind: extractor.provider,
    providerId: `${providerId} extractor`,
    model: extractor.model,
    baseUrl: extractor.baseUrl,
    apiKeyEnv: extractor.apiKeyEnv,
    role: null,
    protocol: 'extractor',
    mode: 'single',
    samples: 1,
    sequential: null,
    useN: false,
    sampling: { temperature: extractor.temperature, max_tokens: extractor.max_tokens },
    timeoutMs: extractor.timeoutMs,
    maxRetries: extractor.maxRetries,
    maxRetryAfterMs: extractor.maxRetryAfterMs,
    concurrency: extractor.concurrency,
    topLogprobs: 1,
    minInSpaceMass: 0,
    prices: extractor.prices,
    extractor: null,
    // The extractor answers in free text (a label or "none"), never under a structured schema.
    structuredMode: null,
  };
}
