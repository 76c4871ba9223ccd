import { StratalignError } from '../../shared/errors.js';
import type { LostAnswers } from '../../recordings/load-tallies.js';
import type { Estimate, GroupRow, Report } from '../types.js';
import { formatScope, type Bound, type Check, type Scope } from './checks.js';
import { metricDefinition, type MetricName, type MetricUnit } from './metrics.js';

export type CheckOutcome = {
  pass: boolean;
  metric: MetricName;
  unit: MetricUnit;
  /** Group label (`split=in-sample`) or `overall` for run-level metrics. */
  where: string;
  model: string | null;
  bound: 'point' | 'lower' | 'upper';
  /** The decision asked for ('conservative' reads as 'within'); what the line says about its error rate. */
  decision?: Exclude<Bound, 'conservative'>;
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

export type GateInput = {
  report: Report | null;
  /** Provider errors and missing samples over the promptfoo results among the inputs; null when there were none. */
  lost: LostAnswers | null;
  defaultBound: Bound;
  /** Inputs that are not promptfoo results, so hold no run-level counts (named in run-level outcomes). */
  withoutRunCounts?: readonly string[];
};

/** Why a run-level count is missing: only promptfoo results record provider errors and missing samples. */
export const RUN_COUNTS_NOT_RECORDED =
  'not recorded in this input: only promptfoo results record provider errors and missing samples';

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

/**
 * Checks the gate adds by itself: lost answers of a promptfoo run fail it unless the user set their
 * own limit. None without promptfoo results: those inputs cannot record lost answers, and a check
 * on a number that does not exist would fail every gate on a counts table or recording.
 */
export function implicitChecks(explicit: readonly Check[], lost: LostAnswers | null): Check[] {
  if (!lost) return [];
  return (['provider-errors', 'missing-samples'] as const)
    .filter((metric) => !explicit.some((c) => c.metric === metric))
    .map((metric) => ({
      metric,
      scope: {},
      bound: null,
      max: 0,
      origin: 'default for promptfoo results',
      implicit: true,
    }));
}

function evaluateSide(check: Check, comparator: '>=' | '<=', threshold: number, input: GateInput): CheckOutcome[] {
  const def = metricDefinition(check.metric);
  const base = {
    metric: check.metric,
    unit: def.unit,
    comparator,
    threshold,
    implicit: check.implicit ?? false,
    origin: check.origin,
  };
  const decided = (o: Omit<CheckOutcome, 'decision'>): CheckOutcome => (def.kind === 'run' ? o : { ...o, decision });
  // Run-level counts are counted, not estimated: no bound applies, and none is worth a note.
  const { bound, boundNote, decision } =
    def.kind === 'run' && check.bound === null
      ? { bound: 'point' as const, boundNote: null, decision: 'point' as const }
      : resolveBound(check, comparator, def.hasInterval, input.defaultBound);
  const decide = (value: number | null) =>
    value !== null && (comparator === '>=' ? value >= threshold : value <= threshold);

  if (def.kind === 'run') {
    if (formatScope(check.scope) !== 'overall') {
      throw new StratalignError(
        { field: check.origin, value: formatScope(check.scope) },
        `${check.metric} is counted over the whole run`,
        'drop the scope (it is always overall)',
      );
    }
    if (!input.lost)
      return [
        decided({
          ...base,
          pass: false,
          where: 'overall',
          model: null,
          bound,
          boundNote,
          value: null,
          estimate: null,
          detail: RUN_COUNTS_NOT_RECORDED,
        }),
      ];
    const value = input.lost[def.field];
    const example = input.lost.examples[0];
    const details: string[] = [];
    if (def.field === 'providerErrors' && example)
      details.push(
        `first: row ${example.row}, ${example.provider}${example.scenario ? `, ${example.scenario}` : ''}: ` +
          `${example.error}`,
      );
    if (input.withoutRunCounts?.length)
      details.push(`counted over the promptfoo results only, not ${input.withoutRunCounts.join(', ')}`);
    return [
      decided({
        ...base,
        pass: decide(value),
        where: 'overall',
        model: null,
        bound,
        boundNote,
        value,
        estimate: null,
        detail: details.length ? details.join('; ') : null,
      }),
    ];
  }

  if (!input.report) throw new Error('group metrics need a report');
  const report = input.report;
  const groups = matchGroups(report, check.scope, check.origin);
  const models = report.models.filter((m) => (def.models === 'all' ? true : m.role === 'student')).map((m) => m.label);
  return groups.flatMap((group) => {
    // The report carries every model's figures (buildReport joined them once): the gate reads, never recomputes.
    const figures = report.figures.filter((f) => f.group === group.label);
    return models.map((model) => {
      const mine = figures.find((f) => f.model === model);
      const estimate = def.read(mine);
      const value =
        estimate === null
          ? null
          : bound === 'point'
            ? estimate.value
            : bound === 'lower'
              ? estimate.low
              : estimate.high;
      const missing =
        estimate === null || estimate.value === null
          ? 'undefined for this group'
          : (estimate.note ?? 'no interval could be computed');
      // A note on a defined bound (e.g. a zero-width interval) is shown too: the line must not look more certain than
      // the report.
      const detail =
        value !== null ? (bound === 'point' ? null : (estimate?.note ?? null)) : (def.missing?.(mine) ?? missing);
      return decided({
        ...base,
        pass: decide(value),
        where: group.label,
        model,
        bound,
        boundNote,
        value,
        estimate,
        detail,
      });
    });
  });
}

function resolveBound(
  check: Check,
  comparator: '>=' | '<=',
  hasInterval: boolean,
  fallback: Bound,
): { bound: CheckOutcome['bound']; boundNote: string | null; decision: Exclude<Bound, 'conservative'> } {
  const asked = check.bound ?? fallback;
  const decision = asked === 'conservative' ? 'within' : asked;
  // Within: the end on the passing side must pass; not-outside: the end on the failing side.
  const passing = comparator === '>=' ? 'lower' : 'upper';
  const failing = comparator === '>=' ? 'upper' : 'lower';
  const bound = decision === 'within' ? passing : decision === 'not-outside' ? failing : decision;
  if (bound === 'point' || hasInterval) return { bound, boundNote: null, decision };
  if (check.bound !== null) {
    throw new StratalignError(
      { field: check.origin, value: check.bound },
      `${check.metric} has no confidence interval`,
      'check it on the point estimate (bound point)',
    );
  }
  return { bound: 'point', boundNote: `${check.metric} has no interval`, decision: 'point' };
}

/** Groups a scope selects: the same dimensions (split implied for game and context), values equal or '*'. */
export function matchGroups(report: Report, scope: Scope, origin: string): GroupRow[] {
  const wanted = new Set(Object.keys(scope));
  if (scope.game !== undefined || scope.context !== undefined || scope.region !== undefined) wanted.add('split');
  const matches = report.groups.filter((g) => {
    const keys = Object.keys(g.key);
    if (keys.length !== wanted.size || !keys.every((k) => wanted.has(k))) return false;
    return (Object.entries(scope) as [keyof Scope, string][]).every(([k, v]) => v === '*' || g.key[k] === v);
  });
  if (matches.length === 0) {
    const known = (dim: keyof Scope) =>
      [...new Set(report.groups.map((g) => g.key[dim]).filter((v) => v !== undefined))].join(', ');
    throw new StratalignError(
      { field: origin, value: formatScope(scope) },
      'no group of the report matches this scope',
      `use values present in the data: split ${known('split')}; game ${known('game')}; context ${known('context')}` +
        regionHint(report, known('region')),
    );
  }
  return matches;
}

/** Regions exist only in reports of payoff-grid data; say so rather than list nothing. */
function regionHint(report: Report, regions: string): string {
  if (regions) return `; region ${regions}`;
  if (!report.scenarios.length) return '';
  return '; region groups exist only in data with payoff-grid points (scenario ids like business/grid:st@S=2,T=7)';
}
