import { defaultCatalogue } from '../../catalogue/index.js';
import { configErrorLine } from './config-error.js';
import { checkConfigKeys } from './config-keys.js';
import { configLocation, type ConfigLocation } from '../../shared/config-location.js';
import { checkSuite, type SuiteLike } from './suite-check.js';

/**
 * Everything wrong with the config a run was started with, one line each: keys promptfoo would
 * ignore, then problems of the loaded suite (see checkSuite). The beforeAll hook stops on these;
 * the summary hook reports them at the end for configs without the beforeAll hook.
 */
export function configProblems(suite: SuiteLike | undefined, location: ConfigLocation = configLocation()): string[] {
  const keys = checkConfigKeys(location).map((err) => configErrorLine(err, location));
  return [...keys, ...checkSuite(suite ?? {}, { location, catalogue: defaultCatalogue() })];
}
