// promptfoo prompt function: renders the scenario with the core renderer, as chat messages.
import { defaultCatalogue } from '../src/catalogue/index.js';
import { renderPrompt } from '../src/prompts/render.js';
import { resolveScenario } from '../src/scenarios/scenario.js';

type PromptContext = { vars: Record<string, unknown>; config?: { protocol?: unknown } };

/**
 * The protocol comes from the prompt entry's config (promptfoo passes providers to prompt
 * functions without their config), else from vars.protocol. Give each provider the prompt of its
 * protocol with the provider's `prompts:` list; providers that call models render the same text.
 */
export function scenarioPrompt({ vars, config }: PromptContext): string {
  const catalogue = defaultCatalogue();
  const protocol = config?.protocol ?? vars.protocol;
  if (typeof protocol !== 'string') {
    throw new Error('stratalign prompt: set `config: { protocol: reasoned | letter-only }` on the prompt entry, or vars.protocol');
  }
  const scenario = resolveScenario(catalogue, String(vars.scenario), { field: 'vars.scenario' });
  return JSON.stringify(renderPrompt(scenario, catalogue.protocol(protocol, { field: 'protocol' })).messages);
}
