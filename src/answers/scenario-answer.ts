import type { ActionSpace } from '../catalogue/games/action-space.js';
import { actionOfLabel, displayedSpace, type LabelVariant } from '../catalogue/games/label-variant.js';
import { parseAnswer, type ParseOptions } from './parsing/parse-answer.js';
import type { ParseResult } from './parsing/parse-result.js';
import type { Scenario } from '../catalogue/scenarios/scenario.js';

/**
 * Reads an answer against the labels the prompt showed and returns the game's action. Under a
 * label variant the parser sees only the shown labels (J and F, 1 and 2, or C and D with their
 * meanings exchanged) and the variant's table maps the label it found back to the action, so a
 * count never depends on the letter itself. `evidence` keeps the text as the model wrote it.
 */
export function parseWithLabels(
  text: string | null | undefined,
  space: ActionSpace,
  labels: LabelVariant | undefined,
  options: ParseOptions = {},
): ParseResult {
  if (!labels || space.kind !== 'choice') return parseAnswer(text, space, options);
  const shown = parseAnswer(text, displayedSpace(labels), options);
  if (!shown.ok) return shown;
  return { ...shown, action: actionOfLabel(labels, space, String(shown.action)) };
}

/** parseWithLabels for a scenario: its game's actions, its label variant. */
export function parseScenarioAnswer(
  text: string | null | undefined,
  scenario: Scenario,
  options: ParseOptions = {},
): ParseResult {
  return parseWithLabels(text, scenario.game.actionSpace, scenario.labels, options);
}
