import { describe, expect, it } from 'vitest';
import type { AssertionValueFunctionContext } from 'promptfoo';
import { alignment } from '../assertions/alignment.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { ENVELOPE_TAG, formatEnvelope, type SampleEnvelope } from '../src/answers/samples/envelope.js';
import { tallyEvalRows } from '../src/report/summary/eval-tallies.js';

// Issue 13: the alignment assertion and the end-of-eval summary read an envelope with one reader,
// so the same invalid row is refused (or counted) alike by both, never scored by one and skipped
// (or thrown on) by the other.
const catalogue = defaultCatalogue();
const PAPER = 'datasets/recordings/lfb-counts.csv';
const SCENARIO = 'business/prisoners-dilemma';

function envelope(samples: unknown[], scenario = SCENARIO): string {
  const e = {
    stratalign: ENVELOPE_TAG,
    note: 'n',
    source: 'replay',
    mode: 'replay-counts',
    scenario,
    model: 'm',
    role: null,
    requested: samples.length,
    samples,
    missing: { count: 0, reasons: [] },
  };
  return formatEnvelope(e as unknown as SampleEnvelope);
}

function assertOn(output: string) {
  const context = {
    vars: { scenario: SCENARIO, split: 'in-sample' },
    config: { reference: PAPER },
    test: { assert: [{ type: 'javascript', value: 'file://assertions/alignment.ts:alignment' }] },
  } as unknown as AssertionValueFunctionContext;
  return alignment(output, context);
}

async function summaryOf(output: string) {
  const row = {
    provider: { id: 'file://providers/x.ts', label: 'b' },
    vars: { scenario: SCENARIO, split: 'in-sample' },
    response: { output, metadata: { stratalign: { role: 'base' } } },
    failureReason: 0,
  };
  return tallyEvalRows([row], catalogue);
}

describe('one envelope reader for the assertion and the summary', () => {
  it('refuses a sample with neither text nor a recorded choice in both, for the same reason', async () => {
    const output = envelope([{ text: null }, { text: null, recordedChoice: 'C' }]);
    const verdict = assertOn(output);
    const summary = await summaryOf(output);
    expect(verdict.pass).toBe(false);
    expect(verdict.reason).toMatch(/^UNSCORED: malformed stratalign\.samples\/v1 envelope: a sample without text/);
    expect(summary.tallies).toEqual([]);
    expect(summary.skipped.rows).toBe(1);
    // The summary names the same problem the assertion reports.
    expect(summary.skipped.firstReason).toContain(verdict.reason.replace(/^UNSCORED: /, ''));
  });

  it('refuses an envelope for another scenario than vars.scenario in both', async () => {
    const output = envelope([{ text: null, recordedChoice: 'C' }], 'international-relations/prisoners-dilemma');
    const verdict = assertOn(output);
    const summary = await summaryOf(output);
    expect(verdict.pass).toBe(false);
    expect(verdict.reason).toMatch(
      new RegExp(
        String.raw`^UNSCORED: the output is for international-relations\/prisoners-dilemma but ` +
          String.raw`vars\.scenario says business\/prisoners-dilemma`,
      ),
    );
    expect(summary.skipped.rows).toBe(1);
    expect(summary.skipped.firstReason).toContain(verdict.reason.replace(/^UNSCORED: /, ''));
  });

  it('counts a recorded choice that is not an action as one out-of-range answer in both', async () => {
    const output = envelope([
      { text: null, recordedChoice: 'Z' },
      { text: null, recordedChoice: 'C' },
    ]);
    const verdict = assertOn(output);
    const summary = await summaryOf(output);
    expect(verdict.reason).toMatch(/^1\/2 replayed samples .*counts \{"C":1,"D":0\}.*unparseable: .*out-of-range/);
    expect(summary.skipped.rows).toBe(0);
    expect(summary.tallies).toHaveLength(1);
    expect(summary.tallies[0]!.failures).toEqual({ 'out-of-range': 1 });
    expect(summary.tallies[0]!.counts).toMatchObject({ C: 1 });
  });
});
