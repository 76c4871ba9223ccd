import type { BatchStatus } from './api.js';

/** The lines a collection prints on stderr as it goes, one per step or change. */
export function countsOf(status: BatchStatus): string {
  const total = status.counts.total === null ? '?' : String(status.counts.total);
  return `${status.counts.succeeded} succeeded, ${status.counts.failed} failed of ${total}`;
}

export function endedLine(key: string, status: BatchStatus): string {
  // Anthropic's only end status is "ended"; OpenAI's says how (completed, expired, failed, cancelled).
  const how =
    status.status === 'ended'
      ? `ended${status.endedAs === 'cancelled' ? ' (cancelled)' : ''}`
      : `ended ${status.status}`;
  const errors = status.errors.length ? `: ${status.errors.slice(0, 3).join('; ')}` : '';
  return `${key} ${status.id}: ${how} (${countsOf(status)})${errors}`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** "2 expired, 1 batch-failed" */
export function countBy(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${n} ${v}`).join(', ');
}
