import type { GameEntry } from '../schema.js';
import type { ActionSpace } from './action-space.js';
import type { LabelVariant } from './label-variant.js';
import { analyseMatrix, scalePayoffs, type MatrixAnalysis } from './matrix-analysis.js';

/** A game as the rest of the code sees it: what can be answered and how its rules read. */
export type Game = {
  id: string;
  name: string;
  aliases: readonly string[];
  actionSpace: ActionSpace;
  /**
   * The rules as the prompt states them, at a payoff scale (1 = as published), under a label
   * variant (two-option games only; left out = the game's own labels).
   */
  rulesText(scale: number, labels?: LabelVariant): string;
  /** One sentence saying what each player decides, for the role-play framing. */
  decisionText: string;
  /** decisionText under a label variant (two-option games only). */
  decisionWith(labels: LabelVariant): string;
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
      decisionWith: (labels) => {
        const [first, second] = labels.options;
        return `Each of you must independently pick one of two strategies, labelled ${first} and ${second}.`;
      },
      analysis: analyseMatrix(entry.payoffs),
      supportsPayoffScale: true,
      rulesText(scale, labels) {
        const p = scalePayoffs(entry.payoffs, scale);
        // Under a variant the lines follow its listing order, each label earning its action's payoffs.
        const shown = labels ? labels.options : (['C', 'D'] as const);
        const action = (label: string) => (labels ? (label === labels.cooperative ? 'C' : 'D') : label);
        const call = (label: string) => (labels?.word === 'number' ? `option ${label}` : label);
        const line = (mine: string, theirs: string) => {
          const points = formatNumber(p[`${action(mine)}${action(theirs)}` as keyof typeof p]);
          return `- If you choose ${call(mine)} and your coplayer chooses ${call(theirs)}, you get ${points} points.`;
        };
        return [
          'The points you get depend on both choices:',
          line(shown[0], shown[0]),
          line(shown[0], shown[1]),
          line(shown[1], shown[0]),
          line(shown[1], shown[1]),
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
  const unitEndowment = `${entry.unit}${entry.endowment}`;
  return {
    id: entry.id,
    name: entry.name,
    aliases: entry.aliases,
    actionSpace: space,
    decisionText: `Each of you privately decides how much of your ${unitEndowment} to give to a shared fund.`,
    decisionWith: () => {
      throw new Error(`bug: ${entry.id} has no option labels to vary`);
    },
    analysis: null,
    supportsPayoffScale: false,
    rulesText(_scale, labels) {
      if (labels) throw new Error(`bug: ${entry.id} has no option labels to vary`);
      const endowment = formatNumber(entry.endowment);
      return [
        `You and ${others} others each hold ${entry.unit}${endowment}.`,
        `Each of you privately gives a whole number of dollars, from ${entry.unit}0 to ` +
          `${entry.unit}${endowment}, to a shared fund.`,
        `The fund is multiplied by ${formatNumber(entry.multiplier)} and shared equally among all ` +
          `${entry.players} of you, whatever each gave.`,
        'You keep what you do not give.',
      ].join('\n');
    },
    entry,
  };
}
