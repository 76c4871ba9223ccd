// promptfoo prompt function: renders the scenario with the core renderer, as chat messages.
import { defaultCatalogue } from '../src/catalogue/index.js';
import { isStratalignError, StratalignError } from '../src/shared/errors.js';
import { configErrorLine } from '../src/eval/config/config-error.js';
import { renderPrompt } from '../src/catalogue/prompts/render.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';

type PromptContext = { vars: Record<string, unknown>; config?: { protocol?: unknown } };

/**
 * The protocol comes from the prompt entry's config (promptfoo passes providers to prompt
 * functions without their config), else from vars.protocol. Give each provider the prompt of its
 * protocol with the provider's `prompts:` list; providers that call models render the same text.
 */
export function scenarioPrompt({ vars, config }: PromptContext): string {
  try {
    const catalogue = defaultCatalogue();
    const protocol = config?.protocol ?? vars.protocol;
    if (typeof protocol !== 'string') {
      throw new StratalignError(
        { field: 'prompts[scenarioPrompt].config.protocol' },
        'the scenario prompt has no protocol',
        'set `config: { protocol: reasoned | letter-only }` on the prompt entry, or vars.protocol',
      );
    }
    const scenario = resolveScenario(catalogue, String(vars.scenario), { field: 'vars.scenario' });
    return JSON.stringify(renderPrompt(scenario, catalogue.protocol(protocol, { field: 'protocol' })).messages);
  } catch (err) {
    if (!isStratalignError(err)) throw err;
    // promptfoo stores a prompt function's error with its stack in every row; one line is what matters.
    const oneLine = new Error(configErrorLine(err));
    oneLine.stack = oneLine.message;
    throw oneLine;
  }
}
