import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { LiveProviderCore } from '../src/sources/live/live-provider.js';
import { parseLiveConfig } from '../src/sources/live/provider-config.js';
import type { ChatTransport, CompletionRequest, CompletionResult } from '../src/sources/live/transport.js';
import { readEnvelope } from '../src/answers/samples/envelope.js';

// An in-memory transport: these tests are about the core's accounting, not the SDKs (see providers-*.test.ts).
function fakeTransport(answer: (request: CompletionRequest) => CompletionResult) {
  const requests: CompletionRequest[] = [];
  let created = 0;
  const make = (): ChatTransport => {
    created++;
    return {
      complete: async (request) => {
        requests.push(request);
        return answer(request);
      },
      faultOf: (error) => ({ kind: 'unexpected', detail: String(error) }),
    };
  };
  return { make, requests, created: () => created };
}

const catalogue = defaultCatalogue();
const env = { TEST_KEY: 'sk-test-core-123456' };
const core = (config: Record<string, unknown>, fake: ReturnType<typeof fakeTransport>) =>
  new LiveProviderCore(
    parseLiveConfig({ apiKeyEnv: 'TEST_KEY', ...config }, 'openai-compatible', 'core-test', catalogue),
    fake.make,
    catalogue,
    env,
  );
const text = (t: string) => ({ text: t, finishReason: 'stop' });

describe('LiveProviderCore', () => {
  it("tops up with single calls when a server ignores `n` under useN 'auto', and then stops sending n", async () => {
    const fake = fakeTransport(() => ({ choices: [text('C')], usage: { prompt: 5, completion: 1 } }));
    const provider = core({ model: 'm', protocol: 'letter-only', samples: 4 }, fake);
    const first = await provider.call({ vars: { scenario: 'biz/prison' } });
    expect(fake.requests.map((r) => r.n)).toEqual([4, 1, 1, 1]);
    const read = readEnvelope(first.output!);
    expect(read.kind === 'envelope' && read.envelope.samples.length).toBe(4);
    expect(first.tokenUsage).toEqual({ prompt: 20, completion: 4, total: 24, numRequests: 4 });
    await provider.call({ vars: { scenario: 'biz/prison' } });
    expect(fake.requests.slice(4).map((r) => r.n)).toEqual([1, 1, 1, 1]);
  });

  it('gives every sample its own seed, continuing across repeats', async () => {
    const fake = fakeTransport(() => ({ choices: [text('D')], usage: null }));
    const provider = core({ model: 'm', protocol: 'letter-only', samples: 3, useN: false, seed: 100 }, fake);
    await provider.call({ vars: { scenario: 'biz/prison' }, repeatIndex: 2 });
    expect(fake.requests.map((r) => r.seed).sort()).toEqual([106, 107, 108]);
  });

  it('renders the scenario named by vars.scenario with the configured protocol', async () => {
    const fake = fakeTransport(() => ({ choices: [text('C')], usage: null }));
    const result = await core({ model: 'm', protocol: 'reasoned' }, fake).call({
      vars: { scenario: 'IR/staghunt', split: 'in-sample', __evalId: 'x' },
    });
    expect(fake.requests[0]!.prompt.scenarioId).toBe('international-relations/stag-hunt');
    expect(fake.requests[0]!.prompt.protocol).toBe('reasoned');
    expect(result.metadata.stratalign).toMatchObject({
      scenario: 'international-relations/stag-hunt',
      split: 'in-sample',
      mode: 'single',
    });
  });

  it(
    'returns errors, without calling the server, for a missing or unknown scenario, a missing key and ' +
      'unreadable logprobs',
    async () => {
      const fake = fakeTransport(() => ({ choices: [text('C')], usage: null }));
      expect((await core({ model: 'm', protocol: 'letter-only' }, fake).call({ vars: {} })).error).toContain(
        'no `scenario` var',
      );
      expect(
        (await core({ model: 'm', protocol: 'letter-only' }, fake).call({ vars: { scenario: 'biz/chess' } })).error,
      ).toContain('unknown game');
      const noKey = await core({ model: 'm', protocol: 'letter-only', apiKeyEnv: 'ABSENT_KEY' }, fake).call({
        vars: { scenario: 'biz/prison' },
      });
      expect(noKey.error).toContain('env var ABSENT_KEY is not set');
      const logprobs = core({ model: 'm', protocol: 'letter-only', mode: 'logprobs' }, fake);
      const publicGoods = catalogue.games.find((g) => g.actionSpace.kind === 'integer')!;
      expect((await logprobs.call({ vars: { scenario: `business/${publicGoods.id}` } })).error).toContain(
        'use mode: multi',
      );
      expect(fake.requests).toHaveLength(0);
      expect(fake.created()).toBe(0);
    },
  );

  it('reports cost only when it is known: configured prices, or a keyless local server', async () => {
    const fake = fakeTransport(() => ({ choices: [text('C')], usage: { prompt: 1_000_000, completion: 0 } }));
    const vars = { scenario: 'biz/prison' };
    expect((await core({ model: 'm', protocol: 'letter-only' }, fake).call({ vars })).cost).toBeUndefined();
    expect(
      (
        await core(
          { model: 'm', protocol: 'letter-only', prices: { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
          fake,
        ).call({ vars })
      ).cost,
    ).toBeCloseTo(0.15, 12);
    expect((await core({ model: 'm', protocol: 'letter-only', apiKeyEnv: null }, fake).call({ vars })).cost).toBe(0);
  });
});
