/**
 * Calls to the audited extractor that failed (network, 5xx after retries, a missing key), from
 * the rows' `metadata.stratalign.extractor`. Those answers stay unread (`extractor-error`) and the
 * end-of-eval hook fails the run, as it does for lost answers: the eval did not read its answers
 * the way its config asked, and a failure must never pass for the extractor saying "none".
 */
export type ExtractorErrors = { answers: number; rows: number; firstError: string | null };

export function extractorErrors(rows: readonly unknown[]): ExtractorErrors {
  const out: ExtractorErrors = { answers: 0, rows: 0, firstError: null };
  for (const row of rows) {
    const summary = extractorSummaryOf(row);
    const errors = typeof summary?.errors === 'number' ? summary.errors : 0;
    if (errors <= 0) continue;
    out.answers += errors;
    out.rows++;
    if (out.firstError === null && typeof summary?.firstError === 'string') out.firstError = summary.firstError;
  }
  return out;
}

export function describeExtractorErrors(e: ExtractorErrors): string {
  return (
    `EXTRACTOR ERRORS: ${e.answers} answer(s) in ${e.rows} row(s) could not be put to the extractor and ` +
    `stay unread (extractor-error); first: ${e.firstError ?? 'no reason given'}`
  );
}

function extractorSummaryOf(row: unknown): Record<string, unknown> | null {
  const r = row as { response?: { metadata?: { stratalign?: { extractor?: unknown } } } } | null;
  const summary = r?.response?.metadata?.stratalign?.extractor;
  return summary && typeof summary === 'object' ? (summary as Record<string, unknown>) : null;
}
