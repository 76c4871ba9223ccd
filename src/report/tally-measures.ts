import { actionsOf, cooperationOf, type ActionSpace } from '../catalogue/games/action-space.js';
import { extractedCount, failureCount, failuresKnown, type Tally } from '../recordings/types.js';

/**
 * A tally read against its game's action space: counts aligned with `actionsOf(space)`.
 * `failures` is null when the data did not record parse failures.
 */
export type Measured = {
  actions: string[];
  counts: number[];
  valid: number;
  failures: number | null;
  /** Of `valid`, the answers the audited extractor read (0 without one). */
  extracted?: number;
};

export function measureTally(tally: Tally, space: ActionSpace): Measured {
  const actions = actionsOf(space).map(String);
  const unknown = Object.keys(tally.counts).filter((k) => !actions.includes(k) && tally.counts[k] !== 0);
  // Readers validate actions, so this is a bug upstream, not bad user input.
  if (unknown.length)
    throw new Error(`tally ${tally.model} / ${tally.scenario} counts actions outside the game: ${unknown.join(', ')}`);
  const counts = actions.map((a) => tally.counts[a] ?? 0);
  const extracted = extractedCount(tally);
  return {
    actions,
    counts,
    valid: counts.reduce((x, y) => x + y, 0),
    failures: failuresKnown(tally) ? failureCount(tally) : null,
    ...(extracted ? { extracted } : {}),
  };
}

/** The range of a numeric game's answers, e.g. 0..10 dollars; null for choice games. */
export function answerRange(space: ActionSpace): { min: number; max: number } | null {
  return space.kind === 'integer' ? { min: space.min, max: space.max } : null;
}

/** Cooperation weight of each action, 0..1, aligned with `actionsOf(space)`. */
export function cooperationWeights(space: ActionSpace): number[] {
  return actionsOf(space).map((a) => cooperationOf(space, a));
}

/** Mean cooperation of the answers given as counts; null without answers. */
export function cooperationRate(counts: readonly number[], weights: readonly number[]): number | null {
  let n = 0;
  let sum = 0;
  counts.forEach((c, i) => {
    n += c;
    sum += c * weights[i]!;
  });
  return n === 0 ? null : sum / n;
}

/**
 * The quantity the paper's metric is computed on: the share of cooperative answers among the
 * valid ones for choice games, the mean answer for numeric games (the public-goods 28 % is a
 * ratio of mean donations). Shares, not counts: with a student sampled 900 times against a base
 * and teacher sampled 300 times, counts read -1274.96 % where shares read 46.65 %.
 */
export function paperQuantity(space: ActionSpace, m: Measured): number | null {
  if (m.valid === 0) return null;
  if (space.kind === 'choice') return m.counts[m.actions.indexOf(space.cooperative)]! / m.valid;
  return m.counts.reduce((a, c, i) => a + c * Number(m.actions[i]), 0) / m.valid;
}

/**
 * The same quantity as the paper published it: the count of cooperative answers for choice games
 * (46.26 % / 17.90 % on its data, where a few rows hold 295 or 299 answers instead of 300). Equal
 * to the shares version only when every model has the same number of valid answers per scenario.
 */
export function publishedPaperQuantity(space: ActionSpace, m: Measured): number | null {
  if (m.valid === 0) return null;
  if (space.kind === 'choice') return m.counts[m.actions.indexOf(space.cooperative)]!;
  return paperQuantity(space, m);
}
