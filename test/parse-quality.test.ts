import { describe, expect, it } from 'vitest';
import { describeParseQuality, parseQualityByModel, UNEVEN_P } from '../src/report/summary/parse-quality.js';
import { createRng, type Rng } from '../src/shared/random.js';
import type { Tally } from '../src/recordings/types.js';

const tally = (scenario: string, read: number, unread: number, model = 'm'): Tally => ({
  split: 'in-sample',
  scenario,
  model,
  role: null,
  counts: { C: read },
  failures: unread ? { 'no-choice': unread } : {},
  source: 'live',
});

function binomial(rng: Rng, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng() < p) k++;
  return k;
}

/** 20 scenarios x 300 answers; unread share `base` everywhere, or `hot` in the first scenario. */
function simulate(rng: Rng, base: number, hot = base): Tally[] {
  return Array.from({ length: 20 }, (_, i) => {
    const unread = binomial(rng, 300, i === 0 ? hot : base);
    return tally(`s${i}`, 300 - unread, unread);
  });
}

describe('parse quality by model', () => {
  it('counts reads and failure kinds per model', () => {
    const [q] = parseQualityByModel([tally('a', 95, 5), tally('b', 90, 10)]);
    expect(q).toMatchObject({ model: 'm', received: 200, read: 185, failures: { 'no-choice': 15 } });
    expect(describeParseQuality(q!)).toBe('m: 92.5 % read by the rules (185 of 200); unread: 15 no-choice');
  });

  it(
    'warns about unevenly spread unread answers at most about as often as its level when they are even ' +
      '(seeded simulation)',
    () => {
      const rng = createRng('parse-quality/even');
      const runs = 400;
      let alarms = 0;
      for (let r = 0; r < runs; r++) if (parseQualityByModel(simulate(rng, 0.05))[0]!.spread!.p < UNEVEN_P) alarms++;
      expect(alarms / runs).toBeLessThanOrEqual(0.03);
    },
  );

  it('warns when one scenario holds most of the unread answers (seeded simulation)', () => {
    const rng = createRng('parse-quality/uneven');
    let alarms = 0;
    for (let r = 0; r < 100; r++) if (parseQualityByModel(simulate(rng, 0.03, 0.2))[0]!.spread!.p < UNEVEN_P) alarms++;
    expect(alarms).toBeGreaterThanOrEqual(95);
    const line = describeParseQuality(parseQualityByModel(simulate(createRng('x'), 0.03, 0.3))[0]!);
    expect(line).toMatch(
      new RegExp(
        String.raw`WARNING unread answers are unevenly spread over scenarios \(Pearson chi-square test of ` +
          String.raw`homogeneity, chi2 = [\d.]+, df = 19, p = .*worst s0`,
      ),
    );
  });

  it('claims no spread where failures were not recorded (replayed counts)', () => {
    const t = { ...tally('a', 100, 0), failuresRecorded: false };
    expect(parseQualityByModel([t, { ...t, scenario: 'b' }])[0]!.spread).toBeNull();
  });
});
