import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import { validCount } from '../src/recordings/types.js';
import {
  alwaysValidFactory,
  groupSequentialFactory,
  simpleFactory,
  summariseDesign,
  type GateCase,
} from '../src/eval/sequential/design-comparison.js';
import { exactOperatingCharacteristics } from '../src/eval/sequential/exact-operating.js';
import { efficacyRule, groupSequentialDesign, lookSchedule } from '../src/eval/sequential/group-sequential.js';
import { createStoppingRule } from '../src/eval/sequential/stopping-rule.js';

const TOLERANCE = 0.1;
const SCHEDULE = { batch: 10, cap: 300 };

/** P(within) + P(outside) for a truth on q ± tolerance: every settled verdict there is the wrong one in the limit. */
function boundaryError(q: number, rule: ReturnType<typeof createStoppingRule>, schedule = SCHEDULE): number {
  let worst = 0;
  for (const p of [q - TOLERANCE, q + TOLERANCE].filter((x) => x > 0 && x < 1)) {
    const o = exactOperatingCharacteristics(p, rule, schedule).outcomes;
    worst = Math.max(worst, o['settled-within'] + o['settled-outside']);
  }
  return worst;
}

describe('the group-sequential gate design', () => {
  it('holds the 5 % wrong-decision rate on the boundary exactly, futility included (teacher exact)', () => {
    for (const q of [0.003, 0.103, 0.257, 0.5, 0.82, 1]) {
      const design = groupSequentialDesign({
        reference: q,
        tolerance: TOLERANCE,
        errorRate: 0.05,
        teacher: null,
        ...SCHEDULE,
      });
      // Checked with the general dynamic programme on the rule itself, not the design's own shortcut.
      expect(boundaryError(q, design.rule)).toBeLessThanOrEqual(0.05);
      expect(boundaryError(q, design.rule)).toBeCloseTo(design.boundaryError, 10);
    }
  });

  it('is calibrated tightly: a slightly smaller critical value would break the rate', () => {
    const q = 0.4;
    const design = groupSequentialDesign({
      reference: q,
      tolerance: TOLERANCE,
      errorRate: 0.05,
      teacher: null,
      ...SCHEDULE,
    });
    const looser = efficacyRule(design.critical - 0.05, { reference: q, tolerance: TOLERANCE, teacher: null }, null);
    expect(boundaryError(q, looser)).toBeGreaterThan(0.05);
  });

  it("holds the rate with the teacher estimated, averaged exactly over the teacher's own draw", () => {
    // A small teacher sample and cap keep this fast; the bench checks 300 answers and cap 300.
    const schedule = { batch: 10, cap: 100 };
    const m = 100;
    for (const q of [0.35]) {
      let worst = 0;
      for (const p of [q - TOLERANCE, q + TOLERANCE]) {
        let error = 0;
        for (let k = 0; k <= m; k++) {
          const mass = binomial(m, k, q);
          if (mass < 1e-9) continue;
          const rule = createStoppingRule({
            reference: k / m,
            referenceAnswers: m,
            tolerance: TOLERANCE,
            level: 0.95,
            design: 'group-sequential',
            ...schedule,
          });
          const o = exactOperatingCharacteristics(p, rule, schedule).outcomes;
          error += mass * (o['settled-within'] + o['settled-outside']);
        }
        worst = Math.max(worst, error);
      }
      expect(worst).toBeLessThanOrEqual(0.05);
      expect(worst).toBeGreaterThan(0.02);
    }
  });

  it('decides at every count exactly as its count ranges say (both interval ends grow with the count)', () => {
    for (const [q, k] of [
      [0.257, null],
      [0.5, 150],
      [0.05, 20],
    ] as const) {
      const options = { reference: q, tolerance: TOLERANCE, teacher: k === null ? null : { n: 300 } };
      const rule = efficacyRule(2.7, options, k);
      for (const n of lookSchedule(10, 300)) {
        const verdicts = Array.from({ length: n + 1 }, (_, c) => rule(c, n).verdict);
        // outside* continue* within* continue* outside*: each verdict in one run.
        const runs = verdicts.filter((v, i) => i === 0 || v !== verdicts[i - 1]);
        expect(runs.filter((v) => v === 'settled-within').length).toBeLessThanOrEqual(1);
        expect(runs.filter((v) => v === 'settled-outside').length).toBeLessThanOrEqual(2);
      }
    }
  });

  it('stops runs as futile where they would have ended unsettled anyway: fewer calls, the same decisions', () => {
    const design = groupSequentialDesign({
      reference: 0.4,
      tolerance: TOLERANCE,
      errorRate: 0.05,
      teacher: null,
      ...SCHEDULE,
    });
    const efficacyOnly = efficacyRule(design.critical, { reference: 0.4, tolerance: TOLERANCE, teacher: null }, null);
    for (const truth of [0.05, 0.3, 0.35, 0.4, 0.45, 0.5, 0.85]) {
      const withFutility = exactOperatingCharacteristics(truth, design.rule, SCHEDULE);
      const without = exactOperatingCharacteristics(truth, efficacyOnly, SCHEDULE);
      const settled = (o: typeof without) => o.outcomes['settled-within'] + o.outcomes['settled-outside'];
      expect(settled(withFutility)).toBeGreaterThan(settled(without) - 0.005);
      expect(withFutility.expectedCalls).toBeLessThanOrEqual(without.expectedCalls + 1e-9);
    }
    // On the boundary nearly every run is futile, and stops well before the cap.
    const onEdge = exactOperatingCharacteristics(0.5, design.rule, SCHEDULE);
    expect(onEdge.outcomes.futile).toBeGreaterThan(0.9);
    expect(onEdge.expectedCalls).toBeLessThan(250);
    expect(exactOperatingCharacteristics(0.85, design.rule, SCHEDULE).outcomes.futile).toBeLessThan(1e-9);
  });
});

describe("the paper's students at cap 300, teacher exact (exact, not simulated)", () => {
  const tallies = readCountsTable('datasets/recordings/lfb-counts.csv', defaultCatalogue());
  const share = (t: (typeof tallies)[number]) => (t.counts.C ?? 0) / validCount(t);
  const teacher = new Map(
    tallies.filter((t) => t.role === 'teacher').map((t) => [`${t.split}/${t.scenario}`, share(t)]),
  );
  const cases: GateCase[] = tallies
    .filter((t) => t.role !== 'teacher')
    .map((t) => ({ truth: share(t), reference: teacher.get(`${t.split}/${t.scenario}`)! }));

  it('spend at most 90 calls per student scenario (the simple design: 98.0), settling as many correctly', () => {
    const ours = summariseDesign(
      groupSequentialFactory(TOLERANCE, 0.95, SCHEDULE),
      cases,
      { kind: 'exact' },
      TOLERANCE,
    );
    const simple = summariseDesign(simpleFactory(TOLERANCE, 2.8, SCHEDULE), cases, { kind: 'exact' }, TOLERANCE);
    const always = summariseDesign(alwaysValidFactory(TOLERANCE, 0.95, SCHEDULE), cases, { kind: 'exact' }, TOLERANCE);
    expect(cases).toHaveLength(64);
    expect(simple.meanCalls.toFixed(1)).toBe('98.0');
    expect(always.meanCalls.toFixed(1)).toBe('108.9');
    expect(ours.meanCalls).toBeLessThanOrEqual(90);
    expect(ours.correct).toBeGreaterThanOrEqual(simple.correct);
    expect(ours.worstBoundaryError).toBeLessThanOrEqual(0.05);
    // The simple design's fixed z = 2.8 overshoots 5 % where the boundary nears 0 (q = 0.103: 0.003).
    expect(simple.worstBoundaryError).toBeGreaterThan(0.05);
  });
});

function binomial(n: number, k: number, p: number): number {
  let log = k * Math.log(p) + (n - k) * Math.log1p(-p);
  for (let i = 1; i <= k; i++) log += Math.log((n - k + i) / i);
  return Math.exp(log);
}
