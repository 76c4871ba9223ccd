import type { ActionSpace } from '../games/action-space.js';
import type { TopLogprob } from './transport.js';

export type LogprobDistribution = {
  /** Probability of each option, renormalised over the options found among the alternatives. */
  probabilities: Record<string, number>;
  /** Probability outside the options: other tokens listed plus everything not listed. */
  otherMass: number;
};

export type LogprobReading = { ok: true; distribution: LogprobDistribution } | { ok: false; reason: string };

/**
 * Reads the choice distribution from the alternatives of the first answer token. Tokens that
 * spell the same option (`C`, ` C`, `c`, `"C`) are summed; a tokenizer may list several.
 */
export function distributionFromTopLogprobs(top: readonly TopLogprob[], space: ActionSpace): LogprobReading {
  if (space.kind !== 'choice') return { ok: false, reason: logprobsUnsupportedReason(space)! };
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
    const listed = top.slice(0, 5).map((t) => `${JSON.stringify(t.token)} ${Math.exp(t.logprob).toFixed(3)}`).join(', ');
    return { ok: false, reason: `none of the ${top.length} alternatives of the first answer token is an option (${space.options.join(', ')}); top: ${listed || 'none'}` };
  }
  const probabilities = Object.fromEntries(space.options.map((o) => [o, mass[o]! / optionMass]));
  return { ok: true, distribution: { probabilities, otherMass: Math.max(0, 1 - optionMass) } };
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
  return `logprobs mode reads one token, which cannot tell a ${space.meaning} of ${space.unit}1 from ${space.unit}10; use mode: multi for this game`;
}
