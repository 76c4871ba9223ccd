import type { Action, ChoiceActionSpace } from './action-space.js';

/**
 * How a prompt labels and orders the two options of a 2x2 game (a catalogue entry of
 * datasets/catalogue/labels.yaml). Counts, references and statistics always use the game's own
 * actions (C = cooperate, D = defect); a variant only changes what the model sees and writes,
 * and the table here maps the shown label back to the action.
 */
export type LabelVariant = {
  id: string;
  description: string;
  /** The two labels in the order the prompt lists them. */
  options: readonly [string, string];
  /** The shown label that means the cooperative action. */
  cooperative: string;
  /** How the prompt calls a label: "one letter", "one number", "one word". */
  word: 'letter' | 'number' | 'word';
};

/** The labels as an action space: what the parser reads answers against. */
export function displayedSpace(variant: LabelVariant): ChoiceActionSpace {
  return { kind: 'choice', options: variant.options, cooperative: variant.cooperative };
}

function otherOf(space: ChoiceActionSpace): string {
  const other = space.options.find((o) => o !== space.cooperative);
  // Label variants apply to two-option games only; scenario resolution refuses anything else.
  if (other === undefined || space.options.length !== 2)
    throw new Error(`bug: label variants need two options, got ${space.options.join(', ')}`);
  return other;
}

/** The game's action a shown label stands for: the cooperative label gives the cooperative action. */
export function actionOfLabel(variant: LabelVariant, canonical: ChoiceActionSpace, label: string): string {
  if (!variant.options.includes(label))
    throw new Error(`bug: ${JSON.stringify(label)} is not a label of variant ${variant.id}`);
  return label === variant.cooperative ? canonical.cooperative : otherOf(canonical);
}

/** The label the prompt shows for one of the game's actions. */
export function labelOfAction(variant: LabelVariant, canonical: ChoiceActionSpace, action: Action): string {
  if (action === canonical.cooperative) return variant.cooperative;
  if (action === otherOf(canonical)) return otherOf(displayedSpace(variant));
  throw new Error(`bug: ${JSON.stringify(action)} is not an action of the game`);
}

/** The shown label of the non-cooperative action. */
export function defectLabel(variant: LabelVariant): string {
  return otherOf(displayedSpace(variant));
}

/**
 * Letter term of the choice model: +1 when the cooperative action wears the label that meant
 * cooperation in the reference prompts (and the other action the reference's other label), -1
 * when the two are exchanged, 0 for labels the reference never used, halves for mixes. A model
 * that learned "answer C" rather than "cooperate here" cooperates more where this is +1.
 */
export function letterTerm(variant: LabelVariant, reference: LabelVariant): number {
  const refC = reference.cooperative;
  const refD = defectLabel(reference);
  const coop = variant.cooperative;
  const defect = defectLabel(variant);
  return (
    ((coop === refC ? 1 : 0) - (defect === refC ? 1 : 0) + (defect === refD ? 1 : 0) - (coop === refD ? 1 : 0)) / 2
  );
}

/** Position term: +1 when the cooperative option is listed first, -1 when second. */
export function positionTerm(variant: LabelVariant): number {
  return variant.options[0] === variant.cooperative ? 1 : -1;
}

/**
 * Two variants that show the same labels in the same order with the meanings exchanged (the
 * paper's C/D and `swapped`): the prompt text differs only in which payoffs each label earns, so
 * a model that keeps its letter across them follows the letter, not the action.
 */
export function isMeaningSwap(a: LabelVariant, b: LabelVariant): boolean {
  return a.options[0] === b.options[0] && a.options[1] === b.options[1] && a.cooperative !== b.cooperative;
}

/** The word for a label when the catalogue leaves it out: digits are numbers, single characters letters. */
export function inferLabelWord(options: readonly string[]): LabelVariant['word'] {
  if (options.every((o) => /^\d+$/.test(o))) return 'number';
  if (options.every((o) => [...o].length === 1)) return 'letter';
  return 'word';
}
