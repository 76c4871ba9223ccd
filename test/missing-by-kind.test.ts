import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { lostAnswerCount } from '../src/recordings/convert/promptfoo-results.js';
import { answerCounts } from '../src/sources/live/missing-answers.js';
import { ENVELOPE_TAG, formatEnvelope, readEnvelope } from '../src/answers/samples/envelope.js';
import type { MissingAnswers } from '../src/answers/samples/missing.js';
import { tallyEvalRows } from '../src/report/summary/eval-tallies.js';
import { summariseEval } from '../src/report/summary/summarise-eval.js';

// Issue 13 item 3: missing answers travel as {kind, count, message} from the provider to the summary;
// counts come from kind and count, so rewording a message cannot change any of them.
const catalogue = defaultCatalogue();
const scenario = 'business/prisoners-dilemma';

/**
 * An eval's rows whose missing answers read `say(kind)`: a multi envelope and an error row, as the live provider writes
 * them.
 */
function rows(say: (kind: string) => string) {
  const missing: MissingAnswers[] = [
    { kind: 'rate-limited', count: 2, message: say('rate-limited') },
    { kind: 'timeout', count: 1, message: say('timeout') },
  ];
  const envelope = formatEnvelope({
    stratalign: ENVELOPE_TAG,
    note: 'n',
    source: 'live',
    mode: 'multi',
    scenario,
    model: 'm',
    role: null,
    requested: 5,
    samples: [{ text: 'C' }, { text: 'D' }],
    missing: { count: 3, reasons: missing.map((m) => `${m.count}× ${m.message}`), byKind: missing },
  });
  const lostRow = [{ kind: 'server-error' as const, count: 4, message: say('server-error') }];
  return [
    {
      provider: { id: 'x', label: 'b' },
      vars: { scenario, split: 'in-sample' },
      response: { output: envelope, metadata: { stratalign: { role: 'base' } } },
      failureReason: 0,
    },
    {
      provider: { id: 'x', label: 'b' },
      vars: { scenario, split: 'in-sample' },
      response: { metadata: { stratalign: { role: 'base', ...answerCounts(4, 0, lostRow) } } },
      error: say('server-error'),
      failureReason: 2,
    },
    // Another provider's error row says nothing of its kinds: it counts as one unreported answer.
    { provider: { id: 'y', label: 'o' }, vars: { scenario, split: 'in-sample' }, error: 'boom', failureReason: 2 },
  ];
}

const plain = (kind: string) => `${kind} at http://127.0.0.1:1/v1`;
const reworded = (kind: string) => `Recording exhausted? no: the server said ${kind.toUpperCase()} (try again later)`;

describe('missing answers by kind', () => {
  it('counts lost answers by kind, adding up to the lost answers', async () => {
    const { conversion } = await tallyEvalRows(rows(plain), catalogue);
    expect(conversion.lostByKind).toEqual({ 'rate-limited': 2, timeout: 1, 'server-error': 4, unreported: 1 });
    const byKind = Object.values(conversion.lostByKind).reduce((a, b) => a + (b ?? 0), 0);
    expect(byKind).toBe(lostAnswerCount(conversion));
  });

  it('gives the same counts and the same count lines whatever the messages say', async () => {
    const a = await tallyEvalRows(rows(plain), catalogue);
    const b = await tallyEvalRows(rows(reworded), catalogue);
    expect(b.conversion.lostByKind).toEqual(a.conversion.lostByKind);
    expect(lostAnswerCount(b.conversion)).toBe(lostAnswerCount(a.conversion));
    expect(b.tallies).toEqual(a.tallies);
    const counted = async (say: (kind: string) => string) =>
      (await summariseEval(rows(say), null, catalogue)).text
        .split('\n')
        .filter((l) => /^LOST ANSWERS|^ {2}by kind:/.test(l));
    const lines = await counted(plain);
    expect(lines).toEqual([
      'LOST ANSWERS: 2 provider error row(s) and 3 missing sample(s) in this eval: 8 answer(s) lost in all (5 of ' +
        'them asked for by the error rows); 1 error row(s) did not say how many answers they asked for and ' +
        'count as 1 each',
      '  by kind: 4 server-error, 2 rate-limited, 1 timeout, 1 unreported',
    ]);
    expect(await counted(reworded)).toEqual(lines);
  });

  it('refuses an envelope whose kinds do not add up to its missing count', () => {
    const bad = formatEnvelope({
      stratalign: ENVELOPE_TAG,
      note: 'n',
      source: 'live',
      mode: 'multi',
      scenario,
      model: 'm',
      role: null,
      requested: 3,
      samples: [{ text: 'C' }],
      missing: { count: 2, reasons: ['2× timeout'], byKind: [{ kind: 'timeout', count: 1, message: 'timeout' }] },
    });
    expect(readEnvelope(bad)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/byKind counts must add up to count/),
    });
  });
});
