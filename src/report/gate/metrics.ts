import type { ModelFigures } from '../types.js';
import type { Estimate } from '../types.js';

/** How a metric's numbers are read and written: thresholds use the same unit as the report shows. */
export type MetricUnit = 'percent' | 'distance' | 'correlation' | 'count';

type GroupMetric = {
  kind: 'group';
  unit: MetricUnit;
  /** Thresholds outside this cannot mean anything (e.g. a parse rate above 100 %); the unit's range otherwise. */
  range?: { min: number; max: number };
  /** Which models the check runs on in each group. */
  models: 'students' | 'all';
  hasInterval: boolean;
  description: string;
  /** The number from the model's figures in the group (the summary and the report show the same); null if absent. */
  read(figures: ModelFigures | undefined): Estimate | null;
  /** Why `read` gives nothing when the data cannot hold the number at all, e.g. unrecorded parse failures. */
  missing?(figures: ModelFigures | undefined): string | null;
};

type RunMetric = {
  kind: 'run';
  unit: 'count';
  hasInterval: false;
  description: string;
  field: 'providerErrors' | 'missingSamples';
};

export type MetricDefinition = GroupMetric | RunMetric;

const asPercent = (e: Estimate | undefined | null): Estimate | null =>
  e
    ? {
        ...e,
        value: e.value === null ? null : 100 * e.value,
        low: e.low === null ? null : 100 * e.low,
        high: e.high === null ? null : 100 * e.high,
      }
    : null;

/** Every metric a gate can check, by the name used in flags and gate files. */
export const METRICS = {
  'paper-improvement': {
    kind: 'group',
    unit: 'percent',
    models: 'students',
    hasInterval: false,
    description: "the paper's mean improvement on cooperation shares (no interval)",
    read: (f) => {
      const s = f?.student;
      return s ? { value: s.paperImprovement.value, low: null, high: null, method: 'none' } : null;
    },
  },
  'paper-improvement-published': {
    kind: 'group',
    unit: 'percent',
    models: 'students',
    hasInterval: false,
    description:
      "the paper's mean improvement on counts, as published (no interval; means little when sample sizes differ)",
    read: (f) => {
      const s = f?.student;
      return s ? { value: s.paperImprovement.asPublished.value, low: null, high: null, method: 'none' } : null;
    },
  },
  'pooled-gap-closure': {
    kind: 'group',
    unit: 'percent',
    models: 'students',
    hasInterval: true,
    description: 'pooled gap closure',
    read: (f) => f?.student?.pooledGapClosure ?? null,
  },
  'absolute-gap-closure': {
    kind: 'group',
    unit: 'percent',
    models: 'students',
    hasInterval: true,
    description: 'pooled absolute-gap closure',
    read: (f) => f?.student?.absoluteGapClosure ?? null,
  },
  'tv-distance': {
    kind: 'group',
    unit: 'distance',
    models: 'students',
    hasInterval: true,
    description: 'mean total variation distance to the teacher',
    read: (f) => f?.tv ?? null,
  },
  'js-distance': {
    kind: 'group',
    unit: 'distance',
    models: 'students',
    hasInterval: true,
    description: 'mean Jensen-Shannon distance (bits) to the teacher',
    read: (f) => f?.js ?? null,
  },
  'profile-correlation': {
    kind: 'group',
    unit: 'correlation',
    models: 'students',
    hasInterval: true,
    description: "correlation of cooperation across scenarios with the teacher's",
    read: (f) => f?.profileCorrelation ?? null,
  },
  'parse-rate': {
    kind: 'group',
    unit: 'percent',
    models: 'all',
    hasInterval: true,
    range: { min: 0, max: 100 },
    description: 'share of answers that could be parsed',
    read: (f) => asPercent(f?.parseRate),
    missing: (f) => (f?.parseRate === null ? 'not recorded in this input: the data has no parse-failure counts' : null),
  },
  'rule-read-rate': {
    kind: 'group',
    unit: 'percent',
    models: 'all',
    hasInterval: true,
    range: { min: 0, max: 100 },
    description: "share of answers the parser's rules read (answers read by the audited extractor do not count)",
    read: (f) => asPercent(f?.ruleReadRate),
    missing: (f) => (f && !f.ruleReadRate ? 'not recorded in this input: the data has no parse-failure counts' : null),
  },
  'label-bias': {
    kind: 'group',
    unit: 'distance',
    models: 'students',
    hasInterval: true,
    description: 'largest difference in cooperation between two label variants (0..1)',
    read: (f) => f?.labelBias ?? null,
    missing: (f) =>
      f && f.labelBias === undefined
        ? 'no label variants to compare in this group (the data needs scenarios under two or more variants)'
        : null,
  },
  'follows-letter': {
    kind: 'group',
    unit: 'percent',
    models: 'students',
    hasInterval: true,
    range: { min: 0, max: 100 },
    description: 'share of scenarios where the choice keeps the letter, not the action, when letters swap meaning',
    read: (f) => asPercent(f?.followsLetter),
    missing: (f) =>
      f && f.followsLetter === undefined
        ? 'no meaning-swapped label variants in this group (e.g. paper and swapped)'
        : null,
  },
  'provider-errors': {
    kind: 'run',
    unit: 'count',
    hasInterval: false,
    description: 'promptfoo rows that ended in an error instead of an answer',
    field: 'providerErrors',
  },
  'missing-samples': {
    kind: 'run',
    unit: 'count',
    hasInterval: false,
    description: 'answers a provider was asked for but did not deliver, every answer of an error row included',
    field: 'missingSamples',
  },
} satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;

export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

export function metricDefinition(name: MetricName): MetricDefinition {
  return METRICS[name];
}

export type ThresholdRange = { min: number; max: number; whole: boolean; text: string };

/** Where a threshold of each unit can lie; percent metrics (closures) are unbounded ratios. */
const UNIT_RANGES: Record<MetricUnit, ThresholdRange> = {
  percent: { min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY, whole: false, text: 'a percentage' },
  distance: { min: 0, max: 1, whole: false, text: 'a distance between 0 and 1' },
  correlation: { min: -1, max: 1, whole: false, text: 'a correlation between -1 and 1' },
  count: { min: 0, max: Number.POSITIVE_INFINITY, whole: true, text: 'a count, a whole number 0 or more' },
};

/** The thresholds a metric can meaningfully be compared with. */
export function thresholdRange(def: MetricDefinition): ThresholdRange {
  if (def.kind === 'group' && def.range)
    return { ...def.range, whole: false, text: `a percentage between ${def.range.min} and ${def.range.max}` };
  return UNIT_RANGES[def.unit];
}
