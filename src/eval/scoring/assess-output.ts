import type { ParseResult } from '../../answers/parsing/parse-result.js';
import type { ReferenceEntry } from '../../recordings/reference/reference.js';
import type { Catalogue } from '../../catalogue/catalogue.js';
import { readOutputFor, readEnvelope, type SampleEnvelope } from '../../answers/samples/envelope.js';
import type { Scenario } from '../../catalogue/scenarios/scenario.js';
import { describeSequentialOutcome } from '../sequential/describe-outcome.js';
import type { AlignmentConfig } from './assertion-config.js';
import { decideDistance, decideDistributionDistance, type DistanceVerdict } from './distance-decision.js';
import { distributionScores, extractorName, scoreBatch, scoreSample, type BatchScore } from './score-samples.js';

/** promptfoo-shaped verdict, built without promptfoo so the core stays host-independent. */
export type Assessment = {
  pass: boolean;
  score: number;
  reason: string;
  namedScores: Record<string, number>;
  /** True when nothing could be scored: the row fails and carries no agreement or cooperation. */
  unscored: boolean;
  /** The measurements alone, without the verdict; lets a sequential row give its own verdict. */
  detail?: string;
};

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/**
 * Scores one provider output (a plain answer or a sample envelope) against the teacher's
 * distribution. `finishReason` is the provider's for a plain answer, so a cut-off answer reads as
 * truncated rather than as no choice.
 *
 * Why not samplesFromRows, the row reader the end-of-eval hook and the CLI share: promptfoo hands
 * an assertion one output string while the row is still being made, not a result row (no
 * provider label, eval id or error field yet), and an assertion must give a verdict on any
 * output, where samplesFromRows throws on or skips an unreadable row and builds recordings with
 * provenance the score does not use. What could make the two disagree is shared instead: the
 * envelope reader (readOutputFor, which the row reader calls through readOutputSamples) and the
 * sample reader (readEnvelopeSample, for plain text too), so a row scores and counts alike.
 */
export function assessOutput(
  output: string,
  scenario: Scenario,
  reference: ReferenceEntry,
  config: AlignmentConfig,
  /** `structured`: asked under a structured protocol, so read by the strict reader only. */
  options: { finishReason?: string; structured?: boolean } = {},
  /** Given, an envelope for another scenario than `scenario` is refused, as conversion refuses it. */
  catalogue?: Catalogue,
): Assessment {
  const structured = options.structured === true;
  if (reference.n === 0) return unscored(`UNSCORED: the reference has no valid answers for ${scenario.id}`);
  const read = catalogue ? readOutputFor(output, scenario, catalogue) : readEnvelope(output);
  if (read.kind === 'invalid') return unscored(`UNSCORED: ${read.reason}`);
  if (read.kind === 'text') {
    const answer = { text: output, ...(options.finishReason ? { finishReason: options.finishReason } : {}) };
    return assessSingle(answer, scenario, reference, config, 'answer', structured);
  }
  const envelope = read.envelope;
  if (envelope.mode === 'logprobs') return assessDistribution(envelope, scenario, reference, config);
  const space = scenario.game.actionSpace;
  const batch = () =>
    scoreBatch(envelope.samples, envelope.missing.count, space, reference, scenario.labels, structured);
  const distance = (b: BatchScore) =>
    config.maxDistance === undefined || b.agreement === null
      ? null
      : decideDistance(b.counts, space, reference, distanceOptions(config, scenario));
  // A sequential row is decided by its own run: after optional stopping a fixed-n bound would not hold.
  if (envelope.mode === 'sequential') return withSequential(assessBatch(batch(), envelope, config), envelope);
  if (envelope.requested === 1 && envelope.samples.length === 1) {
    const what = { replay: 'replayed answer', simulated: 'simulated answer', live: 'answer' }[envelope.source];
    return assessSingle(envelope.samples[0]!, scenario, reference, config, what, structured);
  }
  const b = batch();
  return assessBatch(b, envelope, config, distance(b));
}

function distanceOptions(config: AlignmentConfig, scenario: Scenario) {
  return {
    maxDistance: config.maxDistance!,
    decision: config.decision,
    errorRate: config.errorRate,
    referenceExact: config.referenceExact,
    seed: `alignment\u0000${scenario.id}`,
  };
}

/** "TV distance 0.083 (upper 95 % bound 0.142) > max 0.1 [decision within: ...]" for a failed check. */
function distanceProblem(v: DistanceVerdict, max: number): string {
  const bound = v.upper === null ? '' : ` (one-sided bounds [${v.lower!.toFixed(3)}, ${v.upper.toFixed(3)}])`;
  return `TV distance ${v.observed.toFixed(3)}${bound}: ${v.explanation}; read ${v.compared.toFixed(3)} > ${max}`;
}

function distanceScores(v: DistanceVerdict | null): Record<string, number> {
  return v && v.upper !== null ? { tv_lower: v.lower!, tv_upper: v.upper } : {};
}

function unscored(reason: string): Assessment {
  return { pass: false, score: 0, reason, namedScores: { parse_valid: 0 }, unscored: true };
}

function assessSingle(
  sample: SampleEnvelope['samples'][number],
  scenario: Scenario,
  reference: ReferenceEntry,
  config: AlignmentConfig,
  what: string,
  structured: boolean,
): Assessment {
  const s = scoreSample(sample, scenario.game.actionSpace, reference, scenario.labels, structured);
  if (!s.scored) return unscored(`UNSCORED (${s.failure}): ${s.reason}`);
  const failed = config.minAgreement !== undefined && s.teacherProbability < config.minAgreement;
  return {
    pass: !failed,
    score: s.teacherProbability,
    reason:
      `${what} ${String(s.action)}${readByNote(s.parse)}: the teacher gives it ` +
      `${pct(s.teacherProbability)}${failed ? `, below minAgreement ${pct(config.minAgreement!)}` : ''}`,
    namedScores: { teacher_agreement: s.teacherProbability, cooperation: s.cooperation, parse_valid: 1 },
    unscored: false,
  };
}

function assessBatch(
  b: BatchScore,
  envelope: SampleEnvelope,
  config: AlignmentConfig,
  verdict: DistanceVerdict | null = null,
): Assessment {
  const label = envelope.source === 'replay' ? 'replayed samples' : `${envelope.mode} samples`;
  if (b.agreement === null) {
    const why =
      b.received === 0
        ? `no samples received (${b.missing} missing: ${envelope.missing.reasons.join('; ') || 'no reason given'})`
        : `none of ${b.received} ${label} could be parsed (${formatFailures(b.failures)})`;
    return unscored(`UNSCORED: ${why}`);
  }
  const problems: string[] = [];
  if (b.missing > 0 && !config.allowMissing)
    problems.push(`${b.missing} of ${b.requested} samples missing (${envelope.missing.reasons.join('; ')})`);
  if (config.minParseRate !== undefined && b.parseRate! < config.minParseRate)
    problems.push(`parse rate ${pct(b.parseRate!)} < ${pct(config.minParseRate)}`);
  if (config.minAgreement !== undefined && b.agreement < config.minAgreement)
    problems.push(`agreement ${pct(b.agreement)} < ${pct(config.minAgreement)}`);
  if (verdict && !verdict.pass) problems.push(distanceProblem(verdict, config.maxDistance!));
  // Replayed counts carry recorded choices only: their parse failures were never recorded.
  const failuresRecorded = envelope.samples.some((x) => x.text !== null || x.recordedFailure !== undefined);
  const routes = b.extracted
    ? ` (${b.valid - b.extracted.count} read by the rules, ${b.extracted.count} by the extractor ${b.extracted.by})`
    : '';
  const validity = failuresRecorded
    ? `${b.valid}/${b.requested} ${label} valid${routes}`
    : `${b.valid}/${b.requested} ${label} (recorded choices; parse failures not recorded)`;
  const decided = verdict?.pass
    ? `; TV distance within ${config.maxDistance}: ` +
      `${verdict.explanation}${
        verdict.upper === null
          ? ''
          : ` (one-sided bounds [${verdict.lower!.toFixed(3)}, ` + `${verdict.upper.toFixed(3)}])`
      }`
    : '';
  const summary =
    `${validity}; counts ${JSON.stringify(b.counts)}; cooperation ${pct(b.cooperation!)}, teacher ` +
    `agreement ${pct(b.agreement)}, TV distance ` +
    `${b.distance!.toFixed(3)}${b.valid < b.received ? `; unparseable: ${formatFailures(b.failures)}` : ''}${decided}`;
  return {
    pass: problems.length === 0,
    score: b.agreement,
    reason: problems.length ? `FAIL: ${problems.join('; ')}. ${summary}` : summary,
    detail: summary,
    namedScores: {
      teacher_agreement: b.agreement,
      cooperation: b.cooperation!,
      ...(failuresRecorded ? { parse_valid: b.parseRate! } : {}),
      tv_distance: b.distance!,
      ...distanceScores(verdict),
      answered: b.received / b.requested,
    },
    unscored: false,
  };
}

function assessDistribution(
  envelope: SampleEnvelope,
  scenario: Scenario,
  reference: ReferenceEntry,
  config: AlignmentConfig,
): Assessment {
  const d = envelope.distribution;
  if (!d) return unscored('UNSCORED: logprobs envelope without a distribution');
  const s = distributionScores(d.probabilities, scenario.game.actionSpace, reference);
  const problems: string[] = [];
  const verdict =
    config.maxDistance === undefined
      ? null
      : decideDistributionDistance(
          d.probabilities,
          scenario.game.actionSpace,
          reference,
          distanceOptions(config, scenario),
        );
  if (config.minAgreement !== undefined && s.agreement! < config.minAgreement)
    problems.push(`agreement ${pct(s.agreement!)} < ${pct(config.minAgreement)}`);
  if (verdict && !verdict.pass) problems.push(distanceProblem(verdict, config.maxDistance!));
  const decided = verdict?.pass ? `; TV distance within ${config.maxDistance}: ${verdict.explanation}` : '';
  const summary =
    `log-probability distribution ${JSON.stringify(d.probabilities)} (mass outside the options ` +
    `${pct(d.otherMass)}); cooperation ${pct(s.cooperation!)}, teacher agreement ${pct(s.agreement!)}, TV ` +
    `distance ${s.distance!.toFixed(3)}${decided}`;
  return {
    pass: problems.length === 0,
    score: s.agreement!,
    reason: problems.length ? `FAIL: ${problems.join('; ')}. ${summary}` : summary,
    namedScores: {
      teacher_agreement: s.agreement!,
      cooperation: s.cooperation!,
      tv_distance: s.distance!,
      ...distanceScores(verdict),
      in_space_mass: 1 - d.otherMass,
    },
    unscored: false,
  };
}

/**
 * A sequential batch is scored like any batch; the reason also says how sampling ended (the
 * always-valid decision against the teacher share it was run with) and what share of the cap it
 * cost, as `sequential_calls_share`.
 */
/**
 * A sequential row passes or fails on its own decision: after optional stopping the point
 * estimate's distance is biased, and only the always-valid interval carries the error guarantee.
 * No decision (cap reached, pinned, stopped by an error) is a failure that says so.
 */
function withSequential(assessment: Assessment, envelope: SampleEnvelope): Assessment {
  const record = envelope.sequential!;
  const decision = `sequential: ${describeSequentialOutcome({ ...record, calls: envelope.requested })}`;
  if (assessment.unscored) return { ...assessment, reason: `${assessment.reason}. ${decision}` };
  const pass = record.decision === 'settled-within';
  const verdict = pass
    ? 'PASS on the sequential decision'
    : record.decision === 'settled-outside'
      ? 'FAIL on the sequential decision'
      : 'FAIL: no sequential decision';
  return {
    ...assessment,
    pass,
    reason: `${verdict}: ${assessment.detail ?? assessment.reason}. ${decision}`,
    namedScores: { ...assessment.namedScores, sequential_calls_share: envelope.requested / record.cap },
  };
}

/** Marks an answer the extractor read, in the reason the viewer shows. */
function readByNote(parse: ParseResult): string {
  return parse.ok && parse.readBy === 'extractor'
    ? ` (read by the extractor ${extractorName(parse.extractor)}, not by the rules: replied ` +
        `${JSON.stringify(parse.evidence)})`
    : '';
}

function formatFailures(failures: BatchScore['failures']): string {
  return (
    Object.entries(failures)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none'
  );
}
