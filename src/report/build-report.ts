import type { Catalogue } from '../catalogue/catalogue.js';
import { StratalignError } from '../shared/errors.js';
import { failuresKnown, type Tally } from '../recordings/types.js';
import type { ProportionMethod } from '../stats/proportion.js';
import type { ChoiceParameters } from '../catalogue/scenarios/choice-covariates.js';
import { attachProbes } from './attach-probes.js';
import { groupRow, type StudiedUnit } from './group-stats.js';
import { groupKeys, inGroup } from './groups.js';
import type { DistanceSettings } from './distance-estimates.js';
import { DEFINITIONS, sourceLabel } from './labels.js';
import { readingCount, readingsNote, withReadings } from '../recordings/logprob-reading.js';
import { selectModels, type ModelChoice, type SelectedModels } from './model-selection.js';
import { payoffSensitivity } from './payoff-sensitivity.js';
import { reportParseQuality } from './parse-quality-section.js';
import { scenarioRow } from './scenario-stats.js';
import {
  REPORT_SCHEMA,
  type GroupRow,
  type GroupStudent,
  type ModelFigures,
  type Report,
  type ReportModel,
  type ReportSettings,
  type StudentFigures,
} from './types.js';
import { scenarioWork, type ScenarioUnit } from './unit-work.js';
import type { ResolvedScenarios } from '../catalogue/scenarios/resolved-scenarios.js';

export type ReportInput = {
  tallies: readonly Tally[];
  inputs: { file: string; kind: string }[];
  /** The tallies' scenarios, when whoever read the data already resolved them (the end-of-eval hook). */
  scenarios?: ResolvedScenarios;
  /** Answers a promptfoo run lost to provider errors; they are in no statistic, so the report says how many. */
  lost?: { providerErrors: number; missingSamples: number; errorRowAnswers?: number } | null;
};

export type ReportOptions = {
  models: ModelChoice;
  proportionInterval: ProportionMethod;
  resamples: number;
  seed: string;
  /**
   * Validity probes (label bias, fingerprint, grid maps): computed when the data has label variants
   * or payoff-grid points, or always with true; never with false.
   */
  probes?: boolean;
  /** Parameters of simulated players by model label, shown beside the probes' estimates. */
  simulatedTruths?: ReadonlyMap<string, ChoiceParameters>;
  /** Treat the teacher's answers as exact (a log-probability reference, a very large sample); default false. */
  teacherExact?: boolean;
};

/** Fewer resamples make bootstrap intervals that move visibly from seed to seed. */
export const MIN_RESAMPLES = 200;
export const LEVEL = 0.95;

/** Builds the versioned report every renderer and the gate work from. Pure apart from CPU time. */
export function buildReport(input: ReportInput, options: ReportOptions, catalogue: Catalogue): Report {
  const origin = input.inputs.map((i) => i.file).join(', ');
  if (!Number.isInteger(options.resamples) || options.resamples < MIN_RESAMPLES) {
    throw new StratalignError(
      { field: 'resamples', value: options.resamples },
      `need a whole number of bootstrap resamples, at least ${MIN_RESAMPLES}`,
      'use the default 2000 or more',
    );
  }
  const models = selectModels(input.tallies, options.models, origin);
  const ordered = [models.base, ...models.students, models.teacher];
  const settings: ReportSettings = {
    level: LEVEL,
    proportionInterval: options.proportionInterval,
    bootstrap: {
      resamples: options.resamples,
      seed: options.seed,
      method:
        "parametric multinomial; basic (reverse-percentile) intervals cut to each metric's range; profile " +
        'correlations: hull of basic and percentile',
    },
    alpha: 1 - LEVEL,
    teacher: options.teacherExact ? 'exact' : 'estimated',
  };
  const distance: DistanceSettings = {
    level: LEVEL,
    resamples: options.resamples,
    seed: options.seed,
    teacherExact: options.teacherExact === true,
  };
  const plan = { resamples: options.resamples, seed: options.seed, teacherExact: distance.teacherExact };
  const works = scenarioWork(input.tallies, models, catalogue, origin, plan, input.scenarios);
  const units = works.map((work) => work.unit);
  const studied: StudiedUnit[] = works.map((work) => ({ work, row: scenarioRow(work, models, settings, distance) }));
  const groups = groupKeys(units).map((key) =>
    groupRow(
      key,
      studied.filter((s) => inGroup(s.work.unit, key)),
      models,
      settings,
      distance,
    ),
  );
  const probes = attachProbes(groups, input.tallies, models, { ...options, level: LEVEL }, catalogue);
  const parseQuality = reportParseQuality(input.tallies, ordered);
  const described = reportModels(input.tallies, models);
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'stratalign', catalogue: catalogue.version },
    inputs: input.inputs,
    settings,
    units: {
      cooperation: 'share 0..1',
      closures: 'percent',
      distances: '0..1',
      correlation: '-1..1',
      parseRate: 'share 0..1',
    },
    models: described,
    definitions: DEFINITIONS,
    scenarios: studied.map((s) => s.row),
    groups,
    payoffSensitivity: payoffSensitivity(
      studied.map((s) => s.work),
      ordered,
      settings.alpha,
    ),
    lostAnswers: input.lost
      ? { providerErrors: input.lost.providerErrors, missingSamples: input.lost.missingSamples }
      : null,
    notes: [...lostNotes(input.lost ?? null), ...notesFor(units, models)],
    ...(probes ? { probes } : {}),
    ...(parseQuality ? { parseQuality } : {}),
    // After the probes: they add label bias to the groups' model rows.
    figures: groups.flatMap((g) => groupFigures(described, g)),
  };
}

/**
 * The figures of each of the report's models in one group: its row joined with its role and, for a student, closure.
 */
function groupFigures(models: readonly ReportModel[], group: GroupRow): ModelFigures[] {
  return models.flatMap((m) => {
    const row = group.models.find((x) => x.model === m.label);
    if (!row) return [];
    const s = group.students.find((x) => x.model === m.label);
    const { model, ...figures } = row;
    return [
      {
        ...figures,
        model,
        role: m.role,
        dataRole: m.dataRole,
        sourceLabel: m.sourceLabel,
        group: group.label,
        key: group.key,
        student: s ? closureOf(s) : null,
      },
    ];
  });
}

function closureOf({ model: _named, ...closure }: GroupStudent): StudentFigures {
  return closure;
}

function reportModels(tallies: readonly Tally[], models: SelectedModels): ReportModel[] {
  const describe = (label: string, role: ReportModel['role']): ReportModel => {
    const own = tallies.filter((t) => t.model === label);
    const sources = [...new Set(own.map((t) => t.source))];
    const shown = withReadings(sourceLabel(sources), own);
    return { label, role, dataRole: own[0]?.role ?? null, sources, sourceLabel: shown };
  };
  return [
    describe(models.base, 'base'),
    ...models.students.map((s) => describe(s, 'student')),
    describe(models.teacher, 'teacher'),
  ];
}

function lostNotes(lost: ReportInput['lost'] | null): string[] {
  if (!lost || lost.providerErrors + lost.missingSamples === 0) return [];
  const rows = `${lost.providerErrors} provider error row(s)`;
  const counted = lost.providerErrors > 0 && lost.errorRowAnswers !== undefined;
  const inErrors = counted ? `, ${lost.errorRowAnswers} of them in ${rows}` : ` (${rows})`;
  const what = `${lost.missingSamples} answer(s) asked for in the promptfoo results were not delivered${inErrors}`;
  return [`LOST ANSWERS: ${what}; they are in no statistic above.`];
}

function notesFor(units: readonly ScenarioUnit[], models: SelectedModels): string[] {
  const notes: string[] = [];
  if (models.ignored.length) notes.push(`Models in the data but not in this report: ${models.ignored.join(', ')}.`);
  for (const unit of units) {
    for (const model of [models.base, ...models.students, models.teacher]) {
      const tally = unit.tallies.get(model);
      const where = `${unit.split} ${unit.scenario.id}`;
      if (!tally)
        notes.push(`${where}: no answers of ${model}; the scenario is left out of every metric that needs ${model}.`);
      else if (Object.values(tally.counts).every((c) => c === 0))
        notes.push(
          `${where}: ${model} gave no valid answer; the scenario is left out of every metric that needs ${model}.`,
        );
    }
  }
  const unrecorded = [models.base, ...models.students, models.teacher].filter((m) =>
    units.some((u) => u.tallies.has(m) && !failuresKnown(u.tallies.get(m)!)),
  );
  if (unrecorded.length) {
    notes.push(
      `Parse failures are not recorded in the data of ${unrecorded.join(', ')} (a counts table without failure ` +
        `columns, or replayed recorded choices): their parse rate is unknown and shown as n/a, not 100 %.`,
    );
  }
  const readsLogprobs = (m: string) => units.some((u) => readingCount(u.tallies.get(m) ?? { readings: 0 }) > 0);
  const readers = [models.base, ...models.students, models.teacher].filter(readsLogprobs);
  if (readers.length) notes.push(readingsNote(readers));
  const totals = units.flatMap((u) =>
    [...u.tallies.values()].map(
      (t) =>
        Object.values(t.counts).reduce((a, b) => a + b, 0) +
        Object.values(t.failures).reduce((a, b) => a + (b ?? 0), 0),
    ),
  );
  if (totals.length && Math.min(...totals) !== Math.max(...totals)) {
    notes.push(
      `Answers per scenario and model range from ${Math.min(...totals)} to ${Math.max(...totals)}. Every metric ` +
        `uses shares of valid answers; the paper's metric on counts, as published, is shown beside it ` +
        `where it differs.`,
    );
  }
  if (units.some((u) => u.scenario.game.actionSpace.kind === 'integer')) {
    notes.push(
      "Numeric answers: the paper's metric is computed on mean answers, distances on the full answer distributions.",
    );
  }
  return notes;
}
