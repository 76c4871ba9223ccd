import { StratalignError } from '../errors.js';
import type { LostAnswers } from '../recordings/load-tallies.js';
import type { Estimate, GroupRow, Report } from '../report/types.js';
import { formatScope, type Bound, type Check, type Scope } from './checks.js';
import { metricDefinition, type MetricName, type MetricUnit } from './metrics.js';

export type CheckOutcome = {
  pass: boolean;
  metric: MetricName;
  unit: MetricUnit;
  /** Group label (`split=in-sample`) or `overall` for run-level metrics. */
  where: string;
  model: string | null;
  bound: Exclude<Bound, 'conservative'>;
  /** Why the bound differs from the one asked for, if it does. */
  boundNote: string | null;
  comparator: '>=' | '<=';
  threshold: number;
  /** The number compared with the threshold; null when it is undefined (which fails). */
  value: number | null;
  estimate: Estimate | null;
  detail: string | null;
  implicit: boolean;
  origin: string;
};

export type GateInput = { report: Report | null; lost: LostAnswers | null; defaultBound: Bound };

/**
 * Runs every check on every group and model it covers. A value that cannot be computed fails:
 * a gate must never pass on a number it could not see.
 */
export function evaluateChecks(checks: readonly Check[], input: GateInput): CheckOutcome[] {
  return checks.flatMap((check) => {
    const sides: { comparator: '>=' | '<='; threshold: number }[] = [];
    if (check.min !== undefined) sides.push({ comparator: '>=', threshold: check.min });
    if (check.max !== undefined) sides.push({ comparator: '<=', threshold: check.max });
    return sides.flatMap((side) => evaluateSide(check, side.comparator, side.threshold, input));
  });
}

/** Checks the gate adds by itself: lost answers of a promptfoo run fail it unless the user set their own limit. */
export function implicitChecks(explicit: readonly Check[], lost: LostAnswers | null): Check[] {
  if (!lost) return [];
  return (['provider-errors', 'missing-samples'] as const)
    .filter((metric) => !explicit.some((c) => c.metric === metric))
    .map((metric) => ({ metric, scope: {}, bound: null, max: 0, origin: 'default for promptfoo results', implicit: true }));
}

function evaluateSide(check: Check, comparator: '>=' | '<=', threshold: number, input: GateInput): CheckOutcome[] {
  const def = metricDefinition(check.metric);
  const base = { metric: check.metric, unit: def.unit, comparator, threshold, implicit: check.implicit ?? false, origin: check.origin };
  const { bound, boundNote } = resolveBound(check, comparator, def.hasInterval, input.defaultBound);
  const decide = (value: number | null) => value !== null && (comparator === '>=' ? value >= threshold : value <= threshold);

  if (def.kind === 'run') {
    if (formatScope(check.scope) !== 'overall') {
      throw new StratalignError({ field: check.origin, value: formatScope(check.scope) }, `${check.metric} is counted over the whole run`, 'drop the scope (it is always overall)');
    }
    const value = input.lost ? input.lost[def.field] : 0;
    const example = input.lost?.examples[0];
    const detail = !input.lost ? 'no promptfoo results among the inputs' : def.field === 'providerErrors' && example ? `first: row ${example.row}, ${example.provider}${example.scenario ? `, ${example.scenario}` : ''}: ${example.error}` : null;
    return [{ ...base, pass: decide(value), where: 'overall', model: null, bound, boundNote, value, estimate: null, detail }];
  }

  if (!input.report) throw new Error('group metrics need a report');
  const report = input.report;
  const groups = matchGroups(report, check.scope, check.origin);
  const models = report.models.filter((m) => (def.models === 'all' ? true : m.role === 'student')).map((m) => m.label);
  return groups.flatMap((group) =>
    models.map((model) => {
      const estimate = def.read(group, model);
      const value = estimate === null ? null : bound === 'point' ? estimate.value : bound === 'lower' ? estimate.low : estimate.high;
      const detail = value !== null ? null : estimate?.value === null || estimate === null ? 'undefined for this group' : 'no interval could be computed';
      return { ...base, pass: decide(value), where: group.label, model, bound, boundNote, value, estimate, detail };
    }),
  );
}

function resolveBound(check: Check, comparator: '>=' | '<=', hasInterval: boolean, fallback: Bound): { bound: Exclude<Bound, 'conservative'>; boundNote: string | null } {
  const asked = check.bound ?? fallback;
  const bound = asked === 'conservative' ? (comparator === '>=' ? 'lower' : 'upper') : asked;
  if (bound === 'point' || hasInterval) return { bound, boundNote: null };
  if (check.bound !== null) {
    throw new StratalignError({ field: check.origin, value: check.bound }, `${check.metric} has no confidence interval`, 'check it on the point estimate (bound point)');
  }
  return { bound: 'point', boundNote: `${check.metric} has no interval` };
}

/** Groups a scope selects: the same dimensions (split implied for game and context), values equal or '*'. */
export function matchGroups(report: Report, scope: Scope, origin: string): GroupRow[] {
  const wanted = new Set(Object.keys(scope));
  if (scope.game !== undefined || scope.context !== undefined) wanted.add('split');
  const matches = report.groups.filter((g) => {
    const keys = Object.keys(g.key);
    if (keys.length !== wanted.size || !keys.every((k) => wanted.has(k))) return false;
    return (Object.entries(scope) as [keyof Scope, string][]).every(([k, v]) => v === '*' || g.key[k] === v);
  });
  if (matches.length === 0) {
    const known = (dim: keyof Scope) => [...new Set(report.groups.map((g) => g.key[dim]).filter((v) => v !== undefined))].join(', ');
    throw new StratalignError(
      { field: origin, value: formatScope(scope) },
      'no group of the report matches this scope',
      `use values present in the data: split ${known('split')}; game ${known('game')}; context ${known('context')}`,
    );
  }
  return matches;
}
