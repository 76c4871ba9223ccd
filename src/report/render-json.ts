import type { Report } from './types.js';

/**
 * The report for machines: the versioned object (schema `stratalign.report/v3`, see REPORT_SCHEMA)
 * without `figures`, the in-memory join of the same numbers `groups` publishes.
 */
export function renderJson(report: Report): string {
  const { figures: _joined, ...published } = report;
  return `${JSON.stringify(published, null, 2)}\n`;
}
