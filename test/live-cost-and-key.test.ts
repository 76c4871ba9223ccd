import { describe, expect, it } from 'vitest';
import { lookupApiKey, redactSecret } from '../src/sources/live/api-key.js';
import { addUsage, costOf, emptyUsage, toTokenUsage } from '../src/sources/live/cost.js';

describe('cost', () => {
  it('prices prompt and completion tokens per million', () => {
    const usage = emptyUsage();
    addUsage(usage, { prompt: 1000, completion: 150 });
    addUsage(usage, { prompt: 1000, completion: 50 });
    usage.requests = 3;
    expect(toTokenUsage(usage)).toEqual({ prompt: 2000, completion: 200, total: 2200, numRequests: 3 });
    expect(costOf(usage, { inputPerMTok: 2.5, outputPerMTok: 10 })).toBeCloseTo(0.007, 12);
    expect(costOf(usage, { inputPerMTok: 0, outputPerMTok: 0 })).toBe(0);
  });

  it('reports no cost rather than $0 when prices or token counts are unknown', () => {
    const usage = emptyUsage();
    addUsage(usage, { prompt: 10, completion: 1 });
    expect(costOf(usage, null)).toBeUndefined();
    addUsage(usage, null);
    expect(usage.unreported).toBe(1);
    expect(costOf(usage, { inputPerMTok: 1, outputPerMTok: 1 })).toBeUndefined();
  });
});

describe('api keys', () => {
  it('reads the key from the named env var only', () => {
    expect(lookupApiKey('MY_KEY', { MY_KEY: 'sk-123456' })).toEqual({ ok: true, key: 'sk-123456' });
    expect(lookupApiKey(null, {})).toEqual({ ok: true, key: null });
    expect(lookupApiKey('MY_KEY', {})).toEqual({
      ok: false,
      fault: { kind: 'missing-key', envVar: 'MY_KEY', empty: false },
    });
    expect(lookupApiKey('MY_KEY', { MY_KEY: '  ' })).toEqual({
      ok: false,
      fault: { kind: 'missing-key', envVar: 'MY_KEY', empty: true },
    });
  });

  it('redacts the key everywhere in a nested value', () => {
    const key = 'sk-secret-abcdef';
    const out = redactSecret(
      { error: `Incorrect API key provided: ${key}`, metadata: { reasons: [`1× bad ${key}!`], n: 3 } },
      key,
    );
    expect(JSON.stringify(out)).not.toContain(key);
    expect(out).toEqual({
      error: 'Incorrect API key provided: [redacted]',
      metadata: { reasons: ['1× bad [redacted]!'], n: 3 },
    });
    expect(redactSecret({ a: 'C' }, null)).toEqual({ a: 'C' });
  });
});
