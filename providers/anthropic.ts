// Calls Anthropic's Messages API. No `n` (multi mode makes N calls) and no log-probabilities
// (mode logprobs is a config error). Retries are the SDK's own policy.
import Anthropic from '@anthropic-ai/sdk';
import type { ApiProvider, CallApiContextParams, CallApiOptionsParams, ProviderOptions, ProviderResponse } from 'promptfoo';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { LiveFaultError } from '../src/live/faults.js';
import { LiveProviderCore } from '../src/live/live-provider.js';
import { parseLiveConfig, type LiveConfig } from '../src/live/provider-config.js';
import { faultFromSdkError, type SdkErrorFacts } from '../src/live/sdk-errors.js';
import { normaliseAnthropicStopReason, type ChatTransport, type CompletionRequest, type CompletionResult } from '../src/live/transport.js';

export default class AnthropicProvider implements ApiProvider {
  readonly config: LiveConfig;
  label?: string;
  private readonly providerId: string;
  private readonly core: LiveProviderCore;

  constructor(options: ProviderOptions) {
    const catalogue = defaultCatalogue();
    this.providerId = options.id ?? 'stratalign:anthropic';
    this.config = parseLiveConfig(options.config, 'anthropic', this.providerId, catalogue);
    this.core = new LiveProviderCore(this.config, (apiKey) => anthropicTransport(this.config, apiKey), catalogue);
  }

  id(): string {
    return this.providerId;
  }

  async callApi(_prompt: string, context?: CallApiContextParams, options?: CallApiOptionsParams): Promise<ProviderResponse> {
    return this.core.call({ vars: context?.vars ?? {}, repeatIndex: context?.repeatIndex, signal: options?.abortSignal });
  }
}

function anthropicTransport(config: LiveConfig, apiKey: string | null): ChatTransport {
  // An explicit key and a null authToken keep the SDK from reading other credentials on its own.
  const client = new Anthropic({ apiKey: apiKey ?? 'no-key', authToken: null, baseURL: config.baseUrl, timeout: config.timeoutMs, maxRetries: config.maxRetries });
  const { max_tokens: maxTokens, temperature, top_p } = config.sampling;
  return {
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      const { messages } = request.prompt;
      const message: unknown = await client.messages.create(
        {
          model: config.model,
          // parseLiveConfig requires max_tokens for Anthropic.
          max_tokens: maxTokens!,
          system: messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n'),
          messages: messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content })),
          ...(temperature === undefined ? {} : { temperature }),
          ...(top_p === undefined ? {} : { top_p }),
        },
        { signal: request.signal },
      );
      return readMessage(message);
    },
    faultOf: (error) => faultFromSdkError(factsOf(error), config.maxRetries),
  };
}

/** The body is untrusted: a proxy or a local server may send anything with status 200. */
function readMessage(body: unknown): CompletionResult {
  const message = body as Partial<Anthropic.Message> | null;
  if (!message || typeof message !== 'object' || !Array.isArray(message.content)) {
    throw new LiveFaultError({ kind: 'malformed', detail: `expected a message with a content array, got ${typeof body === 'string' ? 'text' : typeof body}` });
  }
  const texts = message.content.filter((block) => block?.type === 'text').map((block) => (block as Anthropic.TextBlock).text);
  const usage = message.usage;
  return {
    choices: [{ text: texts.length ? texts.join('') : null, finishReason: normaliseAnthropicStopReason(message.stop_reason) }],
    usage: usage
      ? { prompt: usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0), completion: usage.output_tokens }
      : null,
  };
}

function factsOf(error: unknown): SdkErrorFacts {
  if (error instanceof Anthropic.APIUserAbortError) return { kind: 'aborted' };
  if (error instanceof Anthropic.APIConnectionTimeoutError) return { kind: 'timeout' };
  if (error instanceof Anthropic.APIConnectionError) return { kind: 'connection', cause: error.cause };
  if (error instanceof Anthropic.APIError && typeof error.status === 'number') {
    // The SDK stringifies the whole error body; the server's own sentence is nested inside it.
    const nested = (error.error as { error?: { message?: unknown } } | undefined)?.error?.message;
    return { kind: 'http', status: error.status, headers: error.headers, message: typeof nested === 'string' ? nested : error.message };
  }
  if (error instanceof SyntaxError) return { kind: 'malformed', detail: `invalid JSON (${error.message})` };
  return { kind: 'other', error };
}
