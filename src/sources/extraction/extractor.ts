import { lookupApiKey, redactSecret } from '../live/api-key.js';
import { withRequestSignal } from '../live/abort-scope.js';
import { createLimiter, type Limiter } from '../live/concurrency.js';
import { addUsage, costOf, emptyUsage, type UsageTotals } from '../live/cost.js';
import { describeFault, LiveFaultError, type FaultContext } from '../live/faults.js';
import type { ChatTransport } from '../live/transport.js';
import type { EnvelopeSample } from '../../answers/samples/envelope.js';
import type { Scenario } from '../../catalogue/scenarios/scenario.js';
import { parseScenarioAnswer } from '../../answers/parsing/parse-answer.js';
import type { ParseResult } from '../../answers/parsing/parse-result.js';
import { applyExtraction, shownSpace } from '../../answers/extraction/apply-extraction.js';
import { isExtractable } from '../../answers/extraction/extractable.js';
import {
  EXTRACTOR_PROMPT_VERSION,
  keptReply,
  type ExtractionRecord,
} from '../../answers/extraction/extraction-record.js';
import type { ExtractorConfig } from './extractor-config.js';
import { extractorPrompt } from '../../answers/extraction/extractor-prompt.js';

/** What one row's extraction cost and gave, for the row's metadata (`stratalign.extractor`). */
export type ExtractorRowSummary = {
  model: string;
  provider: string;
  promptVersion: string;
  /** Answers the rules left unread with a kind the extractor may read, and so were sent to it. */
  asked: number;
  read: number;
  none: number;
  invalid: number;
  errors: number;
  /** The first failed call's reason: extractor faults are shown, never turned into "none". */
  firstError?: string;
  tokens: { prompt: number; completion: number; requests: number };
  cost?: number;
};

/**
 * Asks the configured extractor about every answer the rules leave unread with an extractable
 * kind, and records question and reply on the sample (`extraction`). It never decides anything
 * itself: the reading is done by applyExtraction, from the recorded reply, wherever the sample
 * is read. A failed call is recorded as an error with its reason, never as "none".
 */
export class Extractor {
  private readonly limiter: Limiter;
  private transport?: { key: string | null; transport: Promise<ChatTransport> };

  constructor(
    readonly config: ExtractorConfig,
    private readonly makeTransport: (apiKey: string | null) => ChatTransport | Promise<ChatTransport>,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {
    this.limiter = createLimiter(config.concurrency);
  }

  async extract(
    samples: readonly EnvelopeSample[],
    scenario: Scenario,
    signal?: AbortSignal,
  ): Promise<ExtractorRowSummary> {
    const usage = emptyUsage();
    const asks: Promise<void>[] = [];
    // Each text is read by the rules once; the summary below reuses the reading.
    const rulesRead = new Map<EnvelopeSample, ParseResult>();
    for (const sample of samples) {
      if (sample.text === null || sample.extraction) continue;
      const rules = parseScenarioAnswer(
        sample.text,
        scenario,
        sample.finishReason ? { finishReason: sample.finishReason } : {},
      );
      rulesRead.set(sample, rules);
      if (rules.ok || !isExtractable(rules.failure)) continue;
      const text = sample.text;
      asks.push(
        this.ask(text, scenario, usage, signal).then((answer) => {
          (sample as EnvelopeSample).extraction = {
            provider: this.config.provider,
            model: this.config.model,
            promptVersion: EXTRACTOR_PROMPT_VERSION,
            ruleFailure: rules.failure,
            ...answer,
          };
        }),
      );
    }
    await Promise.all(asks);
    return this.summarise(samples, scenario, usage, asks.length, rulesRead);
  }

  private async ask(
    text: string,
    scenario: Scenario,
    usage: UsageTotals,
    signal?: AbortSignal,
  ): Promise<Pick<ExtractionRecord, 'outcome' | 'reply' | 'error'>> {
    const key = lookupApiKey(this.config.apiKeyEnv, this.env);
    if (!key.ok) return { outcome: 'error', error: describeFault(key.fault, this.faultContext()) };
    const transport = await this.transportFor(key.key);
    const prompt = extractorPrompt(text, shownSpace(scenario.game.actionSpace, scenario.labels), scenario.id);
    usage.requests++;
    try {
      const result = await this.limiter(() =>
        withRequestSignal(signal, (s) => transport.complete({ prompt, n: 1, ...(s ? { signal: s } : {}) })),
      );
      addUsage(usage, result.usage);
      const choice = result.choices[0];
      if (!choice) return { outcome: 'error', error: describeFault({ kind: 'no-choices' }, this.faultContext()) };
      return { outcome: 'answered', reply: keptReply(choice.text) };
    } catch (err) {
      const fault = err instanceof LiveFaultError ? err.fault : transport.faultOf(err);
      return { outcome: 'error', error: redactSecret(describeFault(fault, this.faultContext()), key.key) };
    }
  }

  private summarise(
    samples: readonly EnvelopeSample[],
    scenario: Scenario,
    usage: UsageTotals,
    asked: number,
    rulesRead: ReadonlyMap<EnvelopeSample, ParseResult>,
  ): ExtractorRowSummary {
    const counts = { read: 0, none: 0, invalid: 0, errors: 0 };
    let firstError: string | undefined;
    for (const sample of samples) {
      if (!sample.extraction) continue;
      // Samples that came with an extraction (e.g. replayed) were not read above.
      const rules =
        rulesRead.get(sample) ??
        parseScenarioAnswer(sample.text, scenario, sample.finishReason ? { finishReason: sample.finishReason } : {});
      const read = applyExtraction(rules, sample.extraction, scenario.game.actionSpace, scenario.labels);
      if (read.ok) counts.read++;
      else if (read.failure === 'extractor-none') counts.none++;
      else if (read.failure === 'extractor-invalid') counts.invalid++;
      else if (read.failure === 'extractor-error') {
        counts.errors++;
        firstError ??= sample.extraction.error;
      }
    }
    const cost = costOf(
      usage,
      this.config.prices ?? (this.config.apiKeyEnv === null ? { inputPerMTok: 0, outputPerMTok: 0 } : null),
    );
    return {
      model: this.config.model,
      provider: this.config.provider,
      promptVersion: EXTRACTOR_PROMPT_VERSION,
      asked,
      ...counts,
      ...(firstError ? { firstError } : {}),
      tokens: { prompt: usage.prompt, completion: usage.completion, requests: usage.requests },
      ...(cost === undefined ? {} : { cost }),
    };
  }

  private transportFor(key: string | null): Promise<ChatTransport> {
    if (!this.transport || this.transport.key !== key)
      this.transport = { key, transport: Promise.resolve(this.makeTransport(key)) };
    return this.transport.transport;
  }

  private faultContext(): FaultContext {
    const { baseUrl, model, timeoutMs, maxRetryAfterMs } = this.config;
    return { baseUrl, model: `${model} (extractor)`, timeoutMs, maxRetryAfterMs };
  }
}
