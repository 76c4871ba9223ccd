// The extractor's SDK client: the same transports the live providers use, for the vendor the
// extractor block names (an Anthropic provider may have an OpenAI-compatible extractor). Loaded
// on first use, because the provider files import live-adapter.ts, which imports this file.
import type { ExtractorConfig } from '../src/sources/extraction/extractor-config.js';
import { extractorLiveConfig } from '../src/sources/extraction/extractor-live-config.js';
import type { ChatTransport } from '../src/sources/live/transport.js';

export async function extractorTransport(
  extractor: ExtractorConfig,
  providerId: string,
  apiKey: string | null,
): Promise<ChatTransport> {
  const config = extractorLiveConfig(extractor, providerId);
  if (extractor.provider === 'anthropic') return (await import('./anthropic.js')).anthropicTransport(config, apiKey);
  return (await import('./openai-compatible.js')).openAITransport(config, apiKey);
}
