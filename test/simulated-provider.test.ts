import { describe, expect, it } from 'vitest';
import SimulatedProvider from '../providers/simulated.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { choiceCovariates, cooperationProbability } from '../src/catalogue/scenarios/choice-covariates.js';
import { readEnvelope } from '../src/answers/samples/envelope.js';
import { parseScenarioAnswer } from '../src/answers/parsing/parse-answer.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { parseSimulatedConfig, playerParameters } from '../src/sources/simulated/simulated-config.js';
import { simulateCall, UNREADABLE_ANSWER } from '../src/sources/simulated/simulated-player.js';
import { simulatedTruths } from '../src/sources/simulated/simulated-truth.js';

const catalogue = defaultCatalogue();
const config = (player: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  parseSimulatedConfig({ samples: 4000, seed: 3, role: 'fine-tuned', player, ...extra }, 'test');
const call = (name: string, cfg: ReturnType<typeof config>, model = 'student [simulated]', repeatIndex = 0) => {
  const out = simulateCall(resolveScenario(catalogue, name), catalogue, cfg, { model, split: 'grid', repeatIndex });
  if (typeof out === 'string') throw new Error(out);
  return out;
};

describe('simulated player', () => {
  const cfg = config({
    cooperationBias: 0.2,
    incentiveSensitivity: { ifC: 0.3, ifD: 0.1 },
    labelBias: 0.9,
    positionBias: -0.3,
  });

  it('says SIMULATED in every output and names no model', () => {
    const { envelope } = call('team/stag-hunt~neutral-jf', cfg);
    expect(envelope.note).toMatch(
      /^SIMULATED player, no model was called: P\(C\) = logistic\(0\.2 \+ 0\.3\*\(R-T\) \+ 0\.1\*\(S-P\)/,
    );
    expect(envelope).toMatchObject({
      source: 'simulated',
      mode: 'simulated',
      role: 'fine-tuned',
      requested: 4000,
      missing: { count: 0 },
    });
    expect(readEnvelope(JSON.stringify(envelope)).kind).toBe('envelope');
  });

  it.each([
    'team/stag-hunt',
    'team/stag-hunt~swapped',
    'team/grid:st@S=8,T=13~neutral-jf',
    'team/grid:st@S=2,T=7~neutral-12',
    'biz/prison@x2~order-swapped',
  ])('writes the labels %s shows, and they parse back at the model probability', (name) => {
    const scenario = resolveScenario(catalogue, name);
    const { envelope, probability } = call(name, cfg);
    const shown = new Set(envelope.samples.map((s) => s.text));
    expect([...shown].sort()).toEqual([...(scenario.labels?.options ?? ['C', 'D'])].sort());
    const actions = envelope.samples
      .map((s) => parseScenarioAnswer(s.text, scenario))
      .map((p) => (p.ok ? p.action : 'failed'));
    const share = actions.filter((a) => a === 'C').length / actions.length;
    expect(probability).toBeCloseTo(
      cooperationProbability(playerParameters(cfg.player), choiceCovariates(scenario, catalogue)!),
      12,
    );
    // Within 4.5 standard errors of the model's probability (4000 answers).
    expect(Math.abs(share - probability)).toBeLessThan(4.5 * Math.sqrt((probability * (1 - probability)) / 4000));
  });

  it('cooperates more where its letter bias points at cooperation', () => {
    const paper = call('team/stag-hunt', cfg).probability;
    const swapped = call('team/stag-hunt~swapped', cfg).probability;
    const neutral = call('team/stag-hunt~neutral-jf', cfg).probability;
    expect(paper).toBeGreaterThan(neutral);
    expect(neutral).toBeGreaterThan(swapped);
  });

  it('is reproducible from seed, model and repeat, and differs between them', () => {
    const texts = (c = cfg, model = 'student [simulated]', repeat = 0) =>
      call('team/snowdrift~swapped', c, model, repeat)
        .envelope.samples.map((s) => s.text)
        .join('');
    expect(texts()).toBe(texts());
    expect(texts()).not.toBe(texts(cfg, 'teacher [simulated]'));
    expect(texts()).not.toBe(texts(cfg, 'student [simulated]', 1));
    expect(texts()).not.toBe(texts(config(cfg.player, { seed: 4 })));
  });

  it('writes unreadable answers at its rate, and they parse as failures, never as a choice', () => {
    const noisy = config({ incentiveSensitivity: 0.5, unparseableRate: 0.2 });
    const scenario = resolveScenario(catalogue, 'team/stag-hunt~neutral-12');
    const parses = call('team/stag-hunt~neutral-12', noisy).envelope.samples.map((s) => ({
      text: s.text,
      parse: parseScenarioAnswer(s.text, scenario),
    }));
    const failed = parses.filter((p) => !p.parse.ok);
    expect(failed.length / parses.length).toBeGreaterThan(0.17);
    expect(failed.length / parses.length).toBeLessThan(0.23);
    expect(failed.every((p) => p.text === UNREADABLE_ANSWER)).toBe(true);
  });

  it('refuses games it cannot play and configs with unknown keys', () => {
    expect(
      simulateCall(resolveScenario(catalogue, 'team/public-goods'), catalogue, cfg, {
        model: 'x',
        split: undefined,
        repeatIndex: 0,
      }),
    ).toMatch(/two-option \(2x2\) games only/);
    expect(() => parseSimulatedConfig({ player: { labelBais: 1 } }, 'p')).toThrowError(
      /providers\[p\]\.config: player: unknown key\(s\) labelBais/,
    );
    expect(() => parseSimulatedConfig({ samples: 2 }, 'p')).toThrowError(/player: .*expected object/i);
  });
});

describe('simulated provider (promptfoo adapter)', () => {
  const provider = (label: string | undefined, player: Record<string, unknown> = { incentiveSensitivity: 0.5 }) => {
    const p = new SimulatedProvider({
      id: 'file://providers/simulated.ts',
      config: { role: 'teacher', samples: 5, player },
    });
    if (label !== undefined) p.label = label;
    return p;
  };

  it('answers with an envelope and carries its parameters in the metadata', async () => {
    const response = await provider('teacher sim [simulated]').callApi('', {
      vars: { scenario: 'team/grid:st@S=2,T=7~swapped', split: 'grid' },
      prompt: { raw: '', label: '' },
    } as never);
    expect(response.error).toBeUndefined();
    const read = readEnvelope(response.output as string);
    expect(read.kind === 'envelope' && read.envelope.model).toBe('teacher sim [simulated]');
    expect(response.metadata?.stratalign).toMatchObject({
      source: 'simulated',
      scenario: 'team/grid:st@S=2,T=7~swapped',
      simulated: { parameters: { incentiveIfC: 0.5, incentiveIfD: 0.5 } },
    });
    const rows = [{ provider: { id: 'x', label: 'teacher sim [simulated]' }, response }];
    expect(simulatedTruths(rows).get('teacher sim [simulated]')).toEqual({
      cooperationBias: 0,
      incentiveIfC: 0.5,
      incentiveIfD: 0.5,
      labelBias: 0,
      positionBias: 0,
    });
  });

  it('refuses to answer under a label that does not say [simulated]', async () => {
    const response = await provider('gpt-4o teacher').callApi('', {
      vars: { scenario: 'team/stag-hunt', split: 'x' },
      prompt: { raw: '', label: '' },
    } as never);
    expect(response.error).toMatch(/give this provider a label ending in \[simulated\] \(got "gpt-4o teacher"\)/);
    expect(response.output).toBeUndefined();
  });

  it('turns a bad config into an error on every row instead of a crash', async () => {
    const response = await provider('t [simulated]', { incentiveSensitivity: 'high' }).callApi('', {
      vars: { scenario: 'team/stag-hunt' },
      prompt: { raw: '', label: '' },
    } as never);
    expect(response.error).toMatch(/stratalign simulated: .*player\.incentiveSensitivity/);
  });
});
