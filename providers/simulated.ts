// A parametric simulated player for promptfoo: answers drawn from a choice model with known
// parameters, so probes can be checked offline against the truth. No model is ever called; every
// output says SIMULATED and the provider's label must end in [simulated].
import type { ApiProvider, CallApiContextParams, ProviderOptions, ProviderResponse } from 'promptfoo';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { isStratalignError } from '../src/shared/errors.js';
import { formatEnvelope } from '../src/answers/samples/envelope.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { parseSimulatedConfig, type SimulatedConfig } from '../src/sources/simulated/simulated-config.js';
import { simulateCall } from '../src/sources/simulated/simulated-player.js';

const LABEL_MARK = /\[simulated\]\s*$/;

export default class SimulatedProvider implements ApiProvider {
  readonly config: SimulatedConfig | undefined;
  label?: string;
  private readonly providerId: string;
  private readonly configError?: string;

  constructor(options: ProviderOptions) {
    this.providerId = options.id ?? 'stratalign:simulated';
    try {
      this.config = parseSimulatedConfig(options.config, `simulated ${String(options.config?.role ?? options.id)}`);
    } catch (err) {
      if (!isStratalignError(err)) throw err;
      // Said once, clearly; every row of this provider then fails instead of promptfoo crashing.
      this.configError = `stratalign simulated: ${err.message}`;
      process.stderr.write(`${this.configError}\n`);
    }
  }

  id(): string {
    return this.providerId;
  }

  async callApi(_prompt: string, context?: CallApiContextParams): Promise<ProviderResponse> {
    if (!this.config) return { error: this.configError };
    // A simulated column must never pass for a model: its name says what it is.
    if (!this.label || !LABEL_MARK.test(this.label)) {
      const got = JSON.stringify(this.label ?? null);
      return { error: `stratalign simulated: give this provider a label ending in [simulated] (got ${got})` };
    }
    try {
      const catalogue = defaultCatalogue();
      const name = context?.vars?.scenario;
      if (typeof name !== 'string')
        return {
          error:
            'stratalign simulated: the test has no `scenario` var; generate tests with extensions/scenario-tests.ts',
        };
      const scenario = resolveScenario(catalogue, name, { field: 'vars.scenario' });
      const split = typeof context?.vars?.split === 'string' ? context.vars.split : undefined;
      const call = simulateCall(scenario, catalogue, this.config, {
        model: this.label,
        split,
        repeatIndex: context?.repeatIndex ?? 0,
      });
      if (typeof call === 'string') return { error: `stratalign simulated: ${call}` };
      const { envelope, probability, parameters } = call;
      return {
        output: formatEnvelope(envelope),
        tokenUsage: { prompt: 0, completion: 0, total: 0, numRequests: 0 },
        cost: 0,
        metadata: {
          stratalign: {
            source: 'simulated',
            mode: 'simulated',
            model: this.label,
            role: this.config.role ?? null,
            scenario: scenario.id,
            ...(split ? { split } : {}),
            seed: this.config.seed,
            ...(this.config.protocol ? { protocol: this.config.protocol } : {}),
            simulated: { parameters, unparseableRate: this.config.player.unparseableRate, probability },
          },
        },
      };
    } catch (err) {
      if (isStratalignError(err)) return { error: `stratalign simulated: ${err.message}` };
      throw err;
    }
  }
}
