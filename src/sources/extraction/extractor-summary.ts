import type { ExtractorRowSummary } from './extractor.js';

/** One summary for the row, however many batches asked the extractor. */
export function extractorMeta(summaries: readonly ExtractorRowSummary[]): Record<string, unknown> {
  if (summaries.length === 0) return {};
  const first = summaries[0]!;
  const sum = (f: (s: ExtractorRowSummary) => number) => summaries.reduce((a, s) => a + f(s), 0);
  const costs = summaries.map((s) => s.cost);
  const firstError = summaries.find((s) => s.firstError)?.firstError;
  const summary: ExtractorRowSummary = {
    model: first.model,
    provider: first.provider,
    promptVersion: first.promptVersion,
    asked: sum((s) => s.asked),
    read: sum((s) => s.read),
    none: sum((s) => s.none),
    invalid: sum((s) => s.invalid),
    errors: sum((s) => s.errors),
    ...(firstError ? { firstError } : {}),
    tokens: {
      prompt: sum((s) => s.tokens.prompt),
      completion: sum((s) => s.tokens.completion),
      requests: sum((s) => s.tokens.requests),
    },
    ...(costs.every((x) => x !== undefined) ? { cost: costs.reduce((a, b) => a! + b!, 0) } : {}),
  };
  return { extractor: summary };
}
