// What the live providers share: promptfoo's provider shape over the core in src/live. Each
// provider file default-exports a subclass that only names its API and its transport.
import type {
  ApiProvider,
  CallApiContextParams,
  CallApiOptionsParams,
  ProviderOptions,
  ProviderResponse,
} from 'promptfoo';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { isStratalignError } from '../src/shared/errors.js';
import { configErrorLine, printConfigErrorOnce } from '../src/eval/config/config-error.js';
import { LiveProviderCore } from '../src/sources/live/live-provider.js';
import { answerCounts } from '../src/sources/live/missing-answers.js';
import {
  answersDeclaredBy,
  parseLiveConfig,
  type LiveConfig,
  type ProviderKind,
} from '../src/sources/live/provider-config.js';
import type { ChatTransport } from '../src/sources/live/transport.js';
import { extractorTransport } from './extractor-transport.js';

/** Builds the SDK client for one key; called again only if the key changes. */
export type TransportFactory = (config: LiveConfig, apiKey: string | null) => ChatTransport;

export abstract class LiveAdapter implements ApiProvider {
  /** The validated config; undefined when it was invalid (then `configError` says why). */
  readonly config: LiveConfig | undefined;
  /** Why the config was refused, e.g. an unknown key; every call then returns it as its error. */
  readonly configError: string | undefined;
  label?: string;
  private readonly providerId: string;
  private readonly core: LiveProviderCore | undefined;
  /** With a refused config: what each row would have asked for, so its lost answers are counted. */
  private readonly refusedRowMeta: Record<string, unknown> | undefined;

  protected constructor(options: ProviderOptions, kind: ProviderKind, makeTransport: TransportFactory) {
    const catalogue = defaultCatalogue();
    this.providerId = options.id ?? `stratalign:${kind}`;
    try {
      const config = parseLiveConfig(options.config, kind, this.providerId, catalogue);
      this.config = config;
      const extractor = config.extractor;
      const makeExtractor = extractor
        ? (apiKey: string | null) => extractorTransport(extractor, this.providerId, apiKey)
        : undefined;
      this.core = new LiveProviderCore(
        config,
        (apiKey) => makeTransport(config, apiKey),
        catalogue,
        process.env,
        makeExtractor,
      );
    } catch (err) {
      if (!isStratalignError(err)) throw err;
      // Thrown here, promptfoo would crash with a stack trace; instead say it once, clearly, and
      // fail every row of this provider so the summary counts them and the run exits non-zero.
      this.configError = configErrorLine(err);
      printConfigErrorOnce(this.configError);
      const asked = answersDeclaredBy(options.config);
      const lost = [{ kind: 'config-error' as const, count: asked, message: this.configError }];
      this.refusedRowMeta = { source: 'live', provider: kind, ...answerCounts(asked, 0, lost) };
    }
  }

  id(): string {
    return this.providerId;
  }

  async callApi(
    _prompt: string,
    context?: CallApiContextParams,
    options?: CallApiOptionsParams,
  ): Promise<ProviderResponse> {
    if (!this.core) {
      return { error: this.configError, metadata: { stratalign: this.refusedRowMeta, rateLimitKind: 'quota' } };
    }
    return this.core.call({
      vars: context?.vars ?? {},
      repeatIndex: context?.repeatIndex,
      signal: options?.abortSignal,
    });
  }
}
