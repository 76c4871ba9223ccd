import { ENVELOPE_TAG, type SampleEnvelope } from '../../answers/samples/envelope.js';
import { EXHAUSTED_REASON, replayAnswers, type ReplaySource, type ReplayTrack } from './replay-source.js';

/** Builds the output of one replay call; its note says plainly that no model was called. */
export function replayEnvelope(
  source: ReplaySource,
  track: ReplayTrack,
  options: { seed: string | number; start: number; count: number; role: string | null; cycle: boolean },
): SampleEnvelope {
  const samples = replayAnswers(track, options.seed, options.start, options.count, options.cycle);
  const short = options.count - samples.length;
  const exhausted =
    `${EXHAUSTED_REASON}: it holds ${track.answers.length} answers for this scenario, answer ` +
    `${options.start + samples.length + 1} was asked for`;
  const what = source.mode === 'replay-counts' ? 'recorded counts (choices only, no text)' : 'recorded answer texts';
  return {
    stratalign: ENVELOPE_TAG,
    note:
      `REPLAY of ${what} of ${source.model} from ${source.origin}, split ${track.split}, answers ` +
      `${options.start + 1}-${options.start + options.count} of a seeded permutation (seed ${options.seed}); no ` +
      `model was called`,
    source: 'replay',
    mode: source.mode,
    scenario: track.scenario,
    model: source.model,
    role: options.role,
    requested: options.count,
    samples,
    missing: {
      count: short,
      exhausted: short,
      reasons: short > 0 ? [exhausted] : [],
      ...(short > 0 ? { byKind: [{ kind: 'recording-exhausted' as const, count: short, message: exhausted }] } : {}),
    },
  };
}
