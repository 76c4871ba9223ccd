import type { Catalogue } from '../../catalogue/catalogue.js';
import { StratalignError } from '../../shared/errors.js';
import type { Tally } from '../types.js';
import { resolveScenario } from '../../catalogue/scenarios/scenario.js';
import { meanInterval, summariseCounts } from '../../stats/means.js';
import { wilsonInterval, type Interval } from '../../stats/proportion.js';
import { referenceFromTallies, type ReferenceSelector } from './read-reference.js';
import type { Reference, ReferenceEntry } from './reference.js';

/** 95 % interval of what the assertions compare: the cooperative option's share, or the mean amount. */
export type ReferenceInterval = Interval & { of: 'share' | 'mean'; action?: string };

/** A scenario of a built reference: the counts readReference reads, plus what a reader wants to see. */
export type BuiltReferenceEntry = ReferenceEntry & {
  split: string;
  /** Share of valid answers per action (counts / n). */
  proportions: Record<string, number>;
  interval: ReferenceInterval | null;
  /** Present when the scenario has fewer valid answers than the minimum and --allow-thin kept it. */
  thin?: true;
};

export type BuiltReference = Omit<Reference, 'scenarios' | 'source'> & {
  source: Reference['source'] & { sha256?: string };
  minValid: number;
  scenarios: Record<string, BuiltReferenceEntry>;
};

export type BuildReferenceOptions = {
  selector: ReferenceSelector;
  catalogue: Catalogue;
  /** The input file, as it should be recorded (relative to the repository where possible). */
  origin: string;
  /** How the reference was built, e.g. the command line; no timestamp, so rebuilding gives the same file. */
  built: string;
  /** sha256 of the input file, so a reader can tell which version of it the reference came from. */
  sha256?: string;
  minValid: number;
  allowThin: boolean;
};

/**
 * The reference choice distribution per scenario from one model's tallies. A scenario with fewer
 * valid answers than `minValid` is an error unless `allowThin`, in which case it is kept and
 * marked thin: a thin reference is never passed off as a full one.
 */
export function buildReference(tallies: readonly Tally[], options: BuildReferenceOptions): BuiltReference {
  const base = referenceFromTallies(tallies, options.selector, {
    origin: options.origin,
    catalogue: options.catalogue.version,
  });
  const splits = new Map(tallies.filter((t) => t.model === base.model).map((t) => [t.scenario, t.split]));
  const thin: string[] = [];
  const scenarios: Record<string, BuiltReferenceEntry> = {};
  for (const [id, entry] of Object.entries(base.scenarios)) {
    const space = resolveScenario(options.catalogue, id).game.actionSpace;
    const proportions = Object.fromEntries(
      Object.entries(entry.counts).map(([action, k]) => [action, entry.n === 0 ? 0 : k / entry.n]),
    );
    let interval: ReferenceInterval | null = null;
    if (entry.n > 0 && space.kind === 'choice') {
      interval = {
        of: 'share',
        action: space.cooperative,
        ...wilsonInterval(entry.counts[space.cooperative] ?? 0, entry.n),
      };
    } else if (entry.n > 0) {
      const values = Object.keys(entry.counts).map(Number);
      interval = { of: 'mean', ...meanInterval(summariseCounts(values, Object.values(entry.counts))) };
    }
    const built: BuiltReferenceEntry = {
      counts: entry.counts,
      n: entry.n,
      failures: entry.failures,
      split: splits.get(id) ?? '',
      proportions,
      interval,
    };
    // Expected counts of log-probability readings: the file says so, and readReference requires it for fractions.
    if (entry.readings) built.readings = entry.readings;
    if (entry.n < options.minValid) {
      thin.push(`${id} (${entry.n})`);
      built.thin = true;
    }
    scenarios[id] = built;
  }
  if (thin.length > 0 && !options.allowThin) {
    throw new StratalignError(
      { file: options.origin, value: thin.slice(0, 5).join(', ') },
      `${thin.length} scenario(s) of ${base.model} have fewer than ${options.minValid} valid answers: ` +
        `${thin.join(', ')}`,
      'collect more answers for them, lower --min-valid, or pass --allow-thin to keep them marked as thin',
    );
  }
  const source: BuiltReference['source'] = { ...base.source, built: options.built };
  if (options.sha256) source.sha256 = options.sha256;
  return { schema: base.schema, model: base.model, role: base.role, source, minValid: options.minValid, scenarios };
}

/** The reference file's text: stable key order and a trailing newline, so rebuilds diff cleanly. */
export function formatReference(reference: BuiltReference): string {
  return `${JSON.stringify(reference, null, 2)}\n`;
}
