import { describe, expect, it } from 'vitest';
import { createStoppingRule, sequentialDecision } from '../src/eval/sequential/stopping-rule.js';

describe('the memoised stopping rule', () => {
  it('keeps looks apart that an arithmetic key n * 100003 + k would merge', () => {
    const options = { reference: 0.5, tolerance: 0.1, level: 0.95 };
    const rule = createStoppingRule(options);
    // (k = 100003, n = 200000) and (k = 0, n = 200001) packed to the same number under the old key.
    const half = rule(100_003, 200_000);
    const none = rule(0, 200_001);
    expect(half.verdict).toBe('settled-within');
    expect(none.verdict).toBe('settled-outside');
    expect(none).toEqual(sequentialDecision(0, 200_001, options));
    expect(rule(100_003, 200_000)).toBe(half);
  });
});
