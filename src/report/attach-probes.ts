import type { Catalogue } from '../catalogue/catalogue.js';
import { buildProbes, hasProbes, type ProbesReport } from './probes/probes-report.js';
import type { Tally } from '../recordings/types.js';
import type { ChoiceParameters } from '../catalogue/scenarios/choice-covariates.js';
import type { SelectedModels } from './model-selection.js';
import type { GroupRow } from './types.js';

/** The report options the probes use (a part of ReportOptions, named here so build-report is not imported back). */
type ProbeOptions = {
  probes?: boolean;
  resamples: number;
  seed: string;
  level: number;
  simulatedTruths?: ReadonlyMap<string, ChoiceParameters>;
};

/**
 * Builds the probes section when the data calls for it and copies each group's label bias and
 * letter-following share onto that group's model rows, where the gate reads its metrics.
 */
export function attachProbes(
  groups: GroupRow[],
  tallies: readonly Tally[],
  models: SelectedModels,
  options: ProbeOptions,
  catalogue: Catalogue,
): ProbesReport | null {
  if (options.probes === false || (options.probes !== true && !hasProbes(tallies))) return null;
  const probes = buildProbes(tallies, catalogue, {
    resamples: options.resamples,
    seed: options.seed,
    level: options.level,
    roles: { base: models.base, teacher: models.teacher, students: models.students },
    ...(options.simulatedTruths ? { truths: options.simulatedTruths } : {}),
  });
  for (const entry of probes.labelBias) {
    const row = groups.find((g) => g.label === entry.group)?.models.find((m) => m.model === entry.model);
    if (!row) continue;
    row.labelBias = entry.stats.labelBias;
    if (entry.stats.followsLetter) row.followsLetter = entry.stats.followsLetter.share;
  }
  return probes;
}
