import type { Catalogue } from '../catalogue/catalogue.js';
import { cooperationOf } from '../games/action-space.js';
import { failureCount, validCount, type Tally } from '../recordings/types.js';
import type { Reference } from '../reference/reference.js';
import { resolveScenario } from '../scenarios/scenario.js';
import { distributionScores } from '../scoring/score-samples.js';
import { meanPaperImprovement, pooledGapClosure, type ScenarioCounts } from '../stats/gap-closure.js';

export type ModelSummary = {
  model: string;
  role: string | null;
  source: Tally['source'];
  scenarios: number;
  valid: number;
  unparseable: number;
  /** Mean over scenarios of the cooperation rate (each scenario weighs the same). */
  cooperation: number | null;
  /** Mean over scenarios of the teacher agreement; null without a reference. */
  agreement: number | null;
};

export type SplitImprovement = { split: string; scenarios: number; paper: number | null; pooled: number | null; undefinedScenarios: string[] };

function rates(tally: Tally): Record<string, number> | null {
  const n = validCount(tally);
  return n ? Object.fromEntries(Object.entries(tally.counts).map(([a, c]) => [a, c / n])) : null;
}

export function summariseModels(tallies: readonly Tally[], reference: Reference | null, catalogue: Catalogue): ModelSummary[] {
  const models = [...new Set(tallies.map((t) => t.model))];
  return models.map((model) => {
    const mine = tallies.filter((t) => t.model === model);
    const cooperation: number[] = [];
    const agreement: number[] = [];
    for (const t of mine) {
      const p = rates(t);
      const game = resolveScenario(catalogue, t.scenario).game;
      if (!p) continue;
      cooperation.push(Object.entries(p).reduce((a, [action, share]) => a + share * cooperationOf(game.actionSpace, /^\d+$/.test(action) ? Number(action) : action), 0));
      const entry = reference?.scenarios[t.scenario];
      if (entry) agreement.push(distributionScores(p, game.actionSpace, entry).agreement!);
    }
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    return {
      model,
      role: mine[0]!.role,
      source: mine[0]!.source,
      scenarios: mine.length,
      valid: mine.reduce((a, t) => a + validCount(t), 0),
      unparseable: mine.reduce((a, t) => a + failureCount(t), 0),
      cooperation: mean(cooperation),
      agreement: mean(agreement),
    };
  });
}

/**
 * The paper's improvement metric per split, on the counts of cooperative answers of the models with
 * roles base, fine-tuned and teacher, exactly as published (counts, not rates: a few recorded
 * scenarios have fewer than 300 valid answers, and the published figures use the raw counts).
 */
export function improvementBySplit(tallies: readonly Tally[], catalogue: Catalogue): SplitImprovement[] {
  const splits = [...new Set(tallies.map((t) => t.split))];
  return splits.flatMap((split) => {
    const rows: ScenarioCounts[] = [];
    for (const scenario of new Set(tallies.filter((t) => t.split === split).map((t) => t.scenario))) {
      const cooperativeCount = (role: string) => {
        const t = tallies.find((x) => x.split === split && x.scenario === scenario && x.role === role);
        const game = resolveScenario(catalogue, scenario).game;
        if (!t || validCount(t) === 0 || game.actionSpace.kind !== 'choice') return null;
        return t.counts[game.actionSpace.cooperative] ?? 0;
      };
      const [base, fineTuned, teacher] = [cooperativeCount('base'), cooperativeCount('fine-tuned'), cooperativeCount('teacher')];
      if (base !== null && fineTuned !== null && teacher !== null) rows.push({ scenario, base, fineTuned, teacher });
    }
    if (rows.length === 0) return [];
    const { mean, undefinedScenarios } = meanPaperImprovement(rows);
    return [{ split, scenarios: rows.length, paper: mean, pooled: pooledGapClosure(rows), undefinedScenarios }];
  });
}
