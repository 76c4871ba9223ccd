import type { Catalogue } from '../../catalogue/catalogue.js';
import type { GridPoint } from '../../catalogue/games/grid-game.js';
import type { LabelVariant } from '../../catalogue/games/label-variant.js';
import { sampleBinomial } from '../../stats/bootstrap.js';
import { createRng } from '../../shared/random.js';
import type { Tally } from '../../recordings/types.js';
import { baseScenarioId, labelsOf, resolveScenario, type Scenario } from '../../catalogue/scenarios/scenario.js';
import { choiceCovariates, type ChoiceCovariates } from '../../catalogue/scenarios/choice-covariates.js';

/**
 * One model's answers to one 2x2 scenario, as the probes need them: the cooperative count out of
 * the valid answers, the label variant, the payoff covariates, and seeded bootstrap redraws of the
 * count (each answer redrawn from the observed share), so every interval built on cells is
 * reproducible from the seed and does not move when other models or rows are added.
 */
export type ChoiceCell = {
  split: string;
  model: string;
  role: string | null;
  scenario: Scenario;
  /** The scenario's id under the reference labels: variants of one scenario share it. */
  baseId: string;
  labels: LabelVariant;
  covariates: ChoiceCovariates;
  grid: GridPoint | null;
  /** Cooperative answers and valid answers (parse failures are not answers here). */
  k: number;
  n: number;
  /** Cooperative count in each bootstrap resample. */
  replicates: Int32Array;
};

export type CellOptions = { resamples: number; seed: string };

/** Cells of every 2x2 tally with at least one valid answer; other games are not probed. */
export function choiceCells(tallies: readonly Tally[], catalogue: Catalogue, options: CellOptions): ChoiceCell[] {
  const scenarios = new Map<string, Scenario>();
  const out: ChoiceCell[] = [];
  for (const t of tallies) {
    let scenario = scenarios.get(t.scenario);
    if (!scenario) {
      scenario = resolveScenario(catalogue, t.scenario, { field: 'scenario' });
      scenarios.set(t.scenario, scenario);
    }
    const space = scenario.game.actionSpace;
    const covariates = choiceCovariates(scenario, catalogue);
    if (!covariates || space.kind !== 'choice') continue;
    const k = t.counts[space.cooperative] ?? 0;
    const n = Object.values(t.counts).reduce((a, b) => a + b, 0);
    if (n === 0) continue;
    const rng = createRng(`${options.seed}\u0000probes\u0000${t.split}\u0000${t.scenario}\u0000${t.model}`);
    const replicates = new Int32Array(options.resamples);
    for (let r = 0; r < options.resamples; r++) replicates[r] = sampleBinomial(n, k / n, rng);
    out.push({
      split: t.split,
      model: t.model,
      role: t.role,
      scenario,
      baseId: baseScenarioId(scenario),
      labels: labelsOf(catalogue, scenario),
      covariates,
      grid: scenario.grid ?? null,
      k,
      n,
      replicates,
    });
  }
  return out;
}

/** Pooled share of cells and of each resample: sum(k) / sum(n). */
export function pooledShare(
  cells: readonly ChoiceCell[],
  resamples: number,
): { value: number; replicates: Float64Array } | null {
  const n = cells.reduce((a, c) => a + c.n, 0);
  if (n === 0) return null;
  const replicates = new Float64Array(resamples);
  for (const c of cells) for (let r = 0; r < resamples; r++) replicates[r]! += c.replicates[r]!;
  for (let r = 0; r < resamples; r++) replicates[r]! /= n;
  return { value: cells.reduce((a, c) => a + c.k, 0) / n, replicates };
}
