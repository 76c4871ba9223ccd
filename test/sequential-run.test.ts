import { describe, expect, it } from 'vitest';
import { StratalignError } from '../src/shared/errors.js';
import { createRng } from '../src/shared/random.js';
import { confidenceSequence, gatePrior } from '../src/eval/sequential/confidence-sequence.js';
import { runSequential } from '../src/eval/sequential/run-sequential.js';
import { simulateSequential } from '../src/eval/sequential/simulate.js';
import { createStoppingRule, sequentialDecision } from '../src/eval/sequential/stopping-rule.js';

const GATE = { reference: 0.4, tolerance: 0.1, level: 0.95 } as const;
const DESIGN = { batch: 10, cap: 300 } as const;

describe('runSequential', () => {
  it('reproduces the simulator draw for draw: same calls, counts and verdict', async () => {
    for (const [truth, failureRate] of [
      [0.85, 0],
      [0.45, 0],
      [0.3, 0.2],
    ] as const) {
      const seed = `same/${truth}/${failureRate}`;
      const simulated = simulateSequential(
        { probability: truth, failureRate },
        createStoppingRule(GATE),
        DESIGN,
        createRng(seed),
      );
      const rng = createRng(seed);
      const draw = () => (failureRate > 0 && rng() < failureRate ? null : rng() < truth ? 'C' : 'D');
      const run = await runSequential(draw, { ...GATE, ...DESIGN, actions: ['C', 'D'] });
      expect(run.calls).toBe(simulated.calls);
      expect(run.samples).toBe(simulated.samples);
      expect(run.counts.C).toBe(simulated.counted);
      expect(run.decision).toBe(simulated.verdict);
    }
  });

  it('counts parse failures as calls but never as data', async () => {
    let i = 0;
    // Every third draw fails to parse; the rest alternate C and D.
    const draw = async () => (i++ % 3 === 2 ? null : i % 2 === 0 ? 'C' : 'D');
    const run = await runSequential(draw, {
      level: 0.95,
      targetHalfWidth: 0.2,
      batch: 9,
      cap: 90,
      actions: ['C', 'D'],
    });
    expect(run.failures).toBe(run.calls / 3);
    expect(run.samples).toBe(run.calls - run.failures);
    expect(run.counts.C! + run.counts.D!).toBe(run.samples);
    const expected = confidenceSequence(run.counts.C!, run.samples, 0.95);
    expect(run.interval).toMatchObject({ low: expected.low, high: expected.high, action: 'C' });
    expect(run.estimate).toBe(run.counts.C! / run.samples);
  });

  it('pins the estimate when only a target half-width is given', async () => {
    const rng = createRng('pin');
    const run = await runSequential(() => (rng() < 0.2 ? 'C' : 'D'), {
      level: 0.95,
      targetHalfWidth: 0.1,
      batch: 10,
      cap: 2000,
      actions: ['C', 'D'],
    });
    expect(run.decision).toBe('pinned');
    expect((run.interval.high - run.interval.low) / 2).toBeLessThanOrEqual(0.1);
    // The look before the last was not yet narrow enough: it stopped at the first look that was.
    const previous = run.looks.at(-2)!;
    expect((previous.interval.high - previous.interval.low) / 2).toBeGreaterThan(0.1);
  });

  it('never spends more than the cap, even when the batch does not divide it', async () => {
    const run = await runSequential(() => 'C', {
      reference: 0.5,
      tolerance: 0.49,
      level: 0.95,
      batch: 7,
      cap: 20,
      actions: ['C', 'D'],
    });
    expect(run.calls).toBe(20);
    expect(run.looks.map((l) => l.calls)).toEqual([7, 14, 20]);
  });

  it('reports an unsettled gate at the cap instead of guessing', async () => {
    let i = 0;
    const run = await runSequential(() => (i++ % 2 === 0 ? 'C' : 'D'), {
      ...GATE,
      reference: 0.4,
      batch: 10,
      cap: 40,
      actions: ['C', 'D'],
    });
    expect(run.decision).toBe('unsettled-at-cap');
    expect(run.calls).toBe(40);
  });

  it('keeps what was collected when a draw throws, and says why it stopped', async () => {
    const failOn15th = () => {
      let i = 0;
      return async () => {
        if (++i === 15) throw new Error('provider returned 503');
        return 'D';
      };
    };
    const decisions: string[] = [];
    for (const reference of [0.3, 0.5]) {
      const run = await runSequential(failOn15th(), { ...GATE, reference, actions: ['C', 'D'], batch: 10, cap: 300 });
      expect(run.error).toBe('provider returned 503');
      expect(run.calls).toBe(20);
      expect(run.counts).toEqual({ C: 0, D: 19 });
      // A verdict reached by the last look stands (the sequence is valid at any stop); otherwise the error is the
      // outcome.
      const verdict = sequentialDecision(0, 19, { ...GATE, reference }).verdict;
      expect(run.decision).toBe(verdict === 'continue' ? 'stopped-by-error' : verdict);
      decisions.push(run.decision);
    }
    expect(decisions).toEqual(['stopped-by-error', 'settled-outside']);
  });

  it('stops on an action outside the two it was given', async () => {
    const run = await runSequential(() => 'X', { ...GATE, ...DESIGN, actions: ['C', 'D'] });
    expect(run.decision).toBe('stopped-by-error');
    expect(run.error).toMatch(/"X".*neither C nor D/);
  });

  it('rejects options that cannot define a stop, naming the field', async () => {
    await expect(
      runSequential(() => 'C', { level: 0.95, tolerance: 0.1, ...DESIGN, actions: ['C', 'D'] }),
    ).rejects.toThrow(StratalignError);
    await expect(runSequential(() => 'C', { level: 0.95, ...DESIGN, actions: ['C', 'D'] })).rejects.toThrow(
      /nothing to stop for/,
    );
    await expect(runSequential(() => 'C', { ...GATE, batch: 0, cap: 300, actions: ['C', 'D'] })).rejects.toThrow(
      /batch/,
    );
    await expect(runSequential(() => 'C', { ...GATE, ...DESIGN, actions: ['C', 'C'] })).rejects.toThrow(
      /two distinct actions/,
    );
  });
});

describe('sequentialDecision', () => {
  it('settles within, outside, or not at all from the interval alone', () => {
    expect(sequentialDecision(120, 300, GATE).verdict).toBe('settled-within');
    expect(sequentialDecision(250, 300, GATE).verdict).toBe('settled-outside');
    expect(sequentialDecision(5, 10, GATE).verdict).toBe('continue');
    const look = sequentialDecision(120, 300, GATE);
    expect(look.interval).toEqual(confidenceSequence(120, 300, 0.95, gatePrior(0.4, 0.1)));
  });
});
