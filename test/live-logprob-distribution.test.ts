import { describe, expect, it } from 'vitest';
import type { ActionSpace } from '../src/catalogue/games/action-space.js';
import { distributionFromTopLogprobs, normaliseToken } from '../src/sources/live/logprob-distribution.js';

const cd: ActionSpace = { kind: 'choice', options: ['C', 'D'], cooperative: 'C' };
const lp = Math.log;

describe('distributionFromTopLogprobs', () => {
  it('sums the tokens that spell the same option and renormalises over the options', () => {
    const reading = distributionFromTopLogprobs(
      [
        { token: 'C', logprob: lp(0.5) },
        { token: ' C', logprob: lp(0.1) },
        { token: 'c', logprob: lp(0.05) },
        { token: 'D', logprob: lp(0.25) },
        { token: 'I', logprob: lp(0.06) },
      ],
      cd,
    );
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    expect(reading.distribution.probabilities.C).toBeCloseTo(0.65 / 0.9, 12);
    expect(reading.distribution.probabilities.D).toBeCloseTo(0.25 / 0.9, 12);
    // 0.06 listed for "I" plus 0.04 never listed.
    expect(reading.distribution.otherMass).toBeCloseTo(0.1, 12);
  });

  it('gives an option absent from the alternatives probability 0, not a guess', () => {
    const reading = distributionFromTopLogprobs([{ token: 'D', logprob: lp(0.9) }], cd);
    expect(reading).toMatchObject({ ok: true, distribution: { probabilities: { C: 0, D: 1 } } });
  });

  it('fails, listing what it saw, when no alternative is an option', () => {
    const reading = distributionFromTopLogprobs(
      [
        { token: 'I', logprob: lp(0.7) },
        { token: 'As', logprob: lp(0.2) },
      ],
      cd,
    );
    expect(reading.ok).toBe(false);
    if (reading.ok) return;
    expect(reading.reason).toContain('(C, D)');
    expect(reading.reason).toContain('"I" 0.700');
  });

  it('refuses integer action spaces, where one token cannot tell 1 from 10', () => {
    const space: ActionSpace = { kind: 'integer', min: 0, max: 10, unit: '$', meaning: 'donation' };
    const reading = distributionFromTopLogprobs([{ token: '1', logprob: lp(0.9) }], space);
    expect(reading).toMatchObject({ ok: false });
    if (!reading.ok) expect(reading.reason).toContain('mode: multi');
  });

  it.each([
    [' C', 'C'],
    ['c', 'C'],
    ['**D', 'D'],
    ['"C"', 'C'],
    ['(D)', 'D'],
    ['C.', 'C'],
    ['\n', ''],
    ['Cooperate', 'COOPERATE'],
  ])('normalises token %j to %j', (token, expected) => {
    expect(normaliseToken(token)).toBe(expected);
  });
});
