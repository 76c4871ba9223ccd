// Calls any OpenAI chat-completions API: OpenAI (fine-tuned ft: models included), vLLM, Ollama,
// llama.cpp server, LM Studio, Together, Groq, OpenRouter. Retries are the SDK's own policy.
import OpenAI from 'openai';
import type { ProviderOptions } from 'promptfoo';
import { bufferedFetch } from '../src/sources/live/buffered-fetch.js';
import { LiveFaultError } from '../src/sources/live/faults.js';
import type { LiveConfig } from '../src/sources/live/provider-config.js';
import { faultFromSdkError } from '../src/sources/live/sdk-errors.js';
import type { ChatTransport, CompletionRequest, CompletionResult } from '../src/sources/live/transport.js';
import { openAIStructuredFields } from '../src/catalogue/structured/request-fields.js';
import { LiveAdapter } from './live-adapter.js';
import { openAIErrorFacts } from './openai-errors.js';

export default class OpenAICompatibleProvider extends LiveAdapter {
  constructor(options: ProviderOptions) {
    super(options, 'openai-compatible', openAITransport);
  }
}

export function openAITransport(config: LiveConfig, apiKey: string | null): ChatTransport {
  // Keyless local servers ignore the header, but the SDK refuses to start without a key.
  const client = new OpenAI({
    apiKey: apiKey ?? 'no-key',
    baseURL: config.baseUrl,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries,
    fetch: bufferedFetch({ maxRetryAfterMs: config.maxRetryAfterMs }),
  });
  const { seed: _seed, ...sampling } = config.sampling;
  return {
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      const { answerSchema } = request.prompt;
      const completion: unknown = await client.chat.completions.create(
        {
          model: config.model,
          messages: request.prompt.messages,
          ...sampling,
          ...(request.n > 1 ? { n: request.n } : {}),
          ...(request.seed === undefined ? {} : { seed: request.seed }),
          ...(request.topLogprobs === undefined ? {} : { logprobs: true, top_logprobs: request.topLogprobs }),
          // Structured protocol: the schema the core built, in the form the config names (never dropped).
          ...(answerSchema ? openAIStructuredFields(answerSchema, config.structuredMode ?? 'json_schema') : {}),
        } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
        { signal: request.signal },
      );
      return readCompletion(completion);
    },
    faultOf: (error) => faultFromSdkError(openAIErrorFacts(error), config.maxRetries),
  };
}

/** The body is untrusted: a proxy or a local server may send anything with status 200. */
function readCompletion(body: unknown): CompletionResult {
  const completion = body as Partial<OpenAI.Chat.ChatCompletion> | null;
  if (!completion || typeof completion !== 'object' || !Array.isArray(completion.choices)) {
    throw new LiveFaultError({
      kind: 'malformed',
      detail: `expected a chat completion with a choices array, got ${typeof body === 'string' ? 'text' : typeof body}`,
    });
  }
  const choices = [...completion.choices].sort((a, b) => (a?.index ?? 0) - (b?.index ?? 0));
  return {
    choices: choices.map((choice) => ({
      text: typeof choice?.message?.content === 'string' ? choice.message.content : null,
      finishReason: choice?.finish_reason ?? 'unknown',
      refusal: choice?.message?.refusal ?? null,
      firstTokenTopLogprobs:
        choice?.logprobs?.content?.[0]?.top_logprobs?.map((t) => ({ token: t.token, logprob: t.logprob })) ?? null,
    })),
    usage: completion.usage
      ? { prompt: completion.usage.prompt_tokens, completion: completion.usage.completion_tokens }
      : null,
  };
}
