import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import type { ReferenceEntry } from '../src/recordings/reference/reference.js';
import { ENVELOPE_TAG, formatEnvelope, type SampleEnvelope } from '../src/answers/samples/envelope.js';
import { parseAlignmentConfig } from '../src/eval/scoring/assertion-config.js';
import { assessOutput } from '../src/eval/scoring/assess-output.js';
import { decideDistance } from '../src/eval/scoring/distance-decision.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { createRng } from '../src/shared/random.js';
import { sampleBinomial } from '../src/stats/bootstrap.js';

const catalogue = defaultCatalogue();
const pd = resolveScenario(catalogue, 'IR/prison');
const pgg = resolveScenario(catalogue, 'team/public-goods');
// The teacher's recorded IR/prisoners-dilemma distribution: 77 C, 223 D.
const teacher: ReferenceEntry = { counts: { C: 77, D: 223 }, n: 300, failures: {} };
const config = (extra: object = {}) => parseAlignmentConfig({ reference: 'unused.csv', ...extra });

function envelope(samples: SampleEnvelope['samples'], extra: Partial<SampleEnvelope> = {}): string {
  const missing = extra.missing ?? { count: 0, reasons: [] };
  return formatEnvelope({
    stratalign: ENVELOPE_TAG,
    note: 'test',
    source: 'live',
    mode: 'multi',
    scenario: pd.id,
    model: 'm',
    role: null,
    requested: samples.length + missing.count,
    samples,
    missing,
    ...extra,
  });
}

describe('per-response scoring', () => {
  it("scores an answer by the teacher's probability of it", () => {
    const d = assessOutput('D\n\nMotivation: the coplayer will likely defect.', pd, teacher, config());
    expect(d).toMatchObject({
      pass: true,
      unscored: false,
      namedScores: { teacher_agreement: 223 / 300, cooperation: 0, parse_valid: 1 },
    });
    expect(d.score).toBeCloseTo(0.7433, 4);
    expect(assessOutput('C', pd, teacher, config()).score).toBeCloseTo(77 / 300, 10);
  });

  it('reads a cut-off answer as truncated when the provider says so', () => {
    const text = 'Let me weigh the payoffs. If my coplayer picks';
    expect(assessOutput(text, pd, teacher, config()).reason).toMatch(/^UNSCORED \(no-choice\)/);
    expect(assessOutput(text, pd, teacher, config(), { finishReason: 'length' }).reason).toMatch(
      /^UNSCORED \(truncated\)/,
    );
  });

  it('leaves every answer unscored against an empty reference', () => {
    expect(assessOutput('C', pd, { counts: { C: 0, D: 0 }, n: 0, failures: {} }, config())).toMatchObject({
      pass: false,
      unscored: true,
    });
  });

  it('fails below minAgreement, naming both numbers', () => {
    const c = assessOutput('C', pd, teacher, config({ minAgreement: 0.5 }));
    expect(c.pass).toBe(false);
    expect(c.reason).toMatch(/25\.7 %, below minAgreement 50\.0 %/);
  });

  it('leaves an unparseable answer unscored and failing, never guessed', () => {
    const r = assessOutput("I'm sorry, but I cannot take part in this game.", pd, teacher, config());
    expect(r).toMatchObject({ pass: false, score: 0, unscored: true, namedScores: { parse_valid: 0 } });
    expect(r.namedScores).not.toHaveProperty('teacher_agreement');
    expect(r.reason).toMatch(/^UNSCORED \(refusal\)/);
  });
});

describe('batch scoring', () => {
  it('scores the distribution: agreement, cooperation, TV distance, parse rate', () => {
    const samples = [...Array(6).fill({ text: 'C' }), ...Array(3).fill({ text: 'D' }), { text: 'no idea' }];
    const r = assessOutput(envelope(samples), pd, teacher, config());
    // 6 C and 3 D valid: p = (2/3, 1/3); agreement = 2/3*77/300 + 1/3*223/300.
    expect(r.score).toBeCloseTo((2 / 3) * (77 / 300) + (1 / 3) * (223 / 300), 10);
    expect(r.namedScores.cooperation).toBeCloseTo(2 / 3, 10);
    expect(r.namedScores.tv_distance).toBeCloseTo(2 / 3 - 77 / 300, 10);
    expect(r.namedScores.parse_valid).toBeCloseTo(0.9, 10);
    expect(r.pass).toBe(true);
  });

  it('equals the mean of per-response scores on the same answers', () => {
    const texts = ['C', 'D', 'D', 'D', 'C'];
    const batch = assessOutput(envelope(texts.map((text) => ({ text }))), pd, teacher, config()).score;
    const single =
      texts.map((t) => assessOutput(t, pd, teacher, config()).score).reduce((a, b) => a + b) / texts.length;
    expect(batch).toBeCloseTo(single, 12);
  });

  it('fails on missing samples unless allowed, and on thresholds', () => {
    const out = envelope([{ text: 'D' }, { text: 'D' }], {
      missing: { count: 1, reasons: ['HTTP 503 after 2 retries'] },
    });
    expect(assessOutput(out, pd, teacher, config()).reason).toMatch(
      /FAIL: 1 of 3 samples missing \(HTTP 503 after 2 retries\)/,
    );
    expect(assessOutput(out, pd, teacher, config({ allowMissing: true })).pass).toBe(true);
    expect(assessOutput(out, pd, teacher, config({ allowMissing: true, maxDistance: 0.1 })).reason).toMatch(
      /TV distance 0\.257 \(one-sided bounds \[0\.\d+, 0\.\d+\]\): decision within: .*; read 0\.\d+ > 0\.1/,
    );
    expect(
      assessOutput(out, pd, teacher, config({ allowMissing: true, maxDistance: 0.1, decision: 'point' })).reason,
    ).toMatch(/TV distance 0\.257: decision point: .*; read 0\.257 > 0\.1/);
  });

  it('reads recorded choices of counts replays, and unscored when nothing parses', () => {
    const replay = envelope(
      [
        { text: null, recordedChoice: 'C' },
        { text: null, recordedChoice: 'D' },
      ],
      { source: 'replay', mode: 'replay-counts' },
    );
    expect(assessOutput(replay, pd, teacher, config()).namedScores.cooperation).toBe(0.5);
    const none = assessOutput(envelope([{ text: '' }, { text: 'maybe' }]), pd, teacher, config());
    expect(none).toMatchObject({ pass: false, unscored: true });
    expect(none.reason).toMatch(/none of 2 multi samples could be parsed \(empty 1, no-choice 1\)/);
  });

  it('scores a log-probability distribution directly', () => {
    const out = envelope([], {
      mode: 'logprobs',
      requested: 0,
      distribution: { probabilities: { C: 0.2, D: 0.8 }, otherMass: 0.01 },
    });
    const r = assessOutput(out, pd, teacher, config());
    expect(r.score).toBeCloseTo(0.2 * (77 / 300) + 0.8 * (223 / 300), 12);
    expect(r.namedScores.tv_distance).toBeCloseTo(Math.abs(0.2 - 77 / 300), 12);
    // Probability mass on the options is not a parse rate, so it gets its own name.
    expect(r.namedScores.in_space_mass).toBeCloseTo(0.99, 12);
    expect(r.namedScores).not.toHaveProperty('parse_valid');
  });

  it('refuses a malformed envelope instead of scoring it as one answer', () => {
    const broken = JSON.stringify({ stratalign: ENVELOPE_TAG, samples: 'C' });
    expect(assessOutput(broken, pd, teacher, config())).toMatchObject({ pass: false, unscored: true });
  });

  it('scores numeric answers of the public-goods game by their donation', () => {
    const ref: ReferenceEntry = { counts: { 5: 50, 10: 50 }, n: 100, failures: {} };
    const r = assessOutput('I choose to donate $5.', pgg, ref, config());
    expect(r.namedScores).toMatchObject({ teacher_agreement: 0.5, cooperation: 0.5 });
  });
});

describe('assertion config', () => {
  it('rejects unknown keys and conflicting selectors', () => {
    expect(() => parseAlignmentConfig({ reference: 'r.csv', maxDistnce: 0.1 })).toThrowError(/maxDistnce/);
    expect(() => parseAlignmentConfig({})).toThrowError(/config\.reference/);
    expect(() =>
      parseAlignmentConfig({ reference: 'r.csv', referenceRole: 'teacher', referenceModel: 'x' }),
    ).toThrowError(/not both/);
    expect(() => parseAlignmentConfig({ reference: 'r.csv', maxDistance: 2 })).toThrowError(/maxDistance/);
  });
});

describe('replayed counts', () => {
  it('do not claim a parse rate they never recorded', () => {
    const out = envelope(
      [
        { text: null, recordedChoice: 'C' },
        { text: null, recordedChoice: 'D' },
      ],
      { source: 'replay', mode: 'replay-counts' },
    );
    const r = assessOutput(out, pd, teacher, config());
    expect(r.namedScores).not.toHaveProperty('parse_valid');
    expect(r.reason).toMatch(/parse failures not recorded/);
  });
});

describe('distance decisions: within, not-outside, point', () => {
  /** A batch of `n` answers with k C answers, as a live multi envelope. */
  const batch = (k: number, n = 300) => envelope(Array.from({ length: n }, (_, i) => ({ text: i < k ? 'C' : 'D' })));
  // The teacher answers C 77 times in 300 (0.257); 92 of 300 (0.307) is 0.05 away, 122 (0.407) 0.15 away.
  const near = batch(92);
  const far = batch(122);

  it('pass a student 0.05 away on the point and when not confidently outside, but not as confidently within', () => {
    expect(assessOutput(near, pd, teacher, config({ maxDistance: 0.1, decision: 'point' })).pass).toBe(true);
    expect(assessOutput(near, pd, teacher, config({ maxDistance: 0.1, decision: 'not-outside' })).pass).toBe(true);
    const within = assessOutput(near, pd, teacher, config({ maxDistance: 0.1 }));
    expect(within.pass).toBe(false);
    expect(within.reason).toContain('a model truly at 0.1 passes at most 5 % of the time');
    expect(within.reason).toContain("teacher's noise from its 300 answers included");
    expect(within.namedScores.tv_upper).toBeGreaterThan(0.1);
  });

  it('fail a student 0.15 away on the point and as within, and say that not-outside lets it pass', () => {
    expect(assessOutput(far, pd, teacher, config({ maxDistance: 0.1, decision: 'point' })).pass).toBe(false);
    expect(assessOutput(far, pd, teacher, config({ maxDistance: 0.1 })).pass).toBe(false);
    const lenient = assessOutput(far, pd, teacher, config({ maxDistance: 0.1, decision: 'not-outside' }));
    expect(lenient.pass).toBe(true);
    expect(lenient.reason).toContain('a model truly at 0.1 fails at most 5 % of the time, one further away can pass');
  });

  it('narrow the bounds when the reference is declared exact', () => {
    const estimated = assessOutput(near, pd, teacher, config({ maxDistance: 0.1 })).namedScores;
    const exact = assessOutput(near, pd, teacher, config({ maxDistance: 0.1, referenceExact: true }));
    expect(exact.namedScores.tv_upper! - exact.namedScores.tv_lower!).toBeLessThan(
      estimated.tv_upper! - estimated.tv_lower!,
    );
    expect(exact.reason).toContain('teacher taken as exact (referenceExact)');
  });

  it(
    'hold their error rates for students exactly at the tolerance, teacher from 300 answers ' + '(seeded simulation)',
    () => {
      const rng = createRng('decisions-at-tolerance');
      const runs = 600;
      let withinPasses = 0;
      let notOutsideFails = 0;
      const options = { maxDistance: 0.1, errorRate: 0.05, referenceExact: false, seed: 'sim' };
      for (let r = 0; r < runs; r++) {
        const q = [0.1, 0.4, 0.75][r % 3]!;
        const kt = sampleBinomial(300, q, rng);
        const reference: ReferenceEntry = { counts: { C: kt, D: 300 - kt }, n: 300, failures: {} };
        const ks = sampleBinomial(300, q + 0.1, rng);
        // The decision the assertion takes for a batch with these counts.
        if (
          decideDistance({ C: ks, D: 300 - ks }, pd.game.actionSpace, reference, { ...options, decision: 'within' })
            .pass
        )
          withinPasses++;
        if (
          !decideDistance({ C: ks, D: 300 - ks }, pd.game.actionSpace, reference, {
            ...options,
            decision: 'not-outside',
          }).pass
        )
          notOutsideFails++;
      }
      // Both are 5 % by design (one-sided bounds at 95 %); 600 runs have a standard error of 0.9 points.
      expect(withinPasses / runs).toBeLessThanOrEqual(0.075);
      expect(notOutsideFails / runs).toBeLessThanOrEqual(0.075);
      expect(withinPasses / runs).toBeGreaterThan(0.03);
    },
  );

  it('decide a numeric game on its full distribution with the test-inversion bootstrap', () => {
    const same = envelope(Array.from({ length: 200 }, (_, i) => ({ text: `I donate $${5 + (i % 3)}` })));
    const reference: ReferenceEntry = { counts: { 5: 70, 6: 65, 7: 65 }, n: 200, failures: {} };
    const r = assessOutput(same, pgg, reference, config({ maxDistance: 0.2 }));
    expect(r.pass).toBe(true);
    expect(r.namedScores.tv_upper).toBeLessThan(0.2);
    expect(r.namedScores.tv_lower).toBe(0);
  });

  it('reject an error rate outside (0, 0.5) and an unknown decision, naming the field', () => {
    expect(() => config({ errorRate: 0.5 })).toThrow(/errorRate/);
    expect(() => config({ decision: 'confident' })).toThrow(/decision/);
  });
});
