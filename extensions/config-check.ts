// promptfoo beforeAll hook: stops a run whose config cannot work before any model is called, with
// one line per problem naming the config as given to -c, the key or path, and the fix.
import { stopOnConfigErrors } from '../src/eval/config/config-error.js';
import { configProblems } from '../src/eval/config/config-problems.js';
import type { SuiteLike } from '../src/eval/config/suite-check.js';

export async function beforeAll(context: { suite?: SuiteLike }): Promise<{ suite?: SuiteLike }> {
  stopOnConfigErrors(configProblems(context.suite));
  return context;
}
