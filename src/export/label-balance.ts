import type { LocatedSample } from '../recordings/convert/read-samples.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import { baseScenarioId, resolveScenario } from '../catalogue/scenarios/scenario.js';
import { ExampleFilter, type FilterOptions } from './example-filter.js';

export type LabelQuotas = { quotas: Map<string, number>; warnings: string[] };

/**
 * How many examples each scenario may keep so that every label variant of a scenario gives the
 * same number: a first pass over the input runs the same filter (drops, dedupe, cap) and counts
 * what each variant would keep; the quota of every variant is the smallest of those counts. A
 * student then sees each labelling of a game equally often, so no letter is "usually right".
 */
export async function labelQuotas(
  samples: AsyncIterable<LocatedSample>,
  selected: (s: LocatedSample['sample']) => boolean,
  options: FilterOptions,
  catalogue: Catalogue,
): Promise<LabelQuotas> {
  const filter = new ExampleFilter(options);
  for await (const { sample } of samples) if (selected(sample)) filter.accept(sample);
  const byBase = new Map<string, Map<string, number>>();
  for (const [id, counts] of filter.counts()) {
    if (counts.heldOut > 0) continue;
    const scenario = resolveScenario(catalogue, id);
    const base = baseScenarioId(scenario);
    const variants = byBase.get(base) ?? new Map<string, number>();
    byBase.set(base, variants);
    variants.set(id, counts.kept);
  }
  const quotas = new Map<string, number>();
  let labelled = 0;
  const widest = Math.max(0, ...[...byBase.values()].map((v) => v.size));
  const narrower: string[] = [];
  for (const [base, variants] of byBase) {
    const quota = Math.min(...variants.values());
    for (const id of variants.keys()) quotas.set(id, quota);
    if (variants.size > 1) labelled++;
    if (variants.size < widest) narrower.push(`${base} (${variants.size} of ${widest})`);
  }
  const warnings: string[] = [];
  if (labelled === 0)
    warnings.push(
      '--balance-labels: no scenario of the input is answered under more than one label variant; nothing was balanced',
    );
  else if (narrower.length) {
    const shown = narrower.slice(0, 5).join(', ');
    warnings.push(
      `--balance-labels: ${narrower.length} scenario(s) have fewer label variants than others ` +
        `and are balanced over the ones they have: ${shown}${narrower.length > 5 ? ', ...' : ''}`,
    );
  }
  return { quotas, warnings };
}
