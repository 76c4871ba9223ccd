import { describe, expect, it } from 'vitest';
import { describeFault } from '../src/sources/live/faults.js';
import { faultFromSdkError, retryAfterMs } from '../src/sources/live/sdk-errors.js';

const ctx = { baseUrl: 'http://127.0.0.1:9/v1', model: 'ft:gpt-4o-mini:org::x', timeoutMs: 1500 };
const headers = (values: Record<string, string>) => new Headers(values);
const describe_ = (facts: Parameters<typeof faultFromSdkError>[0], maxRetries = 3) =>
  describeFault(faultFromSdkError(facts, maxRetries), ctx);

describe('fault messages', () => {
  it('says a rate limit was retried and what wait the server asked for', () => {
    const message = describe_({
      kind: 'http',
      status: 429,
      headers: headers({ 'retry-after': '2' }),
      message: '429 Rate limit reached for requests',
    });
    expect(message).toBe(
      '429 rate limited by http://127.0.0.1:9/v1 after 3 retries (retry-after 2s): Rate limit reached for requests',
    );
  });

  it('reads retry-after-ms before retry-after, as the SDKs do', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(headers({}))).toBeNull();
    const inOneMinute = new Date(Date.now() + 60_000).toUTCString();
    expect(retryAfterMs(headers({ 'retry-after': inOneMinute }))).toBeGreaterThan(55_000);
  });

  it('reports non-retryable statuses without a retry count, and honours x-should-retry', () => {
    expect(describe_({ kind: 'http', status: 400, headers: headers({}), message: '400 bad n' })).toBe(
      '400 error from http://127.0.0.1:9/v1: bad n',
    );
    expect(
      describe_({
        kind: 'http',
        status: 500,
        headers: headers({ 'x-should-retry': 'false' }),
        message: '500 status code (no body)',
      }),
    ).toBe('500 server error at http://127.0.0.1:9/v1');
    expect(describe_({ kind: 'http', status: 503, headers: undefined, message: '503 down' }, 1)).toBe(
      '503 server error at http://127.0.0.1:9/v1 after 1 retry: down',
    );
    expect(describe_({ kind: 'http', status: 404, headers: undefined, message: '404 no such model' })).toContain(
      'check model "ft:gpt-4o-mini:org::x"',
    );
  });

  it('names the refused URL and asks whether the server is running', () => {
    const cause = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
    });
    expect(describe_({ kind: 'connection', cause }, 2)).toBe(
      'connection refused at http://127.0.0.1:9/v1 after 2 retries: is the server running?',
    );
    const bad = Object.assign(new TypeError('fetch failed'), { cause: new Error('bad port') });
    expect(describe_({ kind: 'connection', cause: bad }, 0)).toBe(
      'connection to http://127.0.0.1:9/v1 failed (bad port)',
    );
  });

  it('states the timeout that was exceeded', () => {
    expect(describe_({ kind: 'timeout' }, 1)).toBe(
      'no response from http://127.0.0.1:9/v1 within 1500 ms after 1 retry: raise timeoutMs or check the server',
    );
  });

  it('names the env var of a missing key', () => {
    expect(describeFault({ kind: 'missing-key', envVar: 'OPENAI_API_KEY', empty: false }, ctx)).toBe(
      'env var OPENAI_API_KEY is not set: export it or set apiKeyEnv (null for a local server that needs no key)',
    );
    expect(describeFault({ kind: 'missing-key', envVar: 'GROQ_API_KEY', empty: true }, ctx)).toContain(
      'GROQ_API_KEY is empty',
    );
  });
});
