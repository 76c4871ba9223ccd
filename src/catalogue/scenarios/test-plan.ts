import { z } from 'zod';
import type { Catalogue } from '../catalogue.js';
import { StratalignError } from '../../shared/errors.js';
import { closestName } from '../../shared/closest-name.js';
import { formatPath } from '../../shared/validation.js';
import { describeRegion } from '../games/payoff-region.js';
import { expandGrid, labelsOf, type Scenario } from './scenario.js';

const names = z.array(z.string().min(1)).min(1);

const splitSchema = z.strictObject({
  /** Group name the results are reported under, e.g. 'in-sample' or the paper's 'oos-context'. */
  name: z.string().min(1),
  contexts: names.optional(),
  contextSplits: z
    .array(z.enum(['in-sample', 'out-of-sample']))
    .min(1)
    .optional(),
  games: names.optional(),
  payoffScales: z.array(z.number().positive()).min(1).optional(),
  /** Label variants (datasets/catalogue/labels.yaml) to show every 2x2 scenario with; each row names its variant. */
  labels: names.optional(),
  /** A payoff-grid family (datasets/catalogue/grids.yaml) instead of games: all its points, or a seeded subset. */
  grid: z
    .strictObject({
      family: z.string().min(1),
      points: z.number().int().min(1).optional(),
      seed: z.union([z.string(), z.number()]).optional(),
    })
    .optional(),
});

export const testPlanSchema = z.strictObject({ splits: z.array(splitSchema).min(1) });

/** Where a grid point's row sits: its family, point, R/S/T/P payoffs and payoff region. */
export type GridMetadata = {
  family: string;
  point: Record<string, number>;
  payoffs: Record<string, number>;
  region: string;
  boundary: string[] | null;
};

/** One promptfoo test row before promptfoo sees it. */
export type PlannedTest = {
  description: string;
  /** `labels` when the split declares label variants; `region` for grid points: columns in the viewer. */
  vars: { scenario: string; split: string; labels?: string; region?: string };
  metadata: {
    scenario: string;
    split: string;
    context: string;
    game: string;
    payoffScale: number;
    catalogue: string;
    labels?: string;
    grid?: GridMetadata;
  };
};

/**
 * Expands the declared splits into test rows; a scenario listed in two splits is an error. Errors
 * name the key, and the file when given (the test generator adds the config the run was started with).
 */
export function planTests(config: unknown, catalogue: Catalogue, file?: string): PlannedTest[] {
  const parsed = testPlanSchema.safeParse(config ?? {});
  if (!parsed.success) {
    // A misspelt key also shows up as a missing one: name the misspelling, it is the fix.
    const issue = parsed.error.issues.find((i) => i.code === 'unrecognized_keys') ?? parsed.error.issues[0]!;
    const known = issue.path.length === 0 ? ['splits'] : Object.keys(splitSchema.shape);
    const hint = issue.code === 'unrecognized_keys' ? closestName(issue.keys[0]!, known) : undefined;
    const keys = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
    const path = [formatPath(issue.path), keys].filter(Boolean).join('.');
    throw new StratalignError(
      { ...(file ? { file } : {}), field: `tests[scenario-tests].config${path ? `.${path}` : ''}` },
      issue.message,
      `${hint ? `did you mean ${hint}? ` : ''}give \`splits\`, a list of { name, contexts?, contextSplits?, ` +
        `games?, payoffScales?, labels?, grid? }`,
    );
  }
  const seen = new Map<string, string>();
  const out: PlannedTest[] = [];
  parsed.data.splits.forEach((split, i) => {
    const where = { ...(file ? { file } : {}), field: `tests[scenario-tests].config.splits[${i}]` };
    const scenarios = expandGrid(catalogue, split, where);
    if (scenarios.length === 0) {
      throw new StratalignError(
        { ...where, value: split.name },
        'this split selects no scenario',
        'check contexts, contextSplits, games and payoffScales: together they select nothing ' +
          '(e.g. contexts outside the contextSplits named, or payoff scale 2 for games without scaled variants)',
      );
    }
    for (const scenario of scenarios) {
      const other = seen.get(scenario.id);
      if (other)
        throw new StratalignError(
          { ...where, value: scenario.id },
          `scenario is already in split ${other}`,
          'list each scenario in one split only',
        );
      seen.set(scenario.id, split.name);
      out.push(plannedTest(scenario, split.name, split.labels !== undefined, catalogue));
    }
  });
  return out;
}

/**
 * A row's vars and metadata. Rows of the paper's kind keep exactly their old shape; a row of a
 * split with label variants names its variant, a grid point its family, point and region, and
 * both carry the version of the probe files their prompts are made from.
 */
function plannedTest(scenario: Scenario, split: string, labelled: boolean, catalogue: Catalogue): PlannedTest {
  const probe = labelled || scenario.grid !== undefined;
  const vars: PlannedTest['vars'] = { scenario: scenario.id, split };
  const metadata: PlannedTest['metadata'] = {
    scenario: scenario.id,
    split,
    context: scenario.context.id,
    game: scenario.game.id,
    payoffScale: scenario.payoffScale,
    catalogue: probe ? `${catalogue.version}+${catalogue.probesVersion}` : catalogue.version,
  };
  if (labelled) vars.labels = metadata.labels = labelsOf(catalogue, scenario).id;
  const grid = scenario.grid;
  if (grid) {
    vars.region = describeRegion(grid.region);
    const { CC, CD, DC, DD } = grid.payoffs;
    metadata.grid = {
      family: grid.family.id,
      point: grid.values as Record<string, number>,
      payoffs: { R: CC, S: CD, T: DC, P: DD },
      region: grid.region.region,
      boundary: grid.region.boundary,
    };
  }
  return { description: scenario.id, vars, metadata };
}
