import { actionsOf, cooperationOf, type Action, type ActionSpace } from '../../catalogue/games/action-space.js';
import type { LabelVariant } from '../../catalogue/games/label-variant.js';
import type { ParseFailureKind, ParseResult } from '../../answers/parsing/parse-result.js';
import { referenceProbability, type ReferenceEntry } from '../../recordings/reference/reference.js';
import { readEnvelopeSample, type EnvelopeSample } from '../../answers/samples/envelope.js';

/**
 * Per-sample scoring. A sample is either scored (it names an action) or explicitly unscored
 * (its answer could not be read); unscored samples never contribute to agreement or cooperation.
 */
export type SampleScore =
  | { scored: true; action: Action; teacherProbability: number; cooperation: number; parse: ParseResult }
  | { scored: false; failure: ParseFailureKind; reason: string; parse: ParseResult };

/** Reads one sample; the reader conversion uses too, so the assertion and the summary count alike. */
export function readSample(
  sample: EnvelopeSample,
  space: ActionSpace,
  labels?: LabelVariant,
  structured = false,
): ParseResult {
  return readEnvelopeSample(sample, space, labels, structured);
}

export function scoreSample(
  sample: EnvelopeSample,
  space: ActionSpace,
  reference: ReferenceEntry,
  labels?: LabelVariant,
  structured = false,
): SampleScore {
  const parse = readSample(sample, space, labels, structured);
  if (!parse.ok) return { scored: false, failure: parse.failure, reason: parse.reason, parse };
  return {
    scored: true,
    action: parse.action,
    teacherProbability: referenceProbability(reference, parse.action),
    cooperation: cooperationOf(space, parse.action),
    parse,
  };
}

/** Aggregate of a batch of samples for one scenario, against the teacher's distribution. */
export type BatchScore = {
  requested: number;
  received: number;
  missing: number;
  valid: number;
  failures: Partial<Record<ParseFailureKind, number>>;
  /** Valid answers per action (String(action) keys), every action of the space present. */
  counts: Record<string, number>;
  /** Mean teacher probability of the chosen actions: the chance a teacher answer agrees with one of ours. */
  agreement: number | null;
  cooperation: number | null;
  /** Total variation distance between our answer distribution and the teacher's. */
  distance: number | null;
  /** Share of received samples that named an action. */
  parseRate: number | null;
  /** Of `valid`, the answers the audited extractor read, and which extractor; absent when it read none. */
  extracted?: { count: number; by: string };
};

export function scoreBatch(
  samples: readonly EnvelopeSample[],
  missing: number,
  space: ActionSpace,
  reference: ReferenceEntry,
  labels?: LabelVariant,
  structured = false,
): BatchScore {
  const counts: Record<string, number> = Object.fromEntries(actionsOf(space).map((a) => [String(a), 0]));
  const failures: BatchScore['failures'] = {};
  let extracted: BatchScore['extracted'];
  for (const sample of samples) {
    const parse = readSample(sample, space, labels, structured);
    if (parse.ok) counts[String(parse.action)] = (counts[String(parse.action)] ?? 0) + 1;
    else failures[parse.failure] = (failures[parse.failure] ?? 0) + 1;
    if (parse.ok && parse.readBy === 'extractor') {
      extracted ??= { count: 0, by: extractorName(parse.extractor) };
      extracted.count++;
    }
  }
  const valid = Object.values(counts).reduce((a, b) => a + b, 0);
  const probabilities = Object.fromEntries(Object.entries(counts).map(([a, c]) => [a, valid ? c / valid : 0]));
  return {
    requested: samples.length + missing,
    received: samples.length,
    missing,
    valid,
    failures,
    counts,
    ...distributionScores(valid ? probabilities : null, space, reference),
    parseRate: samples.length ? valid / samples.length : null,
    ...(extracted ? { extracted } : {}),
  };
}

/** "gpt-4o-mini (stratalign.extractor/v1)": the extractor as every reason names it. */
export function extractorName(extractor: { model: string; promptVersion: string } | undefined): string {
  return extractor ? `${extractor.model} (${extractor.promptVersion})` : 'the extractor';
}

/** Agreement, cooperation and distance of a probability distribution over the action space. */
export function distributionScores(
  probabilities: Record<string, number> | null,
  space: ActionSpace,
  reference: ReferenceEntry,
): Pick<BatchScore, 'agreement' | 'cooperation' | 'distance'> {
  if (!probabilities) return { agreement: null, cooperation: null, distance: null };
  let agreement = 0;
  let cooperation = 0;
  let distance = 0;
  for (const action of actionsOf(space)) {
    const p = probabilities[String(action)] ?? 0;
    const q = referenceProbability(reference, action);
    agreement += p * q;
    cooperation += p * cooperationOf(space, action);
    distance += Math.abs(p - q) / 2;
  }
  return { agreement, cooperation, distance };
}
