import type { GameEntry } from '../catalogue/schema.js';
import type { ActionSpace } from './action-space.js';
import { analyseMatrix, scalePayoffs, type MatrixAnalysis } from './matrix-analysis.js';

/** A game as the rest of the code sees it: what can be answered and how its rules read. */
export type Game = {
  id: string;
  name: string;
  aliases: readonly string[];
  actionSpace: ActionSpace;
  /** The rules as the prompt states them, at a payoff scale (1 = as published). */
  rulesText(scale: number): string;
  /** One sentence saying what each player decides, for the role-play framing. */
  decisionText: string;
  /** Equilibrium facts for matrix games; null where they do not apply. */
  analysis: MatrixAnalysis | null;
  /** Whether payoff-scaled variants exist; a public-goods game's action space is its endowment, so it has none. */
  supportsPayoffScale: boolean;
  entry: GameEntry;
};

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '');
}

/** Builds the game from its catalogue entry; each game kind supplies its action space and rules. */
export function buildGame(entry: GameEntry): Game {
  if (entry.kind === 'matrix-2x2') {
    const space: ActionSpace = { kind: 'choice', options: ['C', 'D'], cooperative: 'C' };
    if (entry.action_words) space.actionWords = { C: entry.action_words.C, D: entry.action_words.D };
    return {
      id: entry.id,
      name: entry.name,
      aliases: entry.aliases,
      actionSpace: space,
      decisionText: 'Each of you must independently pick one of two strategies, labelled C and D.',
      analysis: analyseMatrix(entry.payoffs),
      supportsPayoffScale: true,
      rulesText(scale) {
        const p = scalePayoffs(entry.payoffs, scale);
        const line = (mine: string, theirs: string, points: number) =>
          `- If you choose ${mine} and your coplayer chooses ${theirs}, you get ${formatNumber(points)} points.`;
        return [
          'The points you get depend on both choices:',
          line('C', 'C', p.CC),
          line('C', 'D', p.CD),
          line('D', 'C', p.DC),
          line('D', 'D', p.DD),
          'Your coplayer gets points by the same rules.',
        ].join('\n');
      },
      entry,
    };
  }
  const space: ActionSpace = {
    kind: 'integer',
    min: 0,
    max: entry.endowment,
    unit: entry.unit,
    meaning: 'donation',
    fractionalAmounts: entry.fractional_amounts,
  };
  const others = entry.players - 1;
  return {
    id: entry.id,
    name: entry.name,
    aliases: entry.aliases,
    actionSpace: space,
    decisionText: `Each of you privately decides how much of your ${entry.unit}${entry.endowment} to give to a shared fund.`,
    analysis: null,
    supportsPayoffScale: false,
    rulesText() {
      const endowment = formatNumber(entry.endowment);
      return [
        `You and ${others} others each hold ${entry.unit}${endowment}.`,
        `Each of you privately gives a whole number of dollars, from ${entry.unit}0 to ${entry.unit}${endowment}, to a shared fund.`,
        `The fund is multiplied by ${formatNumber(entry.multiplier)} and shared equally among all ${entry.players} of you, whatever each gave.`,
        'You keep what you do not give.',
      ].join('\n');
    },
    entry,
  };
}
