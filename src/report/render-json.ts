import type { Report } from './types.js';

/** The report for machines: the versioned object as is (schema `stratalign.report/v2`, see REPORT_SCHEMA). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
