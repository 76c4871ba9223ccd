import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { choiceCells } from '../src/report/probes/choice-cells.js';
import {
  cooperationProbability,
  PARAMETER_NAMES,
  type ChoiceParameters,
} from '../src/catalogue/scenarios/choice-covariates.js';
import { compareFingerprints, fitFingerprint } from '../src/report/probes/fingerprint.js';
import { labelBiasOf, labelBiasTruth } from '../src/report/probes/label-bias.js';
import { expandGrid } from '../src/catalogue/scenarios/scenario.js';
import { player, simulatedTallies } from './helpers/simulated-tallies.js';

const catalogue = defaultCatalogue();
const ALL_LABELS = ['paper', 'swapped', 'neutral-jf', 'neutral-12', 'order-swapped'];
const grid = expandGrid(catalogue, { contexts: ['team'], grid: { family: 'st' }, labels: ALL_LABELS });
const settings = { level: 0.95, resamples: 400, alpha: 0.05 };

function cellsOf(params: ChoiceParameters, n: number, seed: string, scenarios = grid, resamples = 1) {
  return choiceCells(simulatedTallies(catalogue, scenarios, [{ model: 'm', role: null, params }], n, seed), catalogue, {
    resamples,
    seed,
  });
}

describe('fingerprint: a logit choice model fitted by maximum likelihood', () => {
  const student = player({
    cooperationBias: 0.3,
    incentiveIfC: 0.3,
    incentiveIfD: 0.15,
    labelBias: 0.8,
    positionBias: -0.4,
  });

  it('recovers a simulated player with many answers, every parameter inside its profile interval', () => {
    const f = fitFingerprint('m', cellsOf(student, 200, 'recover'), { level: 0.95, interval: 'profile' })!;
    expect(f.method).toBe('maximum likelihood');
    for (const p of f.parameters) {
      expect(p.low!).toBeLessThanOrEqual(student[p.name]);
      expect(p.high!).toBeGreaterThanOrEqual(student[p.name]);
      expect(p.high! - p.low!).toBeLessThan(0.25);
    }
    // The choice model is the truth here: the deviance is what binomial noise leaves.
    expect(f.fit.pValue).toBeGreaterThan(0.01);
  });

  it('covers each true parameter in about 95 % of seeded simulations (Wald: 200 datasets, profile: 60)', () => {
    for (const [interval, runs, min, max] of [
      ['wald', 200, 0.91, 0.985],
      ['profile', 60, 0.88, 1],
    ] as const) {
      const covered = Object.fromEntries(PARAMETER_NAMES.map((p) => [p, 0])) as Record<keyof ChoiceParameters, number>;
      for (let seed = 0; seed < runs; seed++) {
        const f = fitFingerprint('m', cellsOf(student, 10, `coverage/${interval}/${seed}`), { level: 0.95, interval })!;
        for (const p of f.parameters) if (p.low! <= student[p.name] && student[p.name] <= p.high!) covered[p.name]++;
      }
      for (const name of PARAMETER_NAMES) {
        expect(covered[name] / runs, `${interval} ${name}`).toBeGreaterThanOrEqual(min);
        expect(covered[name] / runs, `${interval} ${name}`).toBeLessThanOrEqual(max);
      }
    }
  });

  it('says which terms the data cannot identify: one labelling leaves label and position open', () => {
    const paperOnly = expandGrid(catalogue, { contexts: ['team'], grid: { family: 'st' } });
    const f = fitFingerprint('m', cellsOf(student, 50, 'paper-only', paperOnly), { level: 0.95, interval: 'wald' })!;
    const byName = Object.fromEntries(f.parameters.map((p) => [p.name, p]));
    expect(byName.labelBias!.estimate).toBeNull();
    expect(byName.positionBias!.note).toMatch(/not identified/);
    expect(byName.incentiveIfC!.estimate).not.toBeNull();
  });

  it('falls back to Firth when a player answers deterministically, with finite estimates', () => {
    const rational = player({ incentiveIfC: 8, incentiveIfD: 8 });
    const f = fitFingerprint('m', cellsOf(rational, 30, 'separated'), { level: 0.95, interval: 'wald' })!;
    expect(f.method).toMatch(/Firth/);
    expect(f.interval).toBe('profile penalised likelihood');
    expect(f.parameters.every((p) => p.estimate === null || Number.isFinite(p.estimate))).toBe(true);
    expect(f.parameters.find((p) => p.name === 'incentiveIfC')!.low).toBeGreaterThan(0.5);
  });

  it('tells a student that responds less to incentives than its teacher apart from one that does not', () => {
    const teacher = fitFingerprint('t', cellsOf(player({ incentiveIfC: 0.5, incentiveIfD: 0.5 }), 40, 'teacher'), {
      level: 0.95,
      interval: 'wald',
    })!;
    const dull = fitFingerprint('s', cellsOf(player({ incentiveIfC: 0.2, incentiveIfD: 0.5 }), 40, 'dull'), {
      level: 0.95,
      interval: 'wald',
    })!;
    const same = fitFingerprint('s', cellsOf(player({ incentiveIfC: 0.5, incentiveIfD: 0.5 }), 40, 'same'), {
      level: 0.95,
      interval: 'wald',
    })!;
    const d = (f: typeof dull, name: string) => compareFingerprints(f, teacher, 0.95).find((x) => x.name === name)!;
    expect(d(dull, 'incentiveIfC').high!).toBeLessThan(0);
    expect(d(dull, 'incentiveIfD').low!).toBeLessThan(0);
    expect(d(dull, 'incentiveIfD').high!).toBeGreaterThan(0);
    expect(d(same, 'incentiveIfC').low!).toBeLessThan(0);
    expect(d(same, 'incentiveIfC').high!).toBeGreaterThan(0);
  });
});

describe('label bias: the largest difference in cooperation between label variants', () => {
  const truthOf = (params: ChoiceParameters, cells: ReturnType<typeof cellsOf>) =>
    labelBiasTruth(cells, catalogue.labelVariants, (c) => cooperationProbability(params, c.covariates))!;

  it("covers a biased player's true label bias in at least 95 % of simulations, and 0 for an unbiased one", () => {
    const biased = player({ cooperationBias: 0.2, incentiveIfC: 0.3, incentiveIfD: 0.3, labelBias: 0.7 });
    const fair = player({ incentiveIfC: 0.3, incentiveIfD: 0.3 });
    const runs = 120;
    let coveredBiased = 0;
    let widthBiased = 0;
    let coveredFair = 0;
    let smallFair = 0;
    let upperFair = 0;
    for (let seed = 0; seed < runs; seed++) {
      const cells = cellsOf(biased, 20, `lb/${seed}`, grid, settings.resamples);
      const stats = labelBiasOf(cells, catalogue.labelVariants, settings)!;
      const truth = truthOf(biased, cells);
      if (stats.labelBias.low! <= truth && truth <= stats.labelBias.high!) coveredBiased++;
      widthBiased += stats.labelBias.high! - stats.labelBias.low!;
      const fairStats = labelBiasOf(
        cellsOf(fair, 20, `fair/${seed}`, grid, settings.resamples),
        catalogue.labelVariants,
        settings,
      )!;
      if (fairStats.labelBias.low === 0) coveredFair++;
      if (fairStats.labelBias.value! < 0.08) smallFair++;
      upperFair += fairStats.labelBias.high!;
    }
    // Simultaneous intervals over all pairs are conservative where one pair stands out; never too narrow.
    expect(coveredBiased / runs).toBeGreaterThanOrEqual(0.93);
    expect(widthBiased / runs).toBeLessThan(0.15);
    expect(coveredFair / runs).toBeGreaterThanOrEqual(0.9);
    // The largest of ten noisy differences is biased upwards: with 720 answers per variant an
    // unbiased player reads up to about 5 points, below 8 in 95 % of runs; its upper bound (about
    // 10 points) says these data cannot exclude a 5-point bias.
    expect(smallFair / runs).toBeGreaterThanOrEqual(0.95);
    expect(upperFair / runs).toBeLessThan(0.12);
  });

  it('shows each variant balanced over the same scenarios and leaves the incomplete ones out', () => {
    const cells = cellsOf(player({ labelBias: 1, positionBias: 0.3 }), 20, 'balance', grid, 50);
    const dropOne = cells.filter((c) => c.scenario.id !== 'team/grid:st@S=0,T=5~neutral-12');
    const stats = labelBiasOf(dropOne, catalogue.labelVariants, settings)!;
    expect(stats.balancedScenarios).toBe(35);
    expect(stats.unbalancedScenarios).toBe(1);
    expect(stats.variants.map((v) => v.labels)).toEqual(ALL_LABELS);
    expect(stats.variants.every((v) => v.answers === 35 * 20)).toBe(true);
    expect(stats.between).toEqual(['paper', 'swapped']);
    expect(
      labelBiasOf(
        cells.filter((c) => c.labels.id === 'paper'),
        catalogue.labelVariants,
        settings,
      ),
    ).toBeNull();
  });

  it('counts scenarios where the letter beats the action: all for a letter follower, none for an action one', () => {
    const letter = labelBiasOf(
      cellsOf(player({ labelBias: 5 }), 30, 'letter', grid, 20),
      catalogue.labelVariants,
      settings,
    )!.followsLetter!;
    expect(letter.pairs).toEqual(['paper/swapped']);
    expect(letter.letter).toBe(36);
    expect(letter.share.low!).toBeGreaterThan(0.9);
    const action = labelBiasOf(
      cellsOf(player({ cooperationBias: 0.5, incentiveIfC: 1, incentiveIfD: 1 }), 30, 'action', grid, 20),
      catalogue.labelVariants,
      settings,
    )!.followsLetter!;
    // Each scenario is a test at the 5 % level: near P(C) = 1/2 a majority can flip significantly by chance.
    expect(action.letter).toBeLessThanOrEqual(2);
    expect(action.action).toBeGreaterThanOrEqual(30);
  });
});
