import type { Catalogue, Protocol } from '../../catalogue/catalogue.js';
import { isStratalignError } from '../../shared/errors.js';
import { isStructuredProtocol } from '../../catalogue/structured/answer-schema.js';
import type { ChatMessage, RenderedPrompt } from '../../catalogue/prompts/render.js';
import { renderPrompt } from '../../catalogue/prompts/render.js';
import type { Reference } from '../../recordings/reference/reference.js';
import { resolveScenario, type Scenario } from '../../catalogue/scenarios/scenario.js';
import { lookupApiKey, redactSecret } from './api-key.js';
import { createLimiter, type Limiter } from './concurrency.js';
import { costOf, emptyUsage, toTokenUsage, type UsageTotals } from './cost.js';
import { describeFault, type FaultContext } from './faults.js';
import { scenarioLogprobs } from './labelled-logprobs.js';
import { inSpaceMassProblem, logprobsUnsupportedReason } from './logprob-distribution.js';
import { answerCounts, formatMissing, missingKindOf } from './missing-answers.js';
import type { MissingAnswers, MissingKind } from './missing-answers.js';
import type { LiveConfig } from './provider-config.js';
import { liveAnswers, type SampleTally } from './sample-tally.js';
import { runCall, runMulti, type NSupport, type SamplingContext } from './sampling.js';
import { loadSequentialReference, sequentialGateFor, type SequentialGate } from './sequential-gate.js';
import { sampleSequentially, sequentialMeta, sequentialOutput } from './sequential-sampling.js';
import type { ChatTransport } from './transport.js';
import { Extractor, type ExtractorRowSummary } from '../extraction/extractor.js';
import { extractorMeta } from '../extraction/extractor-summary.js';
import type { EnvelopeSample } from '../../answers/samples/envelope.js';

export type CallInput = { vars: Record<string, unknown>; repeatIndex?: number; signal?: AbortSignal };

/** The subset of promptfoo's ProviderResponse a live provider returns (src/ does not import promptfoo). */
export type LiveResponse = {
  output?: string;
  error?: string;
  tokenUsage: { prompt: number; completion: number; total: number; numRequests: number };
  cost?: number;
  prompt?: ChatMessage[];
  metadata: { stratalign: Record<string, unknown>; rateLimitKind?: 'quota' };
};

/**
 * Everything a live provider does apart from speaking its SDK: reads the scenario from the test,
 * renders the prompt, runs the sampling mode, accounts for every asked-for answer, and keeps the
 * key out of everything it returns.
 */
export class LiveProviderCore {
  readonly config: LiveConfig;
  private readonly protocol: Protocol;
  private readonly limiter: Limiter;
  private readonly nSupport: NSupport = { state: 'unknown' };
  private transport?: { key: string | null; transport: ChatTransport };
  /** Mode sequential: the teacher reference, read once when the provider is built. */
  private readonly reference: Reference | null;
  /** Off by default; with `extractor:` in the config, asked about answers the rules leave unread. */
  private readonly extractor: Extractor | null;

  constructor(
    config: LiveConfig,
    private readonly makeTransport: (apiKey: string | null) => ChatTransport,
    private readonly catalogue: Catalogue,
    private readonly env: Record<string, string | undefined> = process.env,
    makeExtractorTransport?: (apiKey: string | null) => ChatTransport | Promise<ChatTransport>,
  ) {
    this.config = config;
    this.protocol = catalogue.protocol(config.protocol, { field: `providers[${config.providerId}].config.protocol` });
    this.limiter = createLimiter(config.concurrency);
    const { sequential } = config;
    this.reference = sequential
      ? loadSequentialReference(sequential, config.providerId, catalogue, config.basePath)
      : null;
    this.extractor =
      config.extractor && makeExtractorTransport ? new Extractor(config.extractor, makeExtractorTransport, env) : null;
  }

  async call(input: CallInput): Promise<LiveResponse> {
    const repeatIndex = input.repeatIndex ?? 0;
    const split = typeof input.vars.split === 'string' ? input.vars.split : undefined;
    const meta: Record<string, unknown> = { ...this.provenance(), repeatIndex, ...(split ? { split } : {}) };
    const name = input.vars.scenario;
    if (typeof name !== 'string' || name.trim() === '') {
      return this.failBeforeCall(meta, 'not-asked', NO_SCENARIO);
    }
    let scenario: Scenario;
    let prompt: RenderedPrompt;
    try {
      scenario = resolveScenario(this.catalogue, name, { field: 'vars.scenario' });
      prompt = renderPrompt(scenario, this.protocol);
    } catch (err) {
      if (isStratalignError(err)) return this.failBeforeCall(meta, 'not-asked', err.message);
      throw err;
    }
    meta.scenario = scenario.id;
    const unreadable = this.config.mode === 'logprobs' ? logprobsUnsupportedReason(scenario.game.actionSpace) : null;
    if (unreadable) return this.failBeforeCall(meta, 'not-asked', `scenario ${scenario.id}: ${unreadable}`);
    let gate: SequentialGate | undefined;
    if (this.reference && this.config.sequential) {
      const found = sequentialGateFor(scenario, this.reference, this.config.sequential);
      if (!found.ok) return this.failBeforeCall(meta, 'not-asked', found.reason);
      gate = found.gate;
    }
    const key = lookupApiKey(this.config.apiKeyEnv, this.env);
    if (!key.ok) {
      return this.failBeforeCall(meta, missingKindOf(key.fault), describeFault(key.fault, this.faultContext()));
    }
    const ctx: SamplingContext = {
      config: this.config,
      transport: this.transportFor(key.key),
      limiter: this.limiter,
      prompt,
      repeatIndex,
      nSupport: this.nSupport,
      ...(input.signal ? { signal: input.signal } : {}),
    };
    const response = gate
      ? await this.sampleSequential(ctx, scenario, gate, meta)
      : await this.sample(ctx, scenario, meta);
    return redactSecret({ ...response, prompt: prompt.messages }, key.key);
  }

  /** Provider facts every result carries, so each number says where it came from. */
  provenance(): Record<string, unknown> {
    const c = this.config;
    return {
      source: 'live',
      provider: c.kind,
      mode: c.mode,
      model: c.model,
      role: c.role,
      protocol: c.protocol,
      ...(c.structuredMode ? { structuredMode: c.structuredMode } : {}),
      baseUrl: c.baseUrl,
    };
  }

  /**
   * Answers one row asks for before it has made a call: `samples` in multi mode, one in single and
   * logprobs mode, the first batch in sequential mode (it would have stopped or gone on from there).
   */
  answersPerRow(): number {
    const c = this.config;
    if (c.mode === 'multi') return c.samples;
    if (c.mode === 'sequential' && c.sequential) return Math.min(c.sequential.batch, c.sequential.cap);
    return 1;
  }

  private async sample(ctx: SamplingContext, scenario: Scenario, meta: Record<string, unknown>): Promise<LiveResponse> {
    const c = this.config;
    if (c.mode === 'multi') {
      const { outcomes, usedN } = await runMulti(ctx);
      const { tally, output } = liveAnswers(
        outcomes,
        this.faultContext(),
        (got, asked) =>
          `server returned ${got} of ${asked} choices for n=${asked}: it may ignore n; set useN: auto or false`,
        { config: c, scenarioId: scenario.id, mode: 'multi', requested: c.samples },
      );
      const extracted = await this.extract(tally.samples, scenario, ctx.signal);
      const multiMeta = { ...meta, ...counts(tally, c.samples), usedN, ...extracted };
      if (tally.samples.length === 0) {
        const why = formatMissing(tally.missingReasons).join('; ');
        return this.fail(multiMeta, `no answer recorded for any of ${c.samples} samples: ${why}`, tally.usage);
      }
      return this.succeed(output(), multiMeta, tally.usage);
    }
    const outcome = await runCall(ctx, 1, ctx.repeatIndex, c.mode === 'logprobs' ? c.topLogprobs : undefined);
    const mode = c.mode === 'logprobs' ? 'logprobs' : 'single';
    const { tally, output } = liveAnswers([outcome], this.faultContext(), () => 'no choice returned', {
      config: c,
      scenarioId: scenario.id,
      mode,
      requested: 1,
    });
    const sample = tally.samples[0];
    if (!sample) {
      const why = tally.missingReasons.map((r) => r.message).join('; ');
      return this.fail({ ...meta, ...counts(tally, 1) }, why, tally.usage);
    }
    const callMeta = { ...meta, ...counts(tally, 1), finishReason: sample.finishReason };
    if (c.mode === 'single' && this.extractor) {
      // With an extractor the answer goes out as an envelope: its extraction record travels with it.
      const extracted = await this.extract(tally.samples, scenario, ctx.signal);
      return this.succeed(output(), { ...callMeta, ...extracted }, tally.usage);
    }
    if (c.mode === 'single') return this.succeed(sample.text ?? '', callMeta, tally.usage);

    const top = 'result' in outcome ? outcome.result.choices[0]?.firstTokenTopLogprobs : undefined;
    const reading = top?.length ? scenarioLogprobs(top, scenario) : noLogprobs(this.faultContext());
    const unread = (kind: MissingKind, reason: string, extra: Record<string, unknown> = {}): LiveResponse => {
      // What logprobs mode asked for, the distribution, is missing; the answer text is kept, as the call was made and
      // paid for.
      const missing: MissingAnswers[] = [{ kind, count: 1, message: reason }];
      const kept = { finishReason: sample.finishReason, unscoredText: sample.text, ...extra };
      const unreadMeta = { ...meta, ...answerCounts(1, 0, missing), ...kept };
      return this.fail(unreadMeta, reason, tally.usage);
    };
    if (!reading.ok) return unread(reading.kind, reading.reason);
    const thin = inSpaceMassProblem(reading.distribution, top!, scenario.game.actionSpace, c.minInSpaceMass);
    // Renormalised from a small share of the mass, the options' split says little about the choice: not scored.
    if (thin) return unread('low-in-space-mass', thin, { unscoredDistribution: reading.distribution });
    return this.succeed(
      output(reading.distribution),
      { ...callMeta, otherMass: reading.distribution.otherMass },
      tally.usage,
    );
  }

  private async sampleSequential(
    ctx: SamplingContext,
    scenario: Scenario,
    gate: SequentialGate,
    meta: Record<string, unknown>,
  ): Promise<LiveResponse> {
    const settings = this.config.sequential!;
    const summaries: ExtractorRowSummary[] = [];
    const extract = this.extractor
      ? async (samples: EnvelopeSample[]) =>
          void summaries.push(await this.extractor!.extract(samples, scenario, ctx.signal))
      : undefined;
    const sampling = await sampleSequentially(ctx, scenario, gate, settings, this.faultContext(), extract);
    const { tally, run } = sampling;
    const seqMeta = { ...meta, ...sequentialMeta(sampling, gate, settings), ...extractorMeta(summaries) };
    if (tally.samples.length === 0) {
      const why = formatMissing(tally.missingReasons).join('; ');
      const none = `no answer recorded for any of the ${run.calls} answers asked (${run.decision})`;
      return this.fail(seqMeta, `${none}: ${why}`, tally.usage);
    }
    return this.succeed(sequentialOutput(this.config, scenario.id, sampling, gate), seqMeta, tally.usage);
  }

  /** Runs the extractor over a row's samples, if one is configured; its summary goes into the row's metadata. */
  private async extract(
    samples: EnvelopeSample[],
    scenario: Scenario,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>> {
    if (!this.extractor) return {};
    return extractorMeta([await this.extractor.extract(samples, scenario, signal)]);
  }

  private transportFor(key: string | null): ChatTransport {
    if (!this.transport || this.transport.key !== key) this.transport = { key, transport: this.makeTransport(key) };
    return this.transport.transport;
  }

  private faultContext(): FaultContext {
    const { baseUrl, model, timeoutMs, maxRetryAfterMs, kind, structuredMode } = this.config;
    const base = { baseUrl, model, timeoutMs, maxRetryAfterMs };
    return isStructuredProtocol(this.protocol)
      ? { ...base, structured: { provider: kind, mode: structuredMode } }
      : base;
  }

  private succeed(output: string, meta: Record<string, unknown>, usage: UsageTotals): LiveResponse {
    return { output, ...this.accounting(usage), metadata: { stratalign: meta } };
  }

  /**
   * promptfoo's scheduler calls a provider again when its error mentions "429" or "rate limit",
   * and after its own retries throws the response away. The SDK has already retried, so every
   * error says `rateLimitKind: 'quota'`, promptfoo's only "do not retry" mark; this keeps one
   * retry policy and keeps the missing-sample accounting in the result.
   */
  private fail(meta: Record<string, unknown>, message: string, usage: UsageTotals): LiveResponse {
    return {
      error: `stratalign ${this.config.kind} "${this.config.model}": ${message}`,
      ...this.accounting(usage),
      metadata: { stratalign: meta, rateLimitKind: 'quota' },
    };
  }

  /** A row that failed before its first call still says what it asked for: all of it is missing. */
  private failBeforeCall(meta: Record<string, unknown>, kind: MissingKind, message: string): LiveResponse {
    const requested = this.answersPerRow();
    const lost = answerCounts(requested, 0, [{ kind, count: requested, message }]);
    return this.fail({ ...meta, ...lost }, message, emptyUsage());
  }

  private accounting(usage: UsageTotals): Pick<LiveResponse, 'tokenUsage' | 'cost'> {
    const prices =
      this.config.prices ?? (this.config.apiKeyEnv === null ? { inputPerMTok: 0, outputPerMTok: 0 } : null);
    const cost = costOf(usage, prices);
    return { tokenUsage: toTokenUsage(usage), ...(cost === undefined ? {} : { cost }) };
  }
}

const NO_SCENARIO =
  'the test has no `scenario` var; generate tests with extensions/scenario-tests.ts ' +
  'or set vars.scenario (e.g. business/prisoners-dilemma)';

function noLogprobs(ctx: FaultContext) {
  return { ok: false as const, kind: 'no-logprobs' as const, reason: describeFault({ kind: 'no-logprobs' }, ctx) };
}

function counts(tally: SampleTally, requested: number): Record<string, unknown> {
  return {
    ...answerCounts(requested, tally.samples.length, tally.missingReasons),
    ...(tally.usage.unreported ? { usageUnreportedRequests: tally.usage.unreported } : {}),
  };
}
