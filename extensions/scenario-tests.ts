// promptfoo test generator: one test per scenario of the declared splits.
import type { TestCase } from 'promptfoo';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { isStratalignError } from '../src/shared/errors.js';
import { configErrorLine, isPromptfooCli, stopOnConfigErrors } from '../src/eval/config/config-error.js';
import { configLocation } from '../src/shared/config-location.js';
import { planTests } from '../src/catalogue/scenarios/test-plan.js';

export async function scenarioTests(config?: unknown): Promise<TestCase[]> {
  try {
    return planTests(config, defaultCatalogue(), configLocation().file);
  } catch (err) {
    // promptfoo would print a thrown error with a Node stack trace around the one line that matters.
    if (isStratalignError(err) && isPromptfooCli()) stopOnConfigErrors([configErrorLine(err)]);
    throw err;
  }
}
