import jStat from 'jstat';
import {
  fitLogistic,
  identifiableColumns,
  looksSeparated,
  profileInterval,
  waldIntervals,
  type BinomialCell,
  type LogisticFit,
} from '../../stats/logistic-regression.js';
import type { ChoiceCell } from './choice-cells.js';
import {
  designRow,
  PARAMETER_LABELS,
  PARAMETER_NAMES,
  type ParameterName,
} from '../../catalogue/scenarios/choice-covariates.js';

export type FingerprintInterval = 'profile' | 'wald';

export type FingerprintParameter = {
  name: ParameterName;
  label: string;
  /** Null when the data cannot identify it (e.g. a label term with one labelling only). */
  estimate: number | null;
  low: number | null;
  high: number | null;
  /** Standard error from the inverse information (Wald); also used for student-teacher differences. */
  se: number | null;
  note?: string;
};

/**
 * A model's behavioural fingerprint: the choice model P(C) = logistic(bias + b1 (R - T) +
 * b2 (S - P) + label x + position y) fitted to its answers. A model that reads the payoffs has
 * clearly positive incentive terms; one that learned a letter has a label term far from 0.
 */
export type Fingerprint = {
  model: string;
  scenarios: number;
  answers: number;
  /** 'maximum likelihood', or Firth's penalised likelihood when the answers are separated (ML estimates infinite). */
  method: 'maximum likelihood' | 'Firth penalised likelihood (answers separated)';
  interval: 'profile likelihood' | 'profile penalised likelihood' | 'wald';
  level: number;
  parameters: FingerprintParameter[];
  /** Residual deviance against the saturated model, its df and p-value: does the model describe the answers? */
  fit: { deviance: number; df: number; pValue: number | null };
};

export type FingerprintSettings = { level: number; interval: FingerprintInterval };

/** Fits one model's cells; null when there are no 2x2 answers or too few scenarios to fit anything. */
export function fitFingerprint(
  model: string,
  cells: readonly ChoiceCell[],
  settings: FingerprintSettings,
): Fingerprint | null {
  const rows = cells.filter((c) => c.n > 0);
  if (rows.length < 2) return null;
  const full = rows.map((c) => {
    const d = designRow(c.covariates);
    return { x: PARAMETER_NAMES.map((p) => d[p]), k: c.k, n: c.n };
  });
  const keep = identifiableColumns(full);
  const columns = PARAMETER_NAMES.filter((_, j) => keep[j]);
  const data: BinomialCell[] = full.map((c) => ({ x: c.x.filter((_, j) => keep[j]), k: c.k, n: c.n }));
  let fit = fitLogistic(data);
  const separated = looksSeparated(data, fit);
  if (separated) fit = fitLogistic(data, { firth: true });
  const wald = waldIntervals(fit, settings.level);
  const parameters = PARAMETER_NAMES.map((name): FingerprintParameter => {
    const j = columns.indexOf(name);
    if (j < 0)
      return {
        name,
        label: PARAMETER_LABELS[name],
        estimate: null,
        low: null,
        high: null,
        se: null,
        note: notIdentified(name),
      };
    const se = wald ? wald.se[j]! : null;
    const interval =
      settings.interval === 'profile' || separated ? profileInterval(data, fit, j, settings.level) : wald?.intervals[j];
    return {
      name,
      label: PARAMETER_LABELS[name],
      estimate: fit.beta[j]!,
      low: finiteOrNull(interval?.low),
      high: finiteOrNull(interval?.high),
      se,
      ...(interval && !Number.isFinite(interval.low - interval.high) ? { note: 'interval open on one side' } : {}),
    };
  });
  const intervalKind =
    settings.interval === 'wald' && !separated
      ? 'wald'
      : separated
        ? 'profile penalised likelihood'
        : 'profile likelihood';
  return {
    model,
    scenarios: rows.length,
    answers: rows.reduce((a, c) => a + c.n, 0),
    method: separated ? 'Firth penalised likelihood (answers separated)' : 'maximum likelihood',
    interval: intervalKind,
    level: settings.level,
    parameters,
    fit: goodnessOfFit(data, fit, columns.length),
  };
}

function finiteOrNull(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : v;
}

function notIdentified(name: ParameterName): string {
  if (name === 'labelBias' || name === 'positionBias')
    return 'not identified: no label variant in the data separates it (add e.g. swapped, neutral-jf, order-swapped)';
  return 'not identified: it does not vary independently of the other terms in these scenarios';
}

/** Deviance of the fit against one probability per scenario; large values mean the choice model misses something. */
function goodnessOfFit(data: readonly BinomialCell[], fit: LogisticFit, parameters: number): Fingerprint['fit'] {
  let deviance = 0;
  data.forEach((c, i) => {
    const mu = fit.fitted[i]!;
    const term = (obs: number, exp: number) => (obs === 0 ? 0 : obs * Math.log(obs / exp));
    deviance += 2 * (term(c.k, c.n * mu) + term(c.n - c.k, c.n * (1 - mu)));
  });
  const df = data.length - parameters;
  return { deviance, df, pValue: df > 0 ? 1 - jStat.chisquare.cdf(deviance, df) : null };
}

export type ParameterDifference = {
  name: ParameterName;
  label: string;
  difference: number | null;
  low: number | null;
  high: number | null;
};

/** Student minus teacher per parameter, with a Wald interval from the two independent fits. */
export function compareFingerprints(student: Fingerprint, teacher: Fingerprint, level: number): ParameterDifference[] {
  const z = jStat.normal.inv(1 - (1 - level) / 2, 0, 1);
  return student.parameters.map((s) => {
    const t = teacher.parameters.find((p) => p.name === s.name)!;
    if (s.estimate === null || t.estimate === null || s.se === null || t.se === null)
      return { name: s.name, label: s.label, difference: null, low: null, high: null };
    const d = s.estimate - t.estimate;
    const se = Math.sqrt(s.se ** 2 + t.se ** 2);
    return { name: s.name, label: s.label, difference: d, low: d - z * se, high: d + z * se };
  });
}
