import { describe, expect, it } from 'vitest';
import { createRng } from '../src/shared/random.js';
import { exactOperatingCharacteristics } from '../src/eval/sequential/exact-operating.js';
import { fixedWidthRule } from '../src/eval/sequential/fixed-width.js';
import { simulateSequential } from '../src/eval/sequential/simulate.js';
import { createStoppingRule, type StoppingRule } from '../src/eval/sequential/stopping-rule.js';
import { wilsonInterval } from '../src/stats/proportion.js';

const TOLERANCE = 0.1;
const LEVEL = 0.95;
const RUNS = 2000;
// 2,000 runs at a true rate of 5 % have a standard error of 0.49 points; 6.5 % is 3 of them above.
const ALLOWED = 0.065;

/** The tempting shortcut: re-test a fixed-n 95 % Wilson interval at every look. */
function naiveWilsonRule(reference: number): StoppingRule {
  return (k, n) => {
    const interval = wilsonInterval(k, n, LEVEL);
    if (n > 0 && interval.low >= reference - TOLERANCE && interval.high <= reference + TOLERANCE)
      return { verdict: 'settled-within', interval };
    if (n > 0 && (interval.high < reference - TOLERANCE || interval.low > reference + TOLERANCE))
      return { verdict: 'settled-outside', interval };
    return { verdict: 'continue', interval };
  };
}

/** Share of runs that reach any settled verdict when the truth sits exactly on the tolerance boundary. */
function settledShare(truth: number, rule: StoppingRule, design: { batch: number; cap: number }, seed: string): number {
  const rng = createRng(seed);
  let settled = 0;
  for (let run = 0; run < RUNS; run++) {
    const { verdict } = simulateSequential({ probability: truth, failureRate: 0 }, rule, design, rng);
    if (verdict === 'settled-within' || verdict === 'settled-outside') settled++;
  }
  return settled / RUNS;
}

describe('sequential gate error rate', () => {
  // On the boundary the truth is on neither side strictly, so a settled verdict means the
  // interval excluded the truth: the worst case for both kinds of wrong decision.
  const boundaries = [
    { reference: 0.4, truth: 0.5 },
    { reference: 0.4, truth: 0.3 },
    { reference: 0.05, truth: 0.15 },
  ];

  it.each(boundaries)(
    'settles at most 5 % of runs (simulated, 2,000 runs, 60 looks) when q = $reference and p = $truth',
    ({ reference, truth }) => {
      const rule = createStoppingRule({ reference, tolerance: TOLERANCE, level: LEVEL });
      const share = settledShare(truth, rule, { batch: 10, cap: 600 }, `boundary/${reference}/${truth}`);
      expect(share).toBeLessThanOrEqual(ALLOWED);
    },
  );

  it('holds the error rate exactly, even looking after every single answer', () => {
    for (const reference of [0, 0.2, 0.5, 0.8]) {
      const rule = createStoppingRule({ reference, tolerance: TOLERANCE, level: LEVEL });
      for (const truth of [reference - TOLERANCE, reference + TOLERANCE].filter((p) => p >= 0 && p <= 1)) {
        const { outcomes } = exactOperatingCharacteristics(truth, rule, { batch: 1, cap: 300 });
        expect(outcomes['settled-within'] + outcomes['settled-outside']).toBeLessThanOrEqual(1 - LEVEL);
      }
    }
  });

  it('shows the test can fail: a naive repeated Wilson test settles far more than 5 % on the boundary', () => {
    const share = settledShare(0.5, naiveWilsonRule(0.4), { batch: 10, cap: 600 }, 'naive');
    expect(share).toBeGreaterThan(2 * ALLOWED);
  });

  it('settles a scenario far from the boundary early, and correctly', () => {
    // The paper's base student in IR/prisoners-dilemma (254 of 300 C) against the teacher (77 of 300).
    const rule = createStoppingRule({ reference: 77 / 300, tolerance: TOLERANCE, level: LEVEL });
    const rng = createRng('far');
    const calls: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const result = simulateSequential({ probability: 254 / 300, failureRate: 0 }, rule, { batch: 10, cap: 300 }, rng);
      expect(result.verdict).toBe('settled-outside');
      calls.push(result.calls);
    }
    expect(Math.max(...calls)).toBeLessThanOrEqual(60);
    expect(calls.reduce((a, b) => a + b) / RUNS).toBeLessThan(30);
  });

  it('settles "within" when the truth equals a reference near 0, where the interval is narrow', () => {
    const rule = createStoppingRule({ reference: 0, tolerance: TOLERANCE, level: LEVEL });
    const { outcomes, expectedCalls } = exactOperatingCharacteristics(0, rule, { batch: 10, cap: 300 });
    expect(outcomes['settled-within']).toBeCloseTo(1, 12);
    expect(expectedCalls).toBeLessThan(100);
  });
});

describe('fixed-width (Chow-Robbins) stopping, for pinning only', () => {
  it('stops near the fixed n for ±0.05 with coverage close to 95 % but not guaranteed', () => {
    const { expectedCalls, coverage } = exactOperatingCharacteristics(0.5, fixedWidthRule(0.05, LEVEL), {
      batch: 10,
      cap: 2000,
    });
    expect(expectedCalls).toBeGreaterThan(370);
    expect(expectedCalls).toBeLessThan(400);
    expect(coverage).toBeGreaterThan(0.93);
  });
});
