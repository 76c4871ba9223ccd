import jStat from 'jstat';
import { extractedCount, failuresKnown, validCount, type Tally } from '../../recordings/types.js';

/**
 * How well a model's answers were read, from its tallies: the share read, the failures by kind,
 * and whether the unread answers are spread evenly over scenarios. Unread answers piling up in a
 * few scenarios are a bias (they change those scenarios' distributions), not noise, so they are
 * tested: Pearson's chi-square test of homogeneity on the scenarios x {read, unread} table,
 * df = scenarios - 1. Scenarios with no answers are left out; where an expected unread count is
 * below 1 the test is still computed but says it is approximate.
 */
export type ParseQuality = {
  model: string;
  received: number;
  /** Answers read, by either route: `read - extracted` by the rules, `extracted` by the audited extractor. */
  read: number;
  extracted: number;
  failures: Record<string, number>;
  /** null when the data could not record failures (replayed counts) or fewer than two scenarios hold answers. */
  spread: {
    statistic: number;
    df: number;
    p: number;
    approximate: boolean;
    worst: { scenario: string; unreadShare: number };
  } | null;
};

export const UNEVEN_P = 0.01;

export function parseQualityByModel(tallies: readonly Tally[]): ParseQuality[] {
  const byModel = new Map<string, Tally[]>();
  for (const t of tallies) byModel.set(t.model, [...(byModel.get(t.model) ?? []), t]);
  return [...byModel].map(([model, list]) => quality(model, list));
}

function quality(model: string, tallies: Tally[]): ParseQuality {
  const failures: Record<string, number> = {};
  let read = 0;
  let extracted = 0;
  let received = 0;
  const known = tallies.every(failuresKnown);
  const rows: Array<{ scenario: string; read: number; unread: number }> = [];
  for (const t of tallies) {
    const unread = Object.values(t.failures).reduce((a, b) => a + (b ?? 0), 0);
    for (const [kind, n] of Object.entries(t.failures)) failures[kind] = (failures[kind] ?? 0) + (n ?? 0);
    read += validCount(t);
    extracted += extractedCount(t);
    received += validCount(t) + unread;
    if (validCount(t) + unread > 0) rows.push({ scenario: t.scenario, read: validCount(t), unread });
  }
  return { model, received, read, extracted, failures, spread: known && rows.length >= 2 ? homogeneity(rows) : null };
}

function homogeneity(rows: Array<{ scenario: string; read: number; unread: number }>): ParseQuality['spread'] {
  const total = rows.reduce((s, r) => s + r.read + r.unread, 0);
  const unreadTotal = rows.reduce((s, r) => s + r.unread, 0);
  const p0 = unreadTotal / total;
  const worst = rows.reduce(
    (w, r) =>
      r.unread / (r.read + r.unread) > w.unreadShare
        ? { scenario: r.scenario, unreadShare: r.unread / (r.read + r.unread) }
        : w,
    {
      scenario: rows[0]!.scenario,
      unreadShare: rows[0]!.unread / (rows[0]!.read + rows[0]!.unread),
    },
  );
  if (unreadTotal === 0 || p0 === 1) return { statistic: 0, df: rows.length - 1, p: 1, approximate: false, worst };
  let statistic = 0;
  let approximate = false;
  for (const r of rows) {
    const n = r.read + r.unread;
    const expUnread = n * p0;
    const expRead = n * (1 - p0);
    if (expUnread < 1) approximate = true;
    statistic += (r.unread - expUnread) ** 2 / expUnread + (r.read - expRead) ** 2 / expRead;
  }
  const df = rows.length - 1;
  return { statistic, df, p: 1 - jStat.chisquare.cdf(statistic, df), approximate, worst };
}

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`;

/**
 * The read routes of a model's answers as one phrase: "92.5 % read by the rules (185 of 200)",
 * and where an extractor took part, each route apart: "90.0 % read by the rules, 5.0 % by the
 * extractor, 5.0 % unread (180 + 10 + 10 of 200)".
 */
export function describeReadRoutes(q: Pick<ParseQuality, 'received' | 'read' | 'extracted' | 'failures'>): string {
  if (q.received === 0) return 'no answers';
  const extractorKinds = Object.entries(q.failures).some(([k, n]) => k.startsWith('extractor-') && (n ?? 0) > 0);
  if (q.extracted === 0 && !extractorKinds)
    return `${pct(q.read, q.received)} read by the rules (${q.read} of ${q.received})`;
  const rules = q.read - q.extracted;
  const unread = q.received - q.read;
  return (
    `${pct(rules, q.received)} read by the rules, ${pct(q.extracted, q.received)} by the extractor, ` +
    `${pct(unread, q.received)} unread (${rules} + ${q.extracted} + ${unread} of ${q.received})`
  );
}

/** One line per model for summaries and reports; a warning when unread answers are unevenly spread. */
export function describeParseQuality(q: ParseQuality): string {
  const kinds = Object.entries(q.failures)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const base = `${q.model}: ${describeReadRoutes(q)}${kinds ? `; unread: ${kinds}` : ''}`;
  if (!q.spread || q.spread.p >= UNEVEN_P) return base;
  const s = q.spread;
  return (
    `${base}; WARNING unread answers are unevenly spread over scenarios (Pearson chi-square test of ` +
    `homogeneity, chi2 = ${s.statistic.toFixed(1)}, df = ${s.df}, p = ` +
    `${s.p < 0.0001 ? '< 0.0001' : s.p.toFixed(4)}${
      s.approximate ? ', approximate: some expected ' + 'counts below 1' : ''
    }; worst ${s.worst.scenario} with ${(100 * s.worst.unreadShare).toFixed(0)} % ` +
    `unread): a parsing bias, not noise`
  );
}
