// Calls Anthropic's Messages API. No `n` (multi mode makes N calls) and no log-probabilities
// (mode logprobs is a config error). Retries are the SDK's own policy.
import Anthropic from '@anthropic-ai/sdk';
import type { ProviderOptions } from 'promptfoo';
import { bufferedFetch } from '../src/sources/live/buffered-fetch.js';
import { LiveFaultError } from '../src/sources/live/faults.js';
import type { LiveConfig } from '../src/sources/live/provider-config.js';
import { faultFromSdkError } from '../src/sources/live/sdk-errors.js';
import {
  normaliseAnthropicStopReason,
  type ChatTransport,
  type CompletionRequest,
  type CompletionResult,
} from '../src/sources/live/transport.js';
import { anthropicStructuredFields } from '../src/catalogue/structured/request-fields.js';
import { anthropicErrorFacts } from './anthropic-errors.js';
import { LiveAdapter } from './live-adapter.js';

export default class AnthropicProvider extends LiveAdapter {
  constructor(options: ProviderOptions) {
    super(options, 'anthropic', anthropicTransport);
  }
}

export function anthropicTransport(config: LiveConfig, apiKey: string | null): ChatTransport {
  // An explicit key and a null authToken keep the SDK from reading other credentials on its own.
  const client = new Anthropic({
    apiKey: apiKey ?? 'no-key',
    authToken: null,
    baseURL: config.baseUrl,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries,
    fetch: bufferedFetch({ maxRetryAfterMs: config.maxRetryAfterMs }),
  });
  const { max_tokens: maxTokens, temperature, top_p } = config.sampling;
  return {
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      const { messages, answerSchema } = request.prompt;
      const message: unknown = await client.messages.create(
        {
          model: config.model,
          // parseLiveConfig requires max_tokens for Anthropic.
          max_tokens: maxTokens!,
          system: messages
            .filter((m) => m.role === 'system')
            .map((m) => m.content)
            .join('\n\n'),
          messages: messages
            .filter((m) => m.role !== 'system')
            .map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content })),
          ...(temperature === undefined ? {} : { temperature }),
          ...(top_p === undefined ? {} : { top_p }),
          // Structured protocol: the answer is the input of a tool the model is forced to call.
          ...(answerSchema ? anthropicStructuredFields(answerSchema) : {}),
        } as Anthropic.MessageCreateParamsNonStreaming,
        { signal: request.signal },
      );
      return readMessage(message, answerSchema?.name);
    },
    faultOf: (error) => faultFromSdkError(anthropicErrorFacts(error), config.maxRetries),
  };
}

/**
 * The body is untrusted: a proxy or a local server may send anything with status 200. With a
 * forced tool (`toolName`), the answer is the tool call's input, recorded as its JSON text; a reply
 * without that call keeps whatever text it has, which the strict reader then counts as a schema
 * violation (it is never read by the rules).
 */
function readMessage(body: unknown, toolName?: string): CompletionResult {
  const message = body as Partial<Anthropic.Message> | null;
  if (!message || typeof message !== 'object' || !Array.isArray(message.content)) {
    throw new LiveFaultError({
      kind: 'malformed',
      detail: `expected a message with a content array, got ${typeof body === 'string' ? 'text' : typeof body}`,
    });
  }
  const texts = message.content
    .filter((block) => block?.type === 'text')
    .map((block) => (block as Anthropic.TextBlock).text);
  const call = message.content.find(
    (block): block is Anthropic.ToolUseBlock => block?.type === 'tool_use' && block.name === toolName,
  );
  const text = call ? JSON.stringify(call.input ?? null) : texts.length ? texts.join('') : null;
  const usage = message.usage;
  return {
    choices: [{ text, finishReason: normaliseAnthropicStopReason(message.stop_reason) }],
    usage: usage
      ? {
          prompt: usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0),
          completion: usage.output_tokens,
        }
      : null,
  };
}
