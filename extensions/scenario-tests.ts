// promptfoo test generator: one test per scenario of the declared splits.
import type { TestCase } from 'promptfoo';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { planTests } from '../src/scenarios/test-plan.js';

export async function scenarioTests(config?: unknown): Promise<TestCase[]> {
  return planTests(config, defaultCatalogue());
}
