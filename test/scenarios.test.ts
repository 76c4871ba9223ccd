import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { expandGrid, resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { planTests } from '../src/catalogue/scenarios/test-plan.js';

const catalogue = defaultCatalogue();

describe('scenario ids', () => {
  it('are readable and stable, with @x2 for doubled payoffs', () => {
    expect(resolveScenario(catalogue, 'business/prisoners-dilemma').id).toBe('business/prisoners-dilemma');
    expect(resolveScenario(catalogue, 'biz/prison@x2').id).toBe('business/prisoners-dilemma@x2');
    expect(resolveScenario(catalogue, 'IR/delight').id).toBe('international-relations/prisoners-delight');
    expect(resolveScenario(catalogue, 'ventcap/staghunt').id).toBe('venture-capital/stag-hunt');
  });

  it('explain what is wrong with a bad name', () => {
    expect(() => resolveScenario(catalogue, 'business')).toThrowError(/not a scenario name.*Fix: write context\/game/);
    expect(() => resolveScenario(catalogue, 'mars/prison')).toThrowError(
      /unknown context \(got "mars"\).*international-relations \(IR\)/,
    );
    expect(() => resolveScenario(catalogue, 'biz/poker')).toThrowError(
      /unknown game \(got "poker"\).*prisoners-dilemma\/prison/,
    );
    expect(() => resolveScenario(catalogue, 'biz/public-goods@x2')).toThrowError(/no payoff-scaled variants/);
  });
});

describe('grid expansion', () => {
  it('gives the 20 in-sample and 12 new-context scenarios of the paper', () => {
    const games = ['prison', 'staghunt', 'snowdrift', 'delight'];
    expect(expandGrid(catalogue, { contextSplits: ['in-sample'], games })).toHaveLength(20);
    expect(expandGrid(catalogue, { contextSplits: ['out-of-sample'], games })).toHaveLength(12);
    expect(expandGrid(catalogue, { contextSplits: ['in-sample'], games, payoffScales: [2] })[0]!.id).toBe(
      'international-relations/prisoners-dilemma@x2',
    );
  });

  it('skips payoff scales for games without scaled variants', () => {
    const ids = expandGrid(catalogue, { contexts: ['team'], payoffScales: [1, 2] }).map((s) => s.id);
    expect(ids).toContain('team/public-goods');
    expect(ids).not.toContain('team/public-goods@x2');
    expect(ids).toHaveLength(5 + 4);
  });
});

describe('test plan', () => {
  it('turns named splits into promptfoo test rows', () => {
    const tests = planTests(
      {
        splits: [
          { name: 'in-sample', contexts: ['IR'], games: ['prison'] },
          { name: 'oos-context', contexts: ['sports'], games: ['prison'] },
        ],
      },
      catalogue,
    );
    expect(tests.map((t) => t.vars)).toEqual([
      { scenario: 'international-relations/prisoners-dilemma', split: 'in-sample' },
      { scenario: 'sports/prisoners-dilemma', split: 'oos-context' },
    ]);
    expect(tests[0]!.metadata).toMatchObject({
      context: 'international-relations',
      game: 'prisoners-dilemma',
      payoffScale: 1,
    });
  });

  it('rejects a scenario listed in two splits and unknown keys', () => {
    expect(() =>
      planTests(
        {
          splits: [
            { name: 'a', contexts: ['IR'] },
            { name: 'b', contexts: ['IR'] },
          ],
        },
        catalogue,
      ),
    ).toThrowError(/already in split a/);
    expect(() => planTests({ splits: [{ name: 'a', contxts: ['IR'] }] }, catalogue)).toThrowError(
      /splits\[0\].*contxts|Unrecognized key/,
    );
  });
});
