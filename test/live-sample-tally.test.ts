import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { formatReasons, liveEnvelope, tallyOutcomes, type CallOutcome } from '../src/sources/live/sample-tally.js';
import { classifyChoice } from '../src/sources/live/choice-outcome.js';
import { parseLiveConfig } from '../src/sources/live/provider-config.js';
import { formatEnvelope, readEnvelope } from '../src/answers/samples/envelope.js';

const ctx = { baseUrl: 'http://127.0.0.1:1234/v1', model: 'm', timeoutMs: 1000 };
const short = (got: number, asked: number) => `short ${got}/${asked}`;
const choice = (text: string | null, finishReason = 'stop') => ({ text, finishReason });

describe('classifyChoice', () => {
  it('keeps truncated answers as samples and turns API filtering into missing samples', () => {
    expect(classifyChoice(choice('I would', 'length'))).toEqual({
      kind: 'sample',
      sample: { text: 'I would', finishReason: 'length' },
    });
    expect(classifyChoice(choice('', 'content_filter'))).toMatchObject({
      kind: 'missing',
      reason: expect.stringContaining('content filtered'),
    });
    expect(classifyChoice(choice(null, 'refusal'))).toMatchObject({
      kind: 'missing',
      reason: expect.stringContaining('refused by the API'),
    });
    expect(classifyChoice({ text: null, finishReason: 'stop', refusal: 'I cannot help' })).toMatchObject({
      kind: 'missing',
      reason: expect.stringContaining('"I cannot help"'),
    });
    expect(classifyChoice(choice(null, 'tool_calls'))).toMatchObject({
      kind: 'missing',
      reason: expect.stringContaining('tool_calls'),
    });
    expect(classifyChoice(choice(''))).toEqual({ kind: 'sample', sample: { text: '', finishReason: 'stop' } });
  });
});

describe('tallyOutcomes', () => {
  const outcomes: CallOutcome[] = [
    {
      asked: 3,
      result: {
        choices: [choice('C'), choice('', 'content_filter'), choice('D is', 'length')],
        usage: { prompt: 10, completion: 4 },
      },
    },
    { asked: 2, fault: { kind: 'http', status: 503, message: 'busy', retried: 2, retryAfterMs: null } },
    { asked: 1, result: { choices: [], usage: { prompt: 10, completion: 0 } } },
    { asked: 3, result: { choices: [choice('C')], usage: null } },
    { asked: 1, fault: { kind: 'http', status: 503, message: 'busy', retried: 2, retryAfterMs: null } },
  ];
  const tally = tallyOutcomes(outcomes, ctx, short);

  it('counts every asked-for answer once, as a sample or as missing with a reason', () => {
    expect(tally.samples.map((s) => s.text)).toEqual(['C', 'D is', 'C']);
    expect(tally.missingCount).toBe(7);
    expect(tally.samples.length + tally.missingCount).toBe(10);
    expect(formatReasons(tally.missingReasons)).toEqual([
      '1× content filtered by the API (finish_reason content_filter)',
      '3× 503 server error at http://127.0.0.1:1234/v1 after 2 retries: busy',
      '1× http://127.0.0.1:1234/v1 returned no choices for model "m"',
      '2× short 1/3',
    ]);
  });

  it('adds up usage, counting failed requests and responses without usage', () => {
    expect(tally.usage).toEqual({ prompt: 20, completion: 4, requests: 5, unreported: 1 });
  });
});

describe('liveEnvelope', () => {
  const config = parseLiveConfig(
    { model: 'm', protocol: 'letter-only', samples: 3, role: 'base' },
    'openai-compatible',
    'p',
    defaultCatalogue(),
  );

  it('builds an envelope the shared reader accepts, with the missing count and reasons', () => {
    const tally = tallyOutcomes(
      [{ asked: 3, result: { choices: [choice('C'), choice('D')], usage: null } }],
      ctx,
      short,
    );
    const read = readEnvelope(formatEnvelope(liveEnvelope(config, 'business/prisoners-dilemma', 'multi', 3, tally)));
    expect(read.kind).toBe('envelope');
    if (read.kind !== 'envelope') return;
    expect(read.envelope).toMatchObject({
      source: 'live',
      mode: 'multi',
      requested: 3,
      role: 'base',
      missing: { count: 1, reasons: ['1× short 2/3'] },
    });
    expect(read.envelope.note).toMatch(/^LIVE multi: 2 of 3 answers from m \(base\)/);
  });

  it('refuses to build an envelope whose counts do not add up', () => {
    const tally = tallyOutcomes([{ asked: 1, result: { choices: [choice('C')], usage: null } }], ctx, short);
    expect(() => liveEnvelope(config, 'business/prisoners-dilemma', 'multi', 3, tally)).toThrow(
      /1 samples \+ 0 missing != 3/,
    );
  });
});
