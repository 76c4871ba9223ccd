/**
 * What a player may answer in a game. Shared code branches on `kind`, never on game ids,
 * so a new game is a data entry as long as it uses one of these spaces.
 */
export type ChoiceActionSpace = {
  kind: 'choice';
  /** Option labels exactly as the prompt shows them, e.g. ['C', 'D']. */
  options: readonly string[];
  /** The option counted as cooperation in cooperation rates. */
  cooperative: string;
  /**
   * Words that name an option in prose, keyed by the option label as displayed ("I'll cooperate"
   * reads as the option under 'cooperate'). Only what the game itself declares; none by default.
   */
  actionWords?: Readonly<Record<string, readonly string[]>>;
};

/** What an amount with cents ("$6.50") means in a whole-number space: a failure of its own, or a stated rounding. */
export type FractionalAmountRule = 'reject' | 'round-half-up';

export type IntegerActionSpace = {
  kind: 'integer';
  min: number;
  max: number;
  /** Unit the prompt uses for the amount, e.g. '$'; parsing accepts it around the number. */
  unit: string;
  /** What the number means, e.g. 'donation'; used in prompts and reasons. */
  meaning: string;
  /** How an answer with cents is read; 'reject' (a 'fractional-amount' failure) unless the game says otherwise. */
  fractionalAmounts?: FractionalAmountRule;
};

export type ActionSpace = ChoiceActionSpace | IntegerActionSpace;

/** A parsed action: an option label for choice games, an integer for numeric games. */
export type Action = string | number;

/** All actions of a space in a fixed order: options as listed, integers ascending. */
export function actionsOf(space: ActionSpace): Action[] {
  if (space.kind === 'choice') return [...space.options];
  const out: number[] = [];
  for (let v = space.min; v <= space.max; v++) out.push(v);
  return out;
}

/** Cooperation of one action on a 0..1 scale: 1 for the cooperative option, share of the maximum for amounts. */
export function cooperationOf(space: ActionSpace, action: Action): number {
  if (space.kind === 'choice') return action === space.cooperative ? 1 : 0;
  const span = space.max - space.min;
  return span === 0 ? 0 : ((action as number) - space.min) / span;
}

export function isValidAction(space: ActionSpace, action: unknown): action is Action {
  if (space.kind === 'choice') return typeof action === 'string' && space.options.includes(action);
  return typeof action === 'number' && Number.isInteger(action) && action >= space.min && action <= space.max;
}
