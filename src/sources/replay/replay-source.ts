import { logprobReading, READINGS_LABEL } from '../../recordings/logprob-reading.js';
import type { Catalogue } from '../../catalogue/catalogue.js';
import { StratalignError } from '../../shared/errors.js';
import { readCountsTable } from '../../recordings/counts-table.js';
import { readSampleFile } from '../../recordings/jsonl.js';
import type { Tally } from '../../recordings/types.js';
import { createRng, shuffled } from '../../shared/random.js';
import { recordedAsStructured } from '../../catalogue/structured/answer-schema.js';
import type { EnvelopeSample, SamplingMode } from '../../answers/samples/envelope.js';

/** The recorded answers of one model to one scenario, in recorded order. */
export type ReplayTrack = { scenario: string; split: string; role: string | null; answers: EnvelopeSample[] };

/** A recorded model, ready to replay: one track per scenario. */
export type ReplaySource = {
  origin: string;
  model: string;
  role: string | null;
  mode: Extract<SamplingMode, 'replay-counts' | 'replay-text'>;
  tracks: Map<string, ReplayTrack[]>;
  /**
   * The protocol the replayed answers recorded (`provenance.protocol`), when they name one. A
   * structured recording replays as structured: its texts are read by the strict reader again.
   */
  protocol: string | null;
};

const FIX_MODEL = 'set `model` to a model label that the recording contains';

/** Loads one model of a counts table (.csv) or a JSONL text recording (.jsonl) for replay. */
export async function loadReplaySource(file: string, catalogue: Catalogue, model: string): Promise<ReplaySource> {
  if (file.endsWith('.csv')) return fromTallies(readCountsTable(file, catalogue), file, model);
  if (!file.endsWith('.jsonl')) {
    throw new StratalignError(
      { file, field: 'recording' },
      'unsupported recording type',
      'use a counts table (.csv) or a JSONL recording (.jsonl)',
    );
  }
  const tracks = new Map<string, ReplayTrack[]>();
  const models = new Set<string>();
  let role: string | null = null;
  const protocols = new Set<string | null>();
  for await (const sample of readSampleFile(file, catalogue)) {
    models.add(sample.model);
    if (sample.model !== model) continue;
    role = sample.role;
    const recorded = sample.provenance.protocol;
    protocols.add(typeof recorded === 'string' ? recorded : null);
    if (logprobReading(sample)) {
      // Replayed as its text, a reading would count as the one token it sampled, unlike everywhere else.
      const problem =
        `the answers of ${model} are ${READINGS_LABEL} (mode: logprobs), counted as distributions, ` +
        `not answers to replay`;
      const fix =
        'read the recording with report, gate or reference directly, or replay a recording of sampled ' +
        'answers (mode: multi)';
      throw new StratalignError({ file, field: 'provenance.distribution', value: sample.scenario }, problem, fix);
    }
    const track = trackFor(tracks, sample.scenario, sample.split, sample.role);
    if (sample.text !== null) track.answers.push({ text: sample.text });
    else if (sample.parse.ok) track.answers.push({ text: null, recordedChoice: sample.parse.action });
    else track.answers.push({ text: null, recordedFailure: sample.parse.failure });
  }
  if (tracks.size === 0)
    throw new StratalignError(
      { file, field: 'model', value: model },
      `no answers of this model (models present: ${[...models].join(', ') || 'none'})`,
      FIX_MODEL,
    );
  const named = [...protocols].filter((p): p is string => p !== null);
  // One reader per replay: structured texts must not be read by the rules, nor free text strictly.
  if (protocols.size > 1 && named.some((p) => recordedAsStructured(catalogue, p))) {
    const list = [...protocols].map((p) => p ?? '(none recorded)').join(', ');
    throw new StratalignError(
      { file, field: 'provenance.protocol', value: list },
      `the answers of ${model} were collected under several protocols, one of them structured`,
      'replay the answers of one protocol at a time (split the recording by provenance.protocol)',
    );
  }
  const protocol = named.length === 1 && protocols.size === 1 ? named[0]! : null;
  return { origin: file, model, role, mode: 'replay-text', tracks, protocol };
}

function fromTallies(tallies: Tally[], file: string, model: string): ReplaySource {
  const mine = tallies.filter((t) => t.model === model);
  if (mine.length === 0) {
    const models = [...new Set(tallies.map((t) => t.model))].join(', ');
    throw new StratalignError(
      { file, field: 'model', value: model },
      `no answers of this model (models present: ${models})`,
      FIX_MODEL,
    );
  }
  const tracks = new Map<string, ReplayTrack[]>();
  for (const tally of mine) {
    const track = trackFor(tracks, tally.scenario, tally.split, tally.role);
    for (const [action, count] of Object.entries(tally.counts)) {
      const recordedChoice = /^-?\d+$/.test(action) ? Number(action) : action;
      for (let i = 0; i < count; i++) track.answers.push({ text: null, recordedChoice });
    }
    for (const [failure, count] of Object.entries(tally.failures)) {
      for (let i = 0; i < (count ?? 0); i++)
        track.answers.push({ text: null, recordedFailure: failure as NonNullable<EnvelopeSample['recordedFailure']> });
    }
  }
  return { origin: file, model, role: mine[0]!.role, mode: 'replay-counts', tracks, protocol: null };
}

function trackFor(
  tracks: Map<string, ReplayTrack[]>,
  scenario: string,
  split: string,
  role: string | null,
): ReplayTrack {
  const list = tracks.get(scenario) ?? [];
  tracks.set(scenario, list);
  let track = list.find((t) => t.split === split);
  if (!track) {
    track = { scenario, split, role, answers: [] };
    list.push(track);
  }
  return track;
}

/**
 * Picks the track for a scenario; when the recording has it under several splits the caller must
 * name the split, since silently mixing them would change the replayed distribution.
 */
export function findTrack(source: ReplaySource, scenario: string, split: string | undefined): ReplayTrack | string {
  const list = source.tracks.get(scenario);
  if (!list || list.length === 0)
    return `the recording ${source.origin} has no answers of ${source.model} for scenario ${scenario}`;
  if (split !== undefined) {
    const match = list.find((t) => t.split === split);
    if (match) return match;
    if (list.length === 1) return list[0]!;
    return `the recording has ${scenario} under splits ${list.map((t) => t.split).join(', ')}, not ${split}`;
  }
  if (list.length > 1)
    return (
      `the recording has ${scenario} under several splits (${list.map((t) => t.split).join(', ')}); ` + `set vars.split`
    );
  return list[0]!;
}

/** The sentence of a replay asked past its recording (kind 'recording-exhausted', counted in `exhausted`). */
export const EXHAUSTED_REASON = 'recording exhausted';

/**
 * Answers [start, start + count) of the replay: the i-th answer is the i-th element of a seeded
 * permutation of the recorded answers, so the first n calls reproduce the recording exactly.
 * Past the end, `cycle` starts a fresh seeded permutation; otherwise the replay stops there.
 */
export function replayAnswers(
  track: ReplayTrack,
  seed: string | number,
  start: number,
  count: number,
  cycle: boolean,
): EnvelopeSample[] {
  const n = track.answers.length;
  const end = cycle ? start + count : Math.min(start + count, n);
  const out: EnvelopeSample[] = [];
  let current = -1;
  let permutation: EnvelopeSample[] = [];
  for (let i = start; i < end && n > 0; i++) {
    const c = Math.floor(i / n);
    if (c !== current) {
      current = c;
      permutation = shuffled(track.answers, createRng(`${seed}/${track.scenario}/${track.split}/${c}`));
    }
    out.push(permutation[i % n]!);
  }
  return out;
}
