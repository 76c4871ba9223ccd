// Sequential sampling: sample a scenario until the gate's decision is settled, with an error rate
// that holds however often the data are looked at. See confidence-sequence.ts for the method.
// This file is the folder's library API (README, "Sequential sampling"): users import it, the code
// here mostly does not, so knip.json lists it as an entry and does not report its exports unused.
export {
  confidenceSequence,
  gatePrior,
  JEFFREYS_PRIOR,
  logMixtureMartingale,
  type BetaComponent,
  type MixturePrior,
  type ProportionInterval,
} from './confidence-sequence.js';
export {
  createStoppingRule,
  sequentialDecision,
  SEQUENTIAL_DESIGNS,
  type Look,
  type LookVerdict,
  type SequentialDesignKind,
  type StoppingOptions,
  type StoppingRule,
} from './stopping-rule.js';
export {
  groupSequentialDesign,
  FUTILITY_CHANCE,
  FUTILITY_LEVEL,
  type GroupSequentialDesign,
  type GroupSequentialOptions,
} from './group-sequential.js';
export { gateEdges, type GateEdges } from './gate-edges.js';
export {
  summariseDesign,
  groupSequentialFactory,
  alwaysValidFactory,
  simpleFactory,
  fixedFactory,
  simpleCriticalValue,
  type DesignSummary,
  type GateCase,
  type TeacherModel,
} from './design-comparison.js';
export {
  runSequential,
  type Draw,
  type LookRecord,
  type SequentialDesign,
  type SequentialOutcome,
  type SequentialResult,
  type SequentialRunOptions,
} from './run-sequential.js';
export { simulateSequential, type SimulatedRun, type SimulatedTruth } from './simulate.js';
export { exactOperatingCharacteristics, type OperatingCharacteristics } from './exact-operating.js';
export {
  fixedGateDecision,
  fixedGateProbabilities,
  wilsonSampleSize,
  worstCaseSampleSize,
  type FixedGate,
  type FixedVerdict,
} from './fixed-design.js';
export { fixedWidthRule } from './fixed-width.js';
export {
  sequentialSavings,
  type SavingsOptions,
  type SavingsReport,
  type SavingsSummary,
  type ScenarioSavings,
} from './savings.js';
export { drawInBatches, type BatchOutcome, type DrawBatch } from './batch-draw.js';
export { describeSequentialOutcome, type SequentialSummary } from './describe-outcome.js';
