import type { Catalogue } from '../../src/catalogue/catalogue.js';
import { planTests } from '../../src/catalogue/scenarios/test-plan.js';
import { resolveScenario } from '../../src/catalogue/scenarios/scenario.js';
import { parseSimulatedConfig } from '../../src/sources/simulated/simulated-config.js';
import { simulateCall } from '../../src/sources/simulated/simulated-player.js';

export type SimulatedProviderSpec = { label: string; config: Record<string, unknown> };

/**
 * promptfoo result rows (the fields `stratalign convert` reads) of simulated providers over a test
 * plan, made in-process exactly as providers/simulated.ts answers: what the end-of-eval hook sees.
 */
export function simulatedRows(
  catalogue: Catalogue,
  plan: unknown,
  providers: readonly SimulatedProviderSpec[],
): unknown[] {
  const tests = planTests(plan, catalogue);
  return providers.flatMap((p, promptIdx) => {
    const config = parseSimulatedConfig(p.config, p.label);
    return tests.map((t, testIdx) => {
      const out = simulateCall(resolveScenario(catalogue, t.vars.scenario), catalogue, config, {
        model: p.label,
        split: t.vars.split,
        repeatIndex: 0,
      });
      if (typeof out === 'string') throw new Error(out);
      const metadata = {
        stratalign: {
          source: 'simulated',
          mode: 'simulated',
          model: p.label,
          role: config.role ?? null,
          scenario: t.vars.scenario,
          seed: config.seed,
          simulated: { parameters: out.parameters },
        },
      };
      return {
        provider: { id: 'file://providers/simulated.ts', label: p.label },
        vars: t.vars,
        testIdx,
        promptIdx,
        success: true,
        response: { output: JSON.stringify(out.envelope), metadata },
      };
    });
  });
}
