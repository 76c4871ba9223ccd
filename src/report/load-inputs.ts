import { resolve } from 'node:path';
import type { Catalogue } from '../catalogue/catalogue.js';
import { loadTallies, type LostAnswers } from '../recordings/load-tallies.js';
import type { Tally } from '../recordings/types.js';
import type { ReportInput } from './build-report.js';

export type LoadedInputs = ReportInput & {
  /** Provider errors and missing samples summed over the promptfoo files; null when none was read. */
  lost: LostAnswers | null;
};

/**
 * Loads every answers file named on the command line (paths relative to `cwd`) into one list of
 * tallies, so e.g. a recorded teacher and a freshly evaluated student can be reported together.
 */
export async function loadInputs(files: readonly string[], catalogue: Catalogue, cwd: string): Promise<LoadedInputs> {
  const tallies: Tally[] = [];
  const inputs: ReportInput['inputs'] = [];
  let lost: LostAnswers | null = null;
  for (const file of files) {
    const loaded = await loadTallies(resolve(cwd, file), catalogue);
    tallies.push(...loaded.tallies);
    inputs.push({ file, kind: loaded.kind });
    if (loaded.lost) {
      lost ??= { providerErrors: 0, missingSamples: 0, examples: [] };
      lost.providerErrors += loaded.lost.providerErrors;
      lost.missingSamples += loaded.lost.missingSamples;
      lost.errorRowAnswers = (lost.errorRowAnswers ?? 0) + (loaded.lost.errorRowAnswers ?? 0);
      lost.examples.push(...loaded.lost.examples);
    }
  }
  return { tallies, inputs, lost };
}
