import type { ActionSpace } from '../../catalogue/games/action-space.js';
import type { TopLogprob } from './transport.js';

export type LogprobDistribution = {
  /** Probability of each option, renormalised over the options found among the alternatives. */
  probabilities: Record<string, number>;
  /** Probability outside the options: other tokens listed plus everything not listed. */
  otherMass: number;
};

export type LogprobReading =
  | { ok: true; distribution: LogprobDistribution }
  | { ok: false; kind: 'no-option-token' | 'not-asked'; reason: string };

/**
 * Reads the choice distribution from the alternatives of the first answer token. Tokens that
 * spell the same option (`C`, ` C`, `c`, `"C`) are summed; a tokenizer may list several.
 */
export function distributionFromTopLogprobs(top: readonly TopLogprob[], space: ActionSpace): LogprobReading {
  if (space.kind !== 'choice') return { ok: false, kind: 'not-asked', reason: logprobsUnsupportedReason(space)! };
  const byKey = new Map(space.options.map((option) => [option.toUpperCase(), option]));
  const mass: Record<string, number> = Object.fromEntries(space.options.map((o) => [o, 0]));
  let optionMass = 0;
  for (const { token, logprob } of top) {
    const option = byKey.get(normaliseToken(token));
    if (option === undefined || !Number.isFinite(logprob)) continue;
    const p = Math.exp(logprob);
    mass[option]! += p;
    optionMass += p;
  }
  if (optionMass === 0) {
    const options = space.options.join(', ');
    const none = `none of the ${top.length} alternatives of the first answer token is an option (${options})`;
    const reason = `${none}; top: ${listedTokens(top)}`;
    return { ok: false, kind: 'no-option-token', reason };
  }
  const probabilities = Object.fromEntries(space.options.map((o) => [o, mass[o]! / optionMass]));
  return { ok: true, distribution: { probabilities, otherMass: Math.max(0, 1 - optionMass) } };
}

/**
 * Why a reading is too thin to score, or null: when the options hold less than `minInSpaceMass` of
 * the first token's probability, the model mostly starts its answer some other way ("**", "I"),
 * and the options' renormalised split says little about what it would choose.
 */
export function inSpaceMassProblem(
  distribution: LogprobDistribution,
  top: readonly TopLogprob[],
  space: ActionSpace,
  minInSpaceMass: number,
): string | null {
  const inSpace = 1 - distribution.otherMass;
  if (inSpace >= minInSpaceMass) return null;
  const options = space.kind === 'choice' ? space.options.join(', ') : 'the options';
  return (
    `the options (${options}) hold ${percent(inSpace)} of the first answer token's probability, ` +
    `below minInSpaceMass ${percent(minInSpaceMass)} ` +
    `(top: ${listedTokens(top)}): the reading is not the model's choice distribution; ` +
    'use mode: multi, or a prompt whose answer starts with the letter (or lower minInSpaceMass)'
  );
}

function listedTokens(top: readonly TopLogprob[]): string {
  const listed = top.slice(0, 5).map((t) => `${JSON.stringify(t.token)} ${Math.exp(t.logprob).toFixed(3)}`);
  return listed.join(', ') || 'none';
}

function percent(share: number): string {
  return `${(100 * share).toFixed(1)} %`;
}

/** Whitespace, markdown emphasis, quotes and brackets around a letter do not change the choice. */
export function normaliseToken(token: string): string {
  return token
    .trim()
    .replace(/^[*_"'`([{]+/, '')
    .replace(/[*_"'`)\]}.,:;!]+$/, '')
    .toUpperCase();
}

/** Why logprobs mode cannot read this action space, or null when it can. */
export function logprobsUnsupportedReason(space: ActionSpace): string | null {
  if (space.kind === 'choice') return null;
  // With amounts 0..10 the first token "1" may begin "10": one token cannot tell them apart.
  return (
    `logprobs mode reads one token, which cannot tell a ${space.meaning} of ${space.unit}1 from ` +
    `${space.unit}10; use mode: multi for this game`
  );
}
