import { describe, expect, it } from 'vitest';
import { analyseMatrix, orderingOf } from '../src/catalogue/games/matrix-analysis.js';

describe('analyseMatrix', () => {
  it.each([
    ['prisoners-dilemma', { CC: 5, CD: 2, DC: 10, DD: 3 }, 'T>R>P>S', ['DD'], { move: 'D', strict: true }],
    ['stag-hunt', { CC: 10, CD: 2, DC: 5, DD: 3 }, 'R>T>P>S', ['CC', 'DD'], null],
    ['snowdrift', { CC: 5, CD: 3, DC: 10, DD: 2 }, 'T>R>S>P', ['CD', 'DC'], null],
    ['prisoners-delight', { CC: 10, CD: 3, DC: 5, DD: 2 }, 'R>T>S>P', ['CC'], { move: 'C', strict: true }],
  ] as const)('classifies %s from its payoffs', (cls, payoffs, ordering, nash, dominant) => {
    const a = analyseMatrix(payoffs);
    expect(a.ordering).toBe(ordering);
    expect(a.orderingClass).toBe(cls);
    expect(a.pureNash).toEqual(nash);
    expect(a.dominant).toEqual(dominant);
  });

  it('keeps the class when every payoff is doubled', () => {
    expect(analyseMatrix({ CC: 10, CD: 4, DC: 20, DD: 6 }).orderingClass).toBe('prisoners-dilemma');
  });

  it('finds Pareto-optimal profiles and the better symmetric profile', () => {
    const pd = analyseMatrix({ CC: 5, CD: 2, DC: 10, DD: 3 });
    // DD is dominated by CC for both players; the other three are not dominated.
    expect(pd.paretoOptimal).toEqual(['CC', 'CD', 'DC']);
    expect(pd.symmetricBest).toBe('CC');
    // With these published payoffs T+S = 12 exceeds 2R = 10, so joint payoff peaks off the diagonal.
    expect(pd.welfareBest).toBe('CD');
  });

  it('shows ties in the ordering and reports a weakly dominant move', () => {
    expect(orderingOf({ CC: 3, CD: 3, DC: 1, DD: 0 })).toBe('R=S>T>P');
    expect(analyseMatrix({ CC: 3, CD: 1, DC: 3, DD: 0 }).dominant).toEqual({ move: 'C', strict: false });
  });
});
