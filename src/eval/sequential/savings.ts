import type { Catalogue } from '../../catalogue/catalogue.js';
import { StratalignError } from '../../shared/errors.js';
import { actionsOf } from '../../catalogue/games/action-space.js';
import { createRng } from '../../shared/random.js';
import { failureCount, validCount, type Tally } from '../../recordings/types.js';
import { referenceFromTallies, type ReferenceSelector } from '../../recordings/reference/read-reference.js';
import { resolveScenario } from '../../catalogue/scenarios/scenario.js';
import { exactOperatingCharacteristics } from './exact-operating.js';
import { fixedGateProbabilities } from './fixed-design.js';
import { checkDesign } from './run-sequential.js';
import { simulateSequential } from './simulate.js';
import { sampleBinomial } from '../../stats/bootstrap.js';
import { createStoppingRule, type SequentialDesignKind, type StoppingRule } from './stopping-rule.js';

/**
 * What sequential sampling would have saved on a recording: each model's recorded distribution
 * is taken as the truth, the reference model's (the teacher's) as the fixed reference, and the
 * sequential gate is simulated against the fixed design the recording used. The draws are
 * simulated; the distributions are the recorded ones — both are labelled as such where shown.
 */
export type SavingsOptions = {
  tolerance: number;
  level: number;
  /** Simulated sequential runs per model and scenario. */
  runs: number;
  seed: string | number;
  batch: number;
  cap: number;
  /** Calls of the fixed design compared against, e.g. the paper's 300. */
  fixedCalls: number;
  reference: ReferenceSelector;
  /** Where the tallies came from, for error messages and labels. */
  origin: string;
  /** Stopping design; default 'always-valid' (the library default). */
  design?: SequentialDesignKind;
  /**
   * Teacher answers each simulated run draws its reference share from (Binomial around the
   * recorded share), so the teacher's noise is in the decisions; absent: the recorded share is
   * held fixed as if exact.
   */
  teacherAnswers?: number;
};

export type DecisionShares = { correct: number; wrong: number; unsettled: number };

export type ScenarioSavings = {
  split: string;
  scenario: string;
  model: string;
  role: string | null;
  /** Recorded share of the counted action, used as the truth. */
  truth: number;
  /** The reference model's recorded share of the counted action. */
  reference: number;
  distance: number;
  side: 'within' | 'outside';
  failureRate: number;
  sequential: DecisionShares & { meanCalls: number; exactMeanCalls: number | null };
  fixed: DecisionShares & { calls: number };
};

export type SavingsSummary = {
  label: string;
  scenarios: number;
  meanCalls: number;
  exactMeanCalls: number | null;
  fixedCalls: number;
  /** meanCalls / fixedCalls: below 0.5 means at most half the calls. */
  callRatio: number;
  sequential: DecisionShares;
  fixed: DecisionShares;
};

export type SavingsReport = {
  options: SavingsOptions;
  referenceModel: string;
  countedAction: string;
  scenarios: ScenarioSavings[];
  models: SavingsSummary[];
  /** Every model but the reference: the ones a gate is actually about. */
  gated: SavingsSummary | null;
  all: SavingsSummary;
  skipped: { model: string; scenario: string; reason: string }[];
};

export function sequentialSavings(
  tallies: readonly Tally[],
  catalogue: Catalogue,
  options: SavingsOptions,
): SavingsReport {
  checkSavingsOptions(options);
  const reference = referenceFromTallies(tallies, options.reference, {
    origin: options.origin,
    catalogue: catalogue.version,
  });
  const scenarios: ScenarioSavings[] = [];
  const skipped: SavingsReport['skipped'] = [];
  let countedAction = '';
  for (const tally of tallies) {
    const actions = actionsOf(resolveScenario(catalogue, tally.scenario).game.actionSpace).map(String);
    const entry = reference.scenarios[tally.scenario];
    const valid = validCount(tally);
    const reason =
      actions.length !== 2
        ? `${actions.length} actions; the sequential gate handles two-action games`
        : !entry || entry.n === 0
          ? `no answers of the reference model ${reference.model}`
          : valid === 0
            ? 'no valid answers recorded'
            : null;
    if (reason) {
      skipped.push({ model: tally.model, scenario: tally.scenario, reason });
      continue;
    }
    countedAction = actions[0]!;
    scenarios.push(scenarioSavings(tally, actions[0]!, (entry!.counts[actions[0]!] ?? 0) / entry!.n, options));
  }
  if (scenarios.length === 0) {
    throw new StratalignError(
      { file: options.origin },
      'no two-action scenario has both a model and a reference distribution',
      'use a counts table with C/D games and the reference model in it',
    );
  }
  const models = [...new Set(scenarios.map((s) => s.model))].map((model) =>
    summarise(
      model,
      scenarios.filter((s) => s.model === model),
      options,
    ),
  );
  const gatedRows = scenarios.filter((s) => s.model !== reference.model);
  return {
    options,
    referenceModel: reference.model,
    countedAction,
    scenarios,
    models,
    gated: gatedRows.length === 0 ? null : summarise(`all but ${reference.model}`, gatedRows, options),
    all: summarise('all models', scenarios, options),
    skipped,
  };
}

function scenarioSavings(tally: Tally, counted: string, reference: number, options: SavingsOptions): ScenarioSavings {
  const valid = validCount(tally);
  const truth = (tally.counts[counted] ?? 0) / valid;
  const failureRate = failureCount(tally) / (valid + failureCount(tally));
  const distance = Math.abs(truth - reference);
  // Shares are multiples of 1/300 here; the epsilon keeps a distance of exactly the tolerance "within".
  const side = distance <= options.tolerance + 1e-12 ? 'within' : 'outside';
  const ruleFor = ruleMaker(options);
  const rule = ruleFor(reference);
  const rng = createRng(`${options.seed}/${tally.split}/${tally.model}/${tally.scenario}`);
  const sequential = { correct: 0, wrong: 0, unsettled: 0, totalCalls: 0 };
  for (let run = 0; run < options.runs; run++) {
    // With the teacher estimated, each run sees its own teacher sample of the recorded share.
    const runRule = options.teacherAnswers
      ? ruleFor(sampleBinomial(options.teacherAnswers, reference, rng) / options.teacherAnswers)
      : rule;
    const result = simulateSequential({ probability: truth, failureRate }, runRule, options, rng);
    sequential.totalCalls += result.calls;
    if (result.verdict === 'settled-within' || result.verdict === 'settled-outside') {
      sequential[result.verdict === `settled-${side}` ? 'correct' : 'wrong']++;
    } else sequential.unsettled++;
  }
  // The exact expectation assumes every answer parses, as in counts without failures, and a fixed reference.
  const exactMeanCalls =
    failureRate === 0 && !options.teacherAnswers
      ? exactOperatingCharacteristics(truth, rule, options).expectedCalls
      : null;
  // The fixed design spends the same calls but, like the sequential one, only valid answers are data.
  const fixedValid = Math.round(options.fixedCalls * (1 - failureRate));
  const fixed = fixedGateProbabilities(truth, fixedValid, {
    reference,
    tolerance: options.tolerance,
    level: options.level,
  });
  return {
    split: tally.split,
    scenario: tally.scenario,
    model: tally.model,
    role: tally.role,
    truth,
    reference,
    distance,
    side,
    failureRate,
    sequential: {
      meanCalls: sequential.totalCalls / options.runs,
      exactMeanCalls,
      correct: sequential.correct / options.runs,
      wrong: sequential.wrong / options.runs,
      unsettled: sequential.unsettled / options.runs,
    },
    fixed: {
      calls: options.fixedCalls,
      correct: fixed[`settled-${side}`],
      wrong: fixed[side === 'within' ? 'settled-outside' : 'settled-within'],
      unsettled: fixed.unsettled,
    },
  };
}

/** Rules by the reference share they read, memoised: designs are computed once per share. */
function ruleMaker(options: SavingsOptions): (reference: number) => StoppingRule {
  const rules = new Map<number, StoppingRule>();
  return (reference) => {
    let rule = rules.get(reference);
    if (!rule) {
      const design = options.design ?? 'always-valid';
      const teacher = options.teacherAnswers ? { referenceAnswers: options.teacherAnswers } : {};
      const schedule = design === 'group-sequential' ? { batch: options.batch, cap: options.cap } : {};
      rule = createStoppingRule({
        reference,
        tolerance: options.tolerance,
        level: options.level,
        design,
        ...teacher,
        ...schedule,
      });
      rules.set(reference, rule);
    }
    return rule;
  };
}

function summarise(label: string, rows: readonly ScenarioSavings[], options: SavingsOptions): SavingsSummary {
  const mean = (pick: (row: ScenarioSavings) => number) => rows.reduce((sum, row) => sum + pick(row), 0) / rows.length;
  const meanCalls = mean((r) => r.sequential.meanCalls);
  const exact = rows.every((r) => r.sequential.exactMeanCalls !== null)
    ? mean((r) => r.sequential.exactMeanCalls!)
    : null;
  return {
    label,
    scenarios: rows.length,
    meanCalls,
    exactMeanCalls: exact,
    fixedCalls: options.fixedCalls,
    callRatio: meanCalls / options.fixedCalls,
    sequential: {
      correct: mean((r) => r.sequential.correct),
      wrong: mean((r) => r.sequential.wrong),
      unsettled: mean((r) => r.sequential.unsettled),
    },
    fixed: {
      correct: mean((r) => r.fixed.correct),
      wrong: mean((r) => r.fixed.wrong),
      unsettled: mean((r) => r.fixed.unsettled),
    },
  };
}

function checkSavingsOptions(options: SavingsOptions): void {
  checkDesign(options);
  if (!Number.isInteger(options.runs) || options.runs < 1) {
    throw new StratalignError(
      { field: 'runs', value: options.runs },
      'runs must be a whole number, 1 or more',
      'use e.g. 200',
    );
  }
  if (
    options.teacherAnswers !== undefined &&
    !(Number.isInteger(options.teacherAnswers) && options.teacherAnswers > 0)
  ) {
    throw new StratalignError(
      { field: 'teacherAnswers', value: options.teacherAnswers },
      "the teacher's number of answers must be a whole number from 1",
      'use e.g. 300, or leave it out to hold the recorded share fixed',
    );
  }
  if (!Number.isInteger(options.fixedCalls) || options.fixedCalls < 1) {
    throw new StratalignError(
      { field: 'fixedCalls', value: options.fixedCalls },
      'the fixed design needs a whole number of calls, 1 or more',
      "use the recording's samples per scenario, e.g. 300",
    );
  }
}
