import { z } from 'zod';
import type { TokenCounts } from './transport.js';

/** Prices per million tokens, as a config gives them (live providers and the extractor). */
export const pricesSchema = z.strictObject({ inputPerMTok: z.number().min(0), outputPerMTok: z.number().min(0) });
export type Prices = z.infer<typeof pricesSchema>;

/** Token totals of one promptfoo call, which may have made several requests. */
export type UsageTotals = TokenCounts & {
  /** Requests made, failed ones included: they may have been billed and did count against limits. */
  requests: number;
  /** Successful requests whose response carried no usage: their tokens are unknown, not zero. */
  unreported: number;
};

export function emptyUsage(): UsageTotals {
  return { prompt: 0, completion: 0, requests: 0, unreported: 0 };
}

export function addUsage(totals: UsageTotals, usage: TokenCounts | null): void {
  if (usage === null) {
    totals.unreported++;
    return;
  }
  totals.prompt += usage.prompt;
  totals.completion += usage.completion;
}

/** promptfoo's tokenUsage fields. */
export function toTokenUsage(totals: UsageTotals): {
  prompt: number;
  completion: number;
  total: number;
  numRequests: number;
} {
  return {
    prompt: totals.prompt,
    completion: totals.completion,
    total: totals.prompt + totals.completion,
    numRequests: totals.requests,
  };
}

/**
 * Dollars for the tokens used. Undefined, not 0, when the price is unknown or some response
 * did not report its tokens: promptfoo would otherwise show an invented $0.
 */
export function costOf(totals: UsageTotals, prices: Prices | null): number | undefined {
  if (prices === null || totals.unreported > 0) return undefined;
  return (totals.prompt * prices.inputPerMTok + totals.completion * prices.outputPerMTok) / 1_000_000;
}
