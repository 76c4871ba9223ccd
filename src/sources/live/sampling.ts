import type { RenderedPrompt } from '../../catalogue/prompts/render.js';
import { withRequestSignal } from './abort-scope.js';
import type { Limiter } from './concurrency.js';
import { LiveFaultError } from './faults.js';
import type { LiveConfig } from './provider-config.js';
import type { CallOutcome } from './sample-tally.js';
import type { ChatTransport, CompletionRequest } from './transport.js';

/** OpenAI caps `n` at 128; larger batches are split into several requests. */
export const MAX_N_PER_REQUEST = 128;

/** What 'auto' has learned about a server's `n`: some (Ollama, llama.cpp) silently return one choice. */
export type NSupport = { state: 'unknown' | 'honoured' | 'ignored' };

export type SamplingContext = {
  config: LiveConfig;
  transport: ChatTransport;
  limiter: Limiter;
  prompt: RenderedPrompt;
  repeatIndex: number;
  signal?: AbortSignal;
  nSupport: NSupport;
};

/**
 * A fixed seed on N separate calls would ask the same question N times with the same dice:
 * each sample gets its own seed, `seed + index`, where index counts samples across repeats.
 */
export function seedFor(config: LiveConfig, sampleIndex: number): number | undefined {
  return config.sampling.seed === undefined ? undefined : config.sampling.seed + sampleIndex;
}

/** One request through the shared limiter; a failure becomes a fault, never an exception. */
export async function runCall(
  ctx: SamplingContext,
  n: number,
  sampleIndex: number,
  topLogprobs?: number,
): Promise<CallOutcome> {
  const seed = seedFor(ctx.config, sampleIndex);
  const request: CompletionRequest = {
    prompt: ctx.prompt,
    n,
    ...(seed === undefined ? {} : { seed }),
    ...(topLogprobs === undefined ? {} : { topLogprobs }),
  };
  // The child signal is made once the request may start, so waiting requests hold no listener.
  const send = () =>
    withRequestSignal(ctx.signal, (signal) => ctx.transport.complete(signal ? { ...request, signal } : request));
  try {
    return { asked: n, result: await ctx.limiter(send) };
  } catch (err) {
    return { asked: n, fault: err instanceof LiveFaultError ? err.fault : ctx.transport.faultOf(err) };
  }
}

/**
 * N answers (`samples`, or one sequential batch): with `n` in as few requests as possible, or N
 * single requests. Under 'auto', a request that came back short (server ignores `n`) is topped
 * up with single requests and the provider stops sending `n`; it is never silently counted as fewer samples.
 */
export async function runMulti(
  ctx: SamplingContext,
  batch?: { size: number; first: number },
): Promise<{ outcomes: CallOutcome[]; usedN: boolean }> {
  // A sequential run asks batch by batch; `first` keeps the seeds of its samples distinct.
  const total = batch?.size ?? ctx.config.samples;
  const first = batch?.first ?? ctx.repeatIndex * total;
  const useN = ctx.config.useN === true || (ctx.config.useN === 'auto' && ctx.nSupport.state !== 'ignored');
  if (!useN) {
    return { outcomes: await Promise.all(range(total).map((i) => runCall(ctx, 1, first + i))), usedN: false };
  }
  const chunks = range(Math.ceil(total / MAX_N_PER_REQUEST)).map((k) => ({
    start: k * MAX_N_PER_REQUEST,
    size: Math.min(MAX_N_PER_REQUEST, total - k * MAX_N_PER_REQUEST),
  }));
  const outcomes = await Promise.all(chunks.map((c) => runCall(ctx, c.size, first + c.start)));
  if (ctx.config.useN !== 'auto') return { outcomes, usedN: true };

  const adjusted: CallOutcome[] = [];
  const topUps: Promise<CallOutcome>[] = [];
  outcomes.forEach((outcome, k) => {
    const got = 'result' in outcome ? Math.min(outcome.result.choices.length, outcome.asked) : 0;
    if (!('result' in outcome) || got === 0 || got === outcome.asked) {
      if (got > 1) ctx.nSupport.state = 'honoured';
      adjusted.push(outcome);
      return;
    }
    ctx.nSupport.state = 'ignored';
    adjusted.push({ asked: got, result: outcome.result });
    const chunk = chunks[k]!;
    for (let i = got; i < chunk.size; i++) topUps.push(runCall(ctx, 1, first + chunk.start + i));
  });
  return { outcomes: [...adjusted, ...(await Promise.all(topUps))], usedN: true };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
