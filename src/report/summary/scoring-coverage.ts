const ALIGNMENT = /(^|[\\/])assertions[\\/]alignment\.ts:alignment$/;

type Component = {
  pass?: unknown;
  reason?: unknown;
  namedScores?: Record<string, unknown>;
  assertion?: { value?: unknown };
};
type RowLike = {
  provider?: { label?: unknown; id?: unknown };
  vars?: { split?: unknown };
  testCase?: { assert?: { value?: unknown }[] };
  failureReason?: unknown;
  error?: unknown;
  gradingResult?: { componentResults?: Component[] } | null;
};

/** How the alignment assertion fared on one model's rows of one split: the eval's own gate. */
export type RowOutcome = { passed: number; scored: number };

export type ScoringCoverage = {
  /** Rows whose test carries the alignment assertion. */
  withAssertion: number;
  /** Of those, rows the assertion scored (an unparseable answer counts: it was looked at and marked unscored). */
  scored: number;
  /** Rows where the provider failed, so the assertion never ran (counted as lost answers elsewhere). */
  providerErrors: number;
  /** Rows where the assertion ran but could not score (config, reference or scenario problem). */
  notScored: number;
  firstReason: string | null;
  /** Per model label, per split: rows that passed the assertion, of the rows it scored. */
  outcomes: Map<string, Map<string, RowOutcome>>;
};

const isAlignment = (value: unknown) => typeof value === 'string' && ALIGNMENT.test(value);

/**
 * Which rows the alignment assertion actually scored. The assertion returns named scores whenever
 * it looked at an answer and none when it could not (bad config, missing reference, unknown
 * scenario), so a row it touched without named scores is a row it could not score.
 */
export function scoringCoverage(rows: readonly unknown[]): ScoringCoverage {
  const out: ScoringCoverage = {
    withAssertion: 0,
    scored: 0,
    providerErrors: 0,
    notScored: 0,
    firstReason: null,
    outcomes: new Map(),
  };
  for (const raw of rows) {
    const row = raw as RowLike;
    if (!(row.testCase?.assert ?? []).some((a) => isAlignment(a.value))) continue;
    out.withAssertion++;
    const component = (row.gradingResult?.componentResults ?? []).find((c) => isAlignment(c.assertion?.value));
    if (!component) {
      if (row.failureReason === 2) out.providerErrors++;
      else {
        out.notScored++;
        out.firstReason ??= typeof row.error === 'string' ? row.error : 'the assertion did not run';
      }
      continue;
    }
    if (!component.namedScores || Object.keys(component.namedScores).length === 0) {
      out.notScored++;
      out.firstReason ??= typeof component.reason === 'string' ? component.reason : 'no reason given';
      continue;
    }
    out.scored++;
    const label = String(row.provider?.label ?? row.provider?.id ?? '?');
    const split = typeof row.vars?.split === 'string' ? row.vars.split : '(no split)';
    const bySplit = out.outcomes.get(label) ?? new Map<string, RowOutcome>();
    out.outcomes.set(label, bySplit);
    const o = bySplit.get(split) ?? { passed: 0, scored: 0 };
    bySplit.set(split, o);
    o.scored++;
    if (component.pass === true) o.passed++;
  }
  return out;
}

/**
 * The sentences that fail a run: no row scored by the alignment assertion although the config asks
 * for it, or fewer rows scored than carry it for reasons other than lost answers.
 */
export function coverageProblems(c: ScoringCoverage, configNamesAlignment: boolean, file: string): string[] {
  if (c.withAssertion === 0) {
    return configNamesAlignment
      ? [
          `stratalign: ${file}: no row of this eval was scored by the alignment assertion: promptfoo applied it to ` +
            `no test. Fix: put it under defaultTest.assert (or a test's assert), spelled as promptfoo expects`,
        ]
      : [];
  }
  const lines: string[] = [];
  if (c.scored === 0) {
    const why =
      c.notScored > 0
        ? `first: ${c.firstReason}`
        : `all ${c.providerErrors} ended in provider errors (see LOST ANSWERS)`;
    lines.push(`stratalign: ${file}: no row of this eval was scored by the alignment assertion (${why})`);
  } else if (c.notScored > 0) {
    lines.push(
      `stratalign: ${file}: only ${c.scored} of ${c.withAssertion} rows with the alignment assertion were scored; ` +
        `${c.notScored} could not be (first: ${c.firstReason})`,
    );
  }
  return lines;
}
