import { StratalignError, type ErrorLocation } from '../../shared/errors.js';
import { checkSide } from './metric-side.js';
import { isMetricName, METRIC_NAMES, metricDefinition, thresholdRange, type MetricName } from './metrics.js';

/**
 * Which end of the 95 % interval a check reads. The decisions: 'within' (the default) passes only
 * when the interval lies on the passing side (lower end for a minimum, upper end for a maximum):
 * confidently within the threshold, so a model exactly at the threshold passes at most 2.5 % of
 * the time; 'not-outside' fails only when the interval lies on the failing side, so a model
 * exactly at the threshold fails at most 2.5 % of the time; 'point' reads the estimate, which a
 * model at the threshold passes about half the time. 'conservative' is the older name of
 * 'within'; 'lower' and 'upper' name an end directly.
 */
export type Bound = 'point' | 'lower' | 'upper' | 'conservative' | 'within' | 'not-outside';
export const BOUNDS: readonly Bound[] = ['within', 'not-outside', 'point', 'lower', 'upper', 'conservative'];
export const DEFAULT_BOUND: Bound = 'within';

/** A filter on report groups; '*' means "each one". Empty = the overall group. */
export type Scope = { split?: string; game?: string; context?: string; region?: string };

export type Check = {
  metric: MetricName;
  scope: Scope;
  /** Null: use the gate's default bound. */
  bound: Bound | null;
  min?: number;
  max?: number;
  /** Where the check was written, for messages: a flag or a gate-file entry. */
  origin: string;
  /** Added by the gate itself (e.g. provider errors on promptfoo results), not by the user. */
  implicit?: boolean;
  /** Doubts about a threshold that may still be meant (e.g. 0.4 for a percent metric); printed on stderr. */
  warnings?: string[];
};

const DIMENSIONS = ['split', 'game', 'context', 'region'] as const;

export const SCOPE_HELP =
  'write overall, or key=value pairs joined by commas with keys split, game, context, region, ' +
  'e.g. split=in-sample, split=in-sample,game=* (* = each) or region=stag-hunt';
export const FLAG_HELP =
  '<metric>[.<bound>][@<scope>]=<number>, e.g. paper-improvement@split=in-sample=40 or ' +
  'tv-distance.not-outside@game=*=0.2';

/** Reads `overall`, `split=in-sample`, `split=in-sample,game=*`. */
export function parseScope(text: string, where: ErrorLocation): Scope {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'overall') return {};
  const scope: Scope = {};
  for (const part of trimmed.split(',')) {
    const [key, value, extra] = part.split('=').map((s) => s.trim());
    if (extra !== undefined || !value || !(DIMENSIONS as readonly string[]).includes(key ?? '')) {
      throw new StratalignError({ ...where, value: text }, `cannot read scope part "${part}"`, SCOPE_HELP);
    }
    const dim = key as (typeof DIMENSIONS)[number];
    if (scope[dim] !== undefined)
      throw new StratalignError({ ...where, value: text }, `scope names ${dim} twice`, SCOPE_HELP);
    scope[dim] = value;
  }
  if (scope.game !== undefined && scope.context !== undefined) {
    throw new StratalignError(
      { ...where, value: text },
      'the report has no groups by game and context together (that is a single scenario)',
      'use game=... or context=..., each optionally with split=...',
    );
  }
  if (scope.region !== undefined && (scope.game !== undefined || scope.context !== undefined)) {
    throw new StratalignError(
      { ...where, value: text },
      'the report groups payoff regions within a split only, not by game or context as well',
      'use region=..., optionally with split=...',
    );
  }
  return scope;
}

export function formatScope(scope: Scope): string {
  const parts = DIMENSIONS.filter((d) => scope[d] !== undefined).map((d) => `${d}=${scope[d]}`);
  return parts.length ? parts.join(',') : 'overall';
}

export function parseMetric(name: string, where: ErrorLocation): MetricName {
  if (isMetricName(name)) return name;
  throw new StratalignError({ ...where, value: name }, 'unknown metric', `use one of ${METRIC_NAMES.join(', ')}`);
}

export function parseBound(text: string, where: ErrorLocation): Bound {
  if ((BOUNDS as readonly string[]).includes(text)) return text as Bound;
  throw new StratalignError({ ...where, value: text }, 'unknown bound', `use one of ${BOUNDS.join(', ')}`);
}

/** Closures in percent: 100 = the student where the teacher is, -100 = as far on the other side as the base. */
export const SANE_CLOSURE = { min: -100, max: 100 };

/**
 * Refuses a threshold outside what the metric can take (a distance of 3, a count of 1.5), a
 * percent that looks like a share (0.4 for 40 %), and a closure no student can sensibly be held
 * to (150, -500), each with the value to write instead. Returns no warning any more: a gate that
 * runs on a threshold the user did not mean passes or fails the wrong release.
 */
export function checkThreshold(metric: MetricName, threshold: number, where: ErrorLocation): string | null {
  const def = metricDefinition(metric);
  const range = thresholdRange(def);
  if (threshold < range.min || threshold > range.max || (range.whole && !Number.isInteger(threshold))) {
    throw new StratalignError(
      { ...where, value: threshold },
      `${metric} is ${range.text}`,
      `give a threshold in that range, in the unit the report shows (${def.unit})`,
    );
  }
  if (def.unit !== 'percent') return null;
  if (threshold !== 0 && Math.abs(threshold) < 1) {
    const asPercent = Number((threshold * 100).toPrecision(12));
    const problem = `${metric} is in percent, so ${threshold} would mean ${threshold} %, which looks like a share`;
    throw new StratalignError({ ...where, value: threshold }, problem, `write ${asPercent} for ${asPercent} %`);
  }
  if (def.kind === 'group' && !def.range && (threshold < SANE_CLOSURE.min || threshold > SANE_CLOSURE.max)) {
    const fix =
      threshold > SANE_CLOSURE.max
        ? `write at most ${SANE_CLOSURE.max} (${SANE_CLOSURE.max} asks for the teacher's level; ` +
          'more asks the student to overshoot it)'
        : `write at least ${SANE_CLOSURE.min} (0 = no closer to the teacher than the base; ` +
          `${SANE_CLOSURE.min} = moved away from the teacher by a whole base-teacher gap)`;
    throw new StratalignError(
      { ...where, value: threshold },
      `${metric} thresholds lie between ${SANE_CLOSURE.min} and ${SANE_CLOSURE.max} (percent of the base-teacher gap)`,
      fix,
    );
  }
  return null;
}

/** Reads a `--min`/`--max` value: `<metric>[.<bound>][@<scope>]=<number>`. */
export function parseCheckFlag(flag: '--min' | '--max', text: string): Check {
  const where = { field: flag };
  const eq = text.lastIndexOf('=');
  const left = eq < 0 ? '' : text.slice(0, eq);
  const threshold = eq < 0 ? Number.NaN : Number(text.slice(eq + 1).trim());
  if (!left || text.slice(eq + 1).trim() === '' || !Number.isFinite(threshold)) {
    throw new StratalignError(
      { ...where, value: text },
      'expected a metric and a number',
      `write ${flag} ${FLAG_HELP}`,
    );
  }
  const at = left.indexOf('@');
  const head = at < 0 ? left : left.slice(0, at);
  const scope = at < 0 ? {} : parseScope(left.slice(at + 1), where);
  const [metricText, boundText, extra] = head.trim().split('.');
  if (extra !== undefined)
    throw new StratalignError(
      { ...where, value: text },
      'too many dots before the scope',
      `write ${flag} ${FLAG_HELP}`,
    );
  const check: Check = {
    metric: parseMetric(metricText ?? '', where),
    scope,
    bound: boundText === undefined ? null : parseBound(boundText, where),
    origin: `${flag} ${text}`,
  };
  checkSide(check.metric, flag === '--min' ? 'min' : 'max', threshold, { field: `${flag} ${text}` });
  const warning = checkThreshold(check.metric, threshold, { field: `${flag} ${text}` });
  if (warning) check.warnings = [warning];
  if (flag === '--min') check.min = threshold;
  else check.max = threshold;
  return check;
}
