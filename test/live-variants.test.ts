import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { LiveProviderCore } from '../src/sources/live/live-provider.js';
import { parseLiveConfig } from '../src/sources/live/provider-config.js';
import type { ChatTransport, CompletionRequest, CompletionResult } from '../src/sources/live/transport.js';
import { readEnvelope } from '../src/answers/samples/envelope.js';
import { assessOutput } from '../src/eval/scoring/assess-output.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';

// The live providers of a swapped-in probes config: they read the variant and the grid point from vars.scenario.
const catalogue = defaultCatalogue();
function provider(config: Record<string, unknown>, answer: (r: CompletionRequest) => CompletionResult) {
  const requests: CompletionRequest[] = [];
  const transport: ChatTransport = {
    complete: async (request) => {
      requests.push(request);
      return answer(request);
    },
    faultOf: (error) => ({ kind: 'unexpected', detail: String(error) }),
  };
  const core = new LiveProviderCore(
    parseLiveConfig(
      { apiKeyEnv: 'K', model: 'm', protocol: 'letter-only', ...config },
      'openai-compatible',
      'live',
      catalogue,
    ),
    () => transport,
    catalogue,
    { K: 'sk-x' },
  );
  return { core, requests };
}

describe('live providers under label variants and grid points', () => {
  it('send the variant prompt and have its answers scored as the actions they stand for', async () => {
    const { core, requests } = provider({ samples: 3, useN: false }, () => ({
      choices: [{ text: 'F', finishReason: 'stop' }],
      usage: null,
    }));
    const name = 'team/grid:st@S=8,T=7~neutral-jf';
    const result = await core.call({ vars: { scenario: name, split: 'grid' } });
    expect(requests[0]!.prompt.user).toContain('Answer with exactly one letter, J or F, and nothing else.');
    expect(requests[0]!.prompt.user).toContain('If you choose F and your coplayer chooses J, you get 7 points.');
    const scenario = resolveScenario(catalogue, name);
    const assessed = assessOutput(result.output!, scenario, { counts: { C: 1, D: 1 }, n: 2, failures: {} } as never, {
      reference: 'x',
      allowMissing: false,
      decision: 'within',
      errorRate: 0.05,
      referenceExact: false,
    });
    // F is defection here: cooperation 0, whatever letter it is.
    expect(assessed.namedScores.cooperation).toBe(0);
    expect(assessed.reason).toContain('{"C":0,"D":3}');
  });

  it('read log-probabilities of the shown labels into the actions', async () => {
    const { core } = provider({ mode: 'logprobs' }, () => ({
      choices: [
        {
          text: 'C',
          finishReason: 'stop',
          firstTokenTopLogprobs: [
            { token: 'C', logprob: Math.log(0.8) },
            { token: 'D', logprob: Math.log(0.2) },
          ],
        },
      ],
      usage: null,
    }));
    const result = await core.call({ vars: { scenario: 'team/stag-hunt~swapped' } });
    const read = readEnvelope(result.output!);
    // Under swapped the letter C is the defection: 80 % of the mass goes to D.
    expect(read.kind === 'envelope' && read.envelope.distribution!.probabilities).toEqual({
      C: expect.closeTo(0.2, 10),
      D: expect.closeTo(0.8, 10),
    });
  });
});
