// What the live providers share: promptfoo's provider shape over the core in src/live. Each
// provider file default-exports a subclass that only names its API and its transport.
import type { ApiProvider, CallApiContextParams, CallApiOptionsParams, ProviderOptions, ProviderResponse } from 'promptfoo';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { LiveProviderCore } from '../src/live/live-provider.js';
import { parseLiveConfig, type LiveConfig, type ProviderKind } from '../src/live/provider-config.js';
import type { ChatTransport } from '../src/live/transport.js';

/** Builds the SDK client for one key; called again only if the key changes. */
export type TransportFactory = (config: LiveConfig, apiKey: string | null) => ChatTransport;

export abstract class LiveAdapter implements ApiProvider {
  readonly config: LiveConfig;
  label?: string;
  private readonly providerId: string;
  private readonly core: LiveProviderCore;

  protected constructor(options: ProviderOptions, kind: ProviderKind, makeTransport: TransportFactory) {
    const catalogue = defaultCatalogue();
    this.providerId = options.id ?? `stratalign:${kind}`;
    this.config = parseLiveConfig(options.config, kind, this.providerId, catalogue);
    this.core = new LiveProviderCore(this.config, (apiKey) => makeTransport(this.config, apiKey), catalogue);
  }

  id(): string {
    return this.providerId;
  }

  async callApi(_prompt: string, context?: CallApiContextParams, options?: CallApiOptionsParams): Promise<ProviderResponse> {
    return this.core.call({ vars: context?.vars ?? {}, repeatIndex: context?.repeatIndex, signal: options?.abortSignal });
  }
}
