import { sanitizeForTerminal } from '../../shared/terminal.js';
import type { CollectionPlan } from './plan.js';
import type { CollectionSummary } from './summary.js';

const MAX_REASONS = 8;
const n = (value: number) => value.toLocaleString('en-US');
const batchLine = (b: CollectionSummary['batches'][number]) =>
  `${b.key} ${b.batchId ?? '(not created)'} ${b.status}${b.collected ? ' collected' : ''}`;

/** The end-of-command report. Server messages inside reasons are untrusted and sanitised. */
export function renderSummary(
  summary: CollectionSummary,
  plan: CollectionPlan,
  files: { recording: string; errors: string },
): string {
  const lines = [
    `collection: ${plan.provider} batch API, model ` +
      `${plan.model}${plan.label !== plan.model ? ` (label ${plan.label})` : ''}, protocol ${plan.protocol}; ` +
      `LIVE answers collected through the batch API`,
    `batches: ${summary.batches.length === 0 ? 'none yet' : summary.batches.map(batchLine).join('; ')}`,
    `requested ${n(summary.requested)} = recorded ${n(summary.recorded)} + missing ${n(summary.missing)}`,
  ];
  const shown = summary.missingBy.slice(0, MAX_REASONS);
  for (const group of shown) lines.push(`  missing ${n(group.count)}: ${group.reason.replace(/\s+/g, ' ')}`);
  if (summary.missingBy.length > shown.length) {
    const rest = summary.missingBy.slice(MAX_REASONS).reduce((a, g) => a + g.count, 0);
    lines.push(`  missing ${n(rest)}: ${summary.missingBy.length - shown.length} other reasons (see ${files.errors})`);
  }
  if (summary.resubmitted > 0)
    lines.push(
      `re-submitted: ${n(summary.resubmitted)} items were sent in more than one batch (after their batch ` +
        `expired, was cancelled or failed)`,
    );
  const { unreadable, ignored } = summary.skippedLines;
  if (unreadable + ignored > 0) {
    const parts = [
      unreadable ? `${n(unreadable)} unreadable (not JSON, or without a custom_id)` : '',
      ignored ? `${n(ignored)} with another batch's or a repeated custom_id` : '',
    ];
    lines.push(`result lines skipped: ${parts.filter(Boolean).join(', ')}`);
  }
  const failures = Object.entries(summary.parse.failures)
    .map(([kind, count]) => `${kind} ${n(count)}`)
    .join(', ');
  lines.push(
    `parsed: ${n(summary.parse.valid)} valid answers, ${n(summary.recorded - summary.parse.valid)} parse ` +
      `failures${failures ? ` (${failures})` : ''}`,
  );
  const unreported = summary.usage.unreported ? ` (${n(summary.usage.unreported)} answers reported no usage)` : '';
  lines.push(`tokens: prompt ${n(summary.usage.prompt)}, completion ${n(summary.usage.completion)}${unreported}`);
  lines.push(`recording: ${files.recording}; failures: ${files.errors}`);
  return `${lines.map(sanitizeForTerminal).join('\n')}\n`;
}
