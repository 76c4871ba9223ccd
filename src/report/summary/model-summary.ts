import type { Catalogue } from '../../catalogue/catalogue.js';
import { readingCount } from '../../recordings/logprob-reading.js';
import { failureCount, failuresKnown, validCount, type Tally } from '../../recordings/types.js';
import { cooperationRate, cooperationWeights, measureTally } from '../tally-measures.js';
import type { Reference } from '../../recordings/reference/reference.js';
import { scenarioById, type ResolvedScenarios } from '../../catalogue/scenarios/resolved-scenarios.js';
import { distributionScores } from '../../eval/scoring/score-samples.js';

/**
 * Teacher agreement per model: the mean over scenarios of P(a reference answer equals one of the
 * model's answers), against the reference the alignment assertion scores with. Scenarios without
 * a reference entry or without valid answers are left out; null when none is left.
 */
export function agreementByModel(
  tallies: readonly Tally[],
  reference: Reference,
  catalogue: Catalogue,
  resolved?: ResolvedScenarios,
): Map<string, number | null> {
  const values = new Map<string, number[]>();
  for (const t of tallies) {
    const list = values.get(t.model) ?? [];
    values.set(t.model, list);
    const entry = reference.scenarios[t.scenario];
    const n = validCount(t);
    if (!entry || entry.n === 0 || n === 0) continue;
    const shares = Object.fromEntries(Object.entries(t.counts).map(([a, c]) => [a, c / n]));
    list.push(
      distributionScores(shares, scenarioById(resolved, catalogue, t.scenario).game.actionSpace, entry).agreement!,
    );
  }
  return new Map(
    [...values].map(([model, xs]) => [model, xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null]),
  );
}

export type PlainModelRow = {
  model: string;
  role: string | null;
  source: Tally['source'];
  /** Log-probability readings among the valid answers (counted as their distributions). */
  readings: number;
  valid: number;
  failures: number | null;
  cooperation: number | null;
};

/**
 * Per-model answers and cooperation pooled over all answers (the report's definition), without
 * intervals or a comparison: what the summary can still show when the data names no base,
 * fine-tuned and teacher to compare.
 *
 * It computes its cooperation itself because it is used exactly when no report exists (buildReport
 * refuses data without one base and one teacher, so there are no per-model figures to read). It
 * reads no answer of its own: its tallies come from the same samplesFromRows and TallyBuilder as
 * the report's, and each tally is measured with the report's measureTally, cooperationWeights and
 * cooperationRate, weighted by valid answers as the report pools a group.
 */
export function plainModelRows(
  tallies: readonly Tally[],
  catalogue: Catalogue,
  resolved?: ResolvedScenarios,
): PlainModelRow[] {
  const rows = new Map<string, PlainModelRow & { weighted: number; weight: number }>();
  for (const t of tallies) {
    const fresh = {
      model: t.model,
      role: t.role,
      source: t.source,
      readings: 0,
      valid: 0,
      failures: 0,
      cooperation: null,
    };
    const row = rows.get(t.model) ?? { ...fresh, weighted: 0, weight: 0 };
    rows.set(t.model, row);
    const space = scenarioById(resolved, catalogue, t.scenario).game.actionSpace;
    const m = measureTally(t, space);
    const rate = cooperationRate(m.counts, cooperationWeights(space));
    row.valid += m.valid;
    row.readings += readingCount(t);
    row.failures = row.failures === null || !failuresKnown(t) ? null : row.failures + failureCount(t);
    if (rate !== null) {
      row.weighted += rate * m.valid;
      row.weight += m.valid;
    }
  }
  return [...rows.values()].map(({ weighted, weight, ...row }) => ({
    ...row,
    cooperation: weight ? weighted / weight : null,
  }));
}
