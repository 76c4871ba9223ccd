import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOGUE_DIR, defaultCatalogue, loadCatalogue } from '../src/catalogue/index.js';
import { gridPoints } from '../src/catalogue/games/grid-family.js';
import { classifyPayoffs, describeRegion } from '../src/catalogue/games/payoff-region.js';
import { renderPrompt } from '../src/catalogue/prompts/render.js';
import { expandGrid, resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { scenarioRegion } from '../src/catalogue/scenarios/scenario-payoffs.js';
import { planTests } from '../src/catalogue/scenarios/test-plan.js';
import { errorOf } from './helpers/error-of.js';
import { useTempDirs } from './helpers/temp-dir.js';

const catalogue = defaultCatalogue();
const tempDir = useTempDirs();

describe('payoff regions from the equilibrium analysis', () => {
  const region = (R: number, S: number, T: number, P: number) =>
    describeRegion(classifyPayoffs({ CC: R, CD: S, DC: T, DD: P }));

  it('puts each quadrant of the S-T plane in its region', () => {
    expect(region(10, 2, 12, 5)).toBe('prisoners-dilemma'); // T > R, P > S: D strictly dominant
    expect(region(10, 2, 7, 5)).toBe('stag-hunt'); // R > T, P > S: (C,C) and (D,D) are equilibria
    expect(region(10, 7, 12, 5)).toBe('snowdrift'); // T > R, S > P: (C,D) and (D,C)
    expect(region(10, 7, 7, 5)).toBe('harmony'); // C strictly dominant
  });

  it('calls a tie a boundary between the regions on either side, and R <= P no dilemma', () => {
    expect(region(10, 2, 10, 5)).toBe('boundary prisoners-dilemma/stag-hunt'); // T = R: D only weakly dominant
    expect(region(10, 5, 12, 5)).toBe('boundary prisoners-dilemma/snowdrift'); // S = P
    expect(region(10, 5, 10, 5)).toBe('boundary prisoners-dilemma/stag-hunt/snowdrift/harmony');
    expect(region(5, 2, 12, 5)).toBe('other'); // R = P: mutual cooperation gains nothing
  });

  it('agrees with the ordering class of the four catalogue games', () => {
    const expected: Record<string, string> = {
      'prisoners-dilemma': 'prisoners-dilemma',
      'stag-hunt': 'stag-hunt',
      snowdrift: 'snowdrift',
      'prisoners-delight': 'harmony',
    };
    for (const game of catalogue.games.filter((g) => g.analysis)) {
      expect(describeRegion(scenarioRegion(resolveScenario(catalogue, `team/${game.id}`))!)).toBe(
        expected[game.analysis!.orderingClass],
      );
    }
  });
});

describe('payoff-grid families', () => {
  it('expand st into 36 points, 9 in each region, none on a boundary', () => {
    const family = catalogue.findGridFamily('st')!;
    const points = gridPoints(family);
    expect(points).toHaveLength(36);
    const regions = expandGrid(catalogue, { contexts: ['team'], grid: { family: 'st' } }).map((s) =>
      describeRegion(s.grid!.region),
    );
    const counts: Record<string, number> = {};
    for (const r of regions) counts[r] = (counts[r] ?? 0) + 1;
    expect(counts).toEqual({ 'prisoners-dilemma': 9, 'stag-hunt': 9, snowdrift: 9, harmony: 9 });
  });

  it('include the boundaries in st-fine: S = P and T = R are boundary points', () => {
    const scenarios = expandGrid(catalogue, { contexts: ['team'], grid: { family: 'st-fine' } });
    expect(scenarios).toHaveLength(121);
    const boundary = scenarios.filter((s) => s.grid!.region.region === 'boundary').map((s) => s.id.split('@')[1]);
    expect(boundary).toHaveLength(21);
    expect(boundary).toContain('S=5,T=10');
    expect(boundary.every((p) => p!.startsWith('S=5,') || p!.endsWith(',T=10'))).toBe(true);
  });

  it('name points in ids that round-trip: business/grid:st@S=2,T=7', () => {
    const scenario = resolveScenario(catalogue, 'biz/GRID:st@T=7,S=2~neutral-jf');
    expect(scenario.id).toBe('business/grid:st@S=2,T=7~neutral-jf');
    expect(resolveScenario(catalogue, scenario.id)).toBe(scenario);
    expect(scenario.game.id).toBe('grid:st');
    expect(scenario.grid!.payoffs).toEqual({ CC: 10, CD: 2, DC: 7, DD: 5 });
    for (const s of expandGrid(catalogue, { contexts: ['IR'], grid: { family: 'st' }, labels: ['paper', 'swapped'] }))
      expect(resolveScenario(catalogue, s.id).id).toBe(s.id);
  });

  it('refuse points off the grid, fixed payoffs, missing axes and scales, each saying how', () => {
    expect(errorOf(() => resolveScenario(catalogue, 'biz/grid:st@S=3,T=7')).message).toMatch(
      /S=3 is not on family st's grid \(S from 0 to 10 in steps of 2\)/,
    );
    expect(errorOf(() => resolveScenario(catalogue, 'biz/grid:st@R=10,S=2,T=7')).message).toMatch(
      /payoff R is fixed at 10 in family st; leave it out/,
    );
    expect(errorOf(() => resolveScenario(catalogue, 'biz/grid:st@S=2')).message).toMatch(/give a value for T/);
    expect(errorOf(() => resolveScenario(catalogue, 'biz/grid:st')).message).toMatch(
      /a grid scenario names its point after @/,
    );
    expect(errorOf(() => resolveScenario(catalogue, 'biz/grid:nope@S=2,T=7')).message).toMatch(
      /unknown payoff-grid family \(got "nope"\)\. Fix: use one of st, st-fine/,
    );
  });

  it('render a point like any 2x2 game, with its payoffs', () => {
    const user = renderPrompt(
      resolveScenario(catalogue, 'team/grid:st@S=0,T=15'),
      catalogue.protocol('letter-only'),
    ).user;
    expect(user).toContain(
      '- If you choose C and your coplayer chooses D, you get 0 points.\n' +
        '- If you choose D and your coplayer chooses C, you get 15 points.',
    );
  });

  it('take a seeded subset of points, the same for every context and seed', () => {
    const pick = (seed: number) =>
      expandGrid(catalogue, { contexts: ['team', 'IR'], grid: { family: 'st', points: 8, seed } });
    const a = pick(7);
    expect(a).toHaveLength(16);
    expect(a.map((s) => s.id)).toEqual(pick(7).map((s) => s.id));
    const points = (list: typeof a, ctx: string) =>
      list.filter((s) => s.context.id === ctx).map((s) => s.id.split('/')[1]);
    expect(points(a, 'team')).toEqual(points(a, 'international-relations'));
    expect(points(pick(8), 'team')).not.toEqual(points(a, 'team'));
    expect(
      errorOf(() => pick(Number.NaN).length && expandGrid(catalogue, { grid: { family: 'st', points: 37 } })).message,
    ).toMatch(/grid family st has 36 points/);
  });

  it('refuse a family that is not a grid: a payoff fixed and varied, three varied, too many points', () => {
    const edit = (change: (t: string) => string) => {
      const dir = tempDir();
      cpSync(DEFAULT_CATALOGUE_DIR, dir, { recursive: true });
      writeFileSync(join(dir, 'grids.yaml'), change(readFileSync(join(dir, 'grids.yaml'), 'utf8')));
      return errorOf(() => loadCatalogue(dir)).message;
    };
    expect(edit((t) => t.replace('fixed: { R: 10, P: 5 }', 'fixed: { R: 10, P: 5, S: 1 }'))).toMatch(
      /grids\.yaml: families\[0\]: payoff S is both fixed and varied/,
    );
    expect(
      edit((t) =>
        t
          .replace('fixed: { R: 10, P: 5 }', 'fixed: { R: 10 }\n    vary:\n      P: { from: 0, to: 5, step: 1 }')
          .replace(/\n {4}vary:\n {6}S/, '\n      S'),
      ),
    ).toMatch(/vary one or two payoffs/);
    expect(edit((t) => t.replace('S: { from: 0, to: 10, step: 2 }', 'S: { from: 0, to: 10, step: 0.001 }'))).toMatch(
      /payoff S would take 10001 values/,
    );
    expect(edit((t) => t.replace('fixed: { R: 10, P: 5 }', 'fixed: { R: 10 }'))).toMatch(
      /payoff P is neither fixed nor varied/,
    );
  });
});

describe('test plans with label variants and grid families', () => {
  it('keep the rows of a plain plan exactly as before', () => {
    const [row] = planTests({ splits: [{ name: 'in-sample', contexts: ['team'], games: ['prison'] }] }, catalogue);
    expect(row).toEqual({
      description: 'team/prisoners-dilemma',
      vars: { scenario: 'team/prisoners-dilemma', split: 'in-sample' },
      metadata: {
        scenario: 'team/prisoners-dilemma',
        split: 'in-sample',
        context: 'team',
        game: 'prisoners-dilemma',
        payoffScale: 1,
        catalogue: 'games@2+contexts@1+protocols@2',
      },
    });
  });

  it('name variant, grid point and region in every row, with the probe files in the catalogue version', () => {
    const rows = planTests(
      {
        splits: [
          {
            name: 'grid',
            contexts: ['team'],
            grid: { family: 'st', points: 2, seed: 1 },
            labels: ['paper', 'neutral-12'],
          },
        ],
      },
      catalogue,
    );
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => r.vars.labels)).toEqual(['paper', 'neutral-12', 'paper', 'neutral-12']);
    const row = rows[1]!;
    expect(row.vars.scenario).toMatch(/^team\/grid:st@S=\d+,T=\d+~neutral-12$/);
    expect(row.vars.region).toBe(describeRegion(resolveScenario(catalogue, row.vars.scenario).grid!.region));
    expect(row.metadata).toMatchObject({
      labels: 'neutral-12',
      game: 'grid:st',
      catalogue: 'games@2+contexts@1+protocols@2+labels@1+grids@1',
    });
    expect(row.metadata.grid).toMatchObject({ family: 'st', payoffs: { R: 10, P: 5 } });
  });

  it('refuse a split with a grid and games together, and unknown variants, naming the config field', () => {
    expect(
      errorOf(() => planTests({ splits: [{ name: 'x', grid: { family: 'st' }, games: ['prison'] }] }, catalogue))
        .message,
    ).toMatch(/splits\[0\].*a split takes a grid family or games/);
    expect(errorOf(() => planTests({ splits: [{ name: 'x', labels: ['cd'] }] }, catalogue)).message).toMatch(
      /splits\[0\].*unknown label variant \(got "cd"\)/,
    );
    expect(
      errorOf(() => planTests({ splits: [{ name: 'x', grid: { family: 'st', point: 3 } }] }, catalogue)).message,
    ).toMatch(/grid.*point/);
  });
});
