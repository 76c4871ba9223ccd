import type { ProportionMethod } from '../stats/proportion.js';
import type { DifferenceTest } from '../stats/two-proportion.js';
import type { ProbesReport } from './probes/probes-report.js';
import type { Estimate } from './estimate.js';
import type { GroupKey } from './groups.js';
import type { SampleSource } from '../recordings/types.js';
import type { ReportParseQuality } from './parse-quality-section.js';

/**
 * Version of the JSON report; bump on any change that renames or re-means a field.
 * v2: basic instead of percentile bootstrap intervals; `failures` and `parseRate` null when the
 * data did not record parse failures; `Estimate.note`.
 * v3: the paper's metric on shares (`asPublished` on counts beside it); TV distances with
 * calibrated intervals and, for groups and numeric games, a median-unbiased value (`plugIn`
 * keeps the plug-in); `difference` per two-option scenario and (added later, optional) per
 * group of two-option scenarios; `settings.teacher`; hybrid share intervals by default.
 */
export const REPORT_SCHEMA = 'stratalign.report/v3';

export type { Estimate } from './estimate.js';

export type ReportSettings = {
  level: number;
  proportionInterval: ProportionMethod;
  bootstrap: { resamples: number; seed: string; method: string };
  /** Significance level of the gap and payoff-sensitivity tests (1 - level). */
  alpha: number;
  /**
   * 'estimated': the teacher's answers are a sample, and their noise is in every interval that
   * compares a model with the teacher (the default); 'exact': declared known without error.
   */
  teacher: 'estimated' | 'exact';
};

export type ModelRole = 'base' | 'student' | 'teacher';

export type ReportModel = {
  label: string;
  role: ModelRole;
  /** The role the data file gave the model, if any. */
  dataRole: string | null;
  sources: SampleSource[];
  /** Human label of where the numbers come from, e.g. 'recorded counts' or 'replayed'. */
  sourceLabel: string;
};

export type DistributionCell = {
  action: string;
  count: number;
  share: number | null;
  low: number | null;
  high: number | null;
};

export type ScenarioModel = {
  model: string;
  valid: number;
  /** Answers that could not be parsed; null when the data did not record parse failures. */
  failures: number | null;
  /** Share of the cooperative option, or mean cooperation on a 0..1 scale for numeric answers. */
  cooperation: Estimate | null;
  /** Numeric answers only: the mean answer (e.g. mean donation) with a t interval. */
  mean: Estimate | null;
  distribution: DistributionCell[];
  /** Distances to the teacher's distribution; null for the teacher and for missing data. */
  tv: Estimate | null;
  js: Estimate | null;
  /** Two-option games: P(cooperative) of the model minus the teacher's, with its score interval; null otherwise. */
  difference: Estimate | null;
};

export type ScenarioStudent = {
  model: string;
  /** The paper's formula on cooperative shares (mean answers for numeric games). */
  paperImprovement: number | null;
  /** The same formula on cooperative counts, as the paper published it; differs when sample sizes differ. */
  paperImprovementAsPublished: number | null;
  absoluteClosure: number | null;
};

export type ScenarioRow = {
  split: string;
  scenario: string;
  context: string;
  game: string;
  payoffScale: number;
  actionSpace: 'choice' | 'integer';
  models: ScenarioModel[];
  /** Is the base-teacher difference in cooperation significant? null when base or teacher has too few answers. */
  gap: { test: DifferenceTest; significant: boolean } | null;
  students: ScenarioStudent[];
};

/** `region` groups exist only in data with payoff-grid points (see groupKeys). */
export type { GroupKey } from './groups.js';
export type UnitRef = { split: string; scenario: string };

export type GroupModel = {
  model: string;
  /** Scenarios where this model and the teacher both have valid answers. */
  scenarios: number;
  valid: number;
  /** Null when some of the model's data in the group did not record parse failures. */
  failures: number | null;
  /** valid / (valid + failures); null when the failures are not recorded, so no rate is known. */
  parseRate: Estimate | null;
  /** Of `valid`, the answers the audited extractor read rather than the rules (0 without one). */
  extractorRead?: number;
  /** Share of received answers the rules read; null when failures are not recorded. */
  ruleReadRate?: Estimate | null;
  cooperation: Estimate | null;
  /** Mean over scenarios of the distance to the teacher; null for the teacher. */
  tv: Estimate | null;
  /**
   * Two-option games only: mean over scenarios of P(cooperative) minus the teacher's, with the
   * stratified score interval (a group of one scenario: that scenario's `difference`); null for
   * the teacher and for groups with numeric games.
   */
  difference?: Estimate | null;
  js: Estimate | null;
  /** Correlation across scenarios of this model's cooperation with the teacher's; null for the teacher. */
  profileCorrelation: Estimate | null;
  /** With label variants: largest difference in cooperation between two variants (0..1). See ProbesReport. */
  labelBias?: Estimate;
  /** With meaning-swapped variants: share of scenarios where the model keeps the letter, not the action (0..1). */
  followsLetter?: Estimate;
};

export type GroupStudent = {
  model: string;
  /** Scenarios where base, student and teacher all have valid answers. */
  scenarios: number;
  /**
   * The paper's metric on cooperative shares: `used` of `scenarios` enter the mean (the others
   * have a zero base-teacher gap). `asPublished`: the same on counts, as the paper computed it
   * (46.26 % in-sample on its data, against 46.65 % on shares); it differs whenever the models
   * have different numbers of answers, and then means little.
   */
  paperImprovement: {
    value: number | null;
    used: number;
    undefinedScenarios: UnitRef[];
    asPublished: { value: number | null; used: number };
  };
  pooledGapClosure: Estimate;
  absoluteGapClosure: Estimate;
  meanAbsoluteClosure: number | null;
};

/** A student's closure of the base-teacher gap in one group (the report's GroupStudent without its name). */
export type StudentFigures = Omit<GroupStudent, 'model'>;

/**
 * One model's figures in one group of scenarios: cooperation, parse quality, distances and
 * profile correlation to the teacher, label bias, and for a student its gap closure. The one
 * per-model type the end-of-eval summary, the report's tables, the verdict and the gate render
 * from, so none of them can compute a number of its own: buildReport joins them once and the
 * report carries them (`Report.figures`). The report JSON keeps its published shape (GroupRow's
 * `models` and `students`); these are the same objects' numbers joined per model.
 */
export type ModelFigures = Omit<GroupModel, 'model'> & {
  model: string;
  role: ModelRole;
  /** The role the data gave the model (e.g. 'fine-tuned'), if any. */
  dataRole: string | null;
  /** Where the numbers come from, e.g. 'replayed' or 'recorded counts'. */
  sourceLabel: string;
  /** The group's label (`overall`, `split=in-sample`, ...) and key. */
  group: string;
  key: GroupKey;
  /** Students only: their closure of the base-teacher gap; null for base and teacher. */
  student: StudentFigures | null;
};

export type GroupRow = {
  key: GroupKey;
  label: string;
  scenarios: number;
  nonSignificantGaps: UnitRef[];
  models: GroupModel[];
  students: GroupStudent[];
};

export type PayoffPair = {
  context: string;
  game: string;
  scenario: string;
  split: string;
  scaledScenario: string;
  scaledSplit: string;
  models: { model: string; share: number; scaledShare: number; test: DifferenceTest; significant: boolean }[];
};

export type PayoffSensitivity = {
  pairs: PayoffPair[];
  perModel: { model: string; pairs: number; changed: number }[];
};

export type Report = {
  schema: typeof REPORT_SCHEMA;
  tool: { name: 'stratalign'; catalogue: string };
  inputs: { file: string; kind: string }[];
  settings: ReportSettings;
  units: Record<string, string>;
  models: ReportModel[];
  definitions: Record<string, string>;
  scenarios: ScenarioRow[];
  groups: GroupRow[];
  payoffSensitivity: PayoffSensitivity | null;
  /** promptfoo rows that produced no answer; null when no promptfoo results were read. */
  lostAnswers: { providerErrors: number; missingSamples: number } | null;
  notes: string[];
  /** Label bias, fingerprints and grid maps; only when the data has label variants or grid points, or when asked. */
  probes?: ProbesReport;
  /**
   * Per model, answers read by the rules, by the extractor, and unread with their kinds; only where parse failures were
   * recorded.
   */
  parseQuality?: ReportParseQuality[];
  /**
   * Every model's figures in every group, in the groups' and models' order: what the summary, the
   * tables, the verdict and the gate read. In memory only: the JSON leaves them out (renderJson), as
   * `groups` holds the same numbers in the published shape.
   */
  figures: ModelFigures[];
};
