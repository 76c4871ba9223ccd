import { describe, expect, it } from 'vitest';
import { createRng } from '../src/shared/random.js';
import { describeSequentialOutcome } from '../src/eval/sequential/describe-outcome.js';
import { lookSchedule } from '../src/eval/sequential/group-sequential.js';
import { runSequential } from '../src/eval/sequential/run-sequential.js';
import { simulateSequential } from '../src/eval/sequential/simulate.js';
import { createStoppingRule } from '../src/eval/sequential/stopping-rule.js';

// Group-sequential gate at the teacher's 0.4 ± 0.1, a look every 10 answers up to 300 calls.
const OPTIONS = {
  reference: 0.4,
  tolerance: 0.1,
  level: 0.95,
  design: 'group-sequential',
  batch: 10,
  cap: 300,
} as const;

describe('group-sequential sampling with unread answers (parse failures)', () => {
  it(
    'spends a call on an unread answer, never counts it as a choice, and decides only on scheduled numbers ' +
      'of valid answers',
    async () => {
      const rng = createRng('unread-run');
      const order: boolean[] = [];
      // About one answer in four cannot be read; the others are C with probability 0.45.
      const draw = () => {
        if (rng() < 0.25) return null;
        const c = rng() < 0.45;
        order.push(c);
        return c ? 'C' : 'D';
      };
      const run = await runSequential(draw, { ...OPTIONS, actions: ['C', 'D'] });
      expect(run.failures).toBeGreaterThan(0);
      expect(run.samples).toBe(run.calls - run.failures);
      expect(run.counts.C! + run.counts.D!).toBe(run.samples);
      const schedule = new Set([0, ...lookSchedule(10, 300)]);
      const rule = createStoppingRule(OPTIONS);
      for (const look of run.looks) {
        expect(schedule.has(look.decidedOn)).toBe(true);
        expect(look.decidedOn).toBeLessThanOrEqual(look.samples);
        // The verdict is the design's on the first decidedOn valid answers, in the order they came.
        const counted = order.slice(0, look.decidedOn).filter(Boolean).length;
        expect(look.verdict).toBe(rule(counted, look.decidedOn).verdict);
      }
      // Off schedule somewhere: the rule was not read at a count it was never calibrated for.
      expect(run.looks.some((l) => l.decidedOn < l.samples)).toBe(true);
    },
  );

  it(
    'keeps the wrong-decision rate on the tolerance boundary within 5 % with a quarter of the answers unread ' +
      '(seeded simulation)',
    () => {
      const rule = createStoppingRule(OPTIONS);
      const rng = createRng('unread-boundary');
      const runs = 3000;
      let decided = 0;
      let calls = 0;
      for (let r = 0; r < runs; r++) {
        // A student exactly 0.1 above the teacher: every settled verdict on it is a wrong decision.
        const result = simulateSequential({ probability: 0.5, failureRate: 0.25 }, rule, OPTIONS, rng);
        if (result.verdict === 'settled-within' || result.verdict === 'settled-outside') decided++;
        calls += result.calls;
      }
      // Exact rate at most 5 % without failures; 3000 runs have a standard error of 0.4 points.
      expect(decided / runs).toBeLessThanOrEqual(0.06);
      expect(calls / runs).toBeLessThanOrEqual(300);
    },
  );

  it('says in the outcome how many calls gave no readable answer and on how many answers it decided', () => {
    const text = describeSequentialOutcome({
      decision: 'settled-outside',
      action: 'C',
      valid: 37,
      calls: 50,
      decidedOn: 30,
      cap: 300,
      interval: { low: 0.01, high: 0.2, level: 0.95 },
      reference: { share: 0.6, tolerance: 0.1, n: 300 },
      design: 'group-sequential',
      teacher: 'estimated',
      errorRate: 0.05,
    });
    expect(text).toContain(
      'after 37 valid answers (13 calls without a readable answer, spent but not counted; decided on the first ' +
        '30, the last scheduled look they reached), 50 of cap 300 calls',
    );
  });
});
