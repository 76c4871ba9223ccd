import type { Action, ActionSpace } from '../../catalogue/games/action-space.js';
import { parseAnswer } from './parse-answer.js';

/** An answer with what a careful reader takes from it; null where it states no choice. */
export type LabelledAnswer = { text: string; space: ActionSpace; label: Action | null };

export type RecallTally = {
  /** Answers that state a choice, and how the parser did on them. */
  withChoice: number;
  read: number;
  wrong: number;
  unread: number;
  /** Answers that state no choice, and how many the parser read a choice from anyway (guesses). */
  choiceless: number;
  guessed: number;
  /** What the unread ones failed with, by failure kind. */
  failures: Record<string, number>;
};

/**
 * The parser against labels: recall on answers that state a choice, wrong reads, and guesses on
 * answers that state none. `expected` maps a label to the action the game's rules make of it
 * (a game that rounds cents makes 7.5 into 8); by default a label is the action itself.
 */
export function tallyRecall(
  answers: Iterable<LabelledAnswer>,
  expected: (a: LabelledAnswer) => Action | null = (a) => a.label,
): RecallTally {
  const t: RecallTally = { withChoice: 0, read: 0, wrong: 0, unread: 0, choiceless: 0, guessed: 0, failures: {} };
  for (const answer of answers) {
    const result = parseAnswer(answer.text, answer.space);
    const want = expected(answer);
    if (want === null) {
      t.choiceless++;
      if (result.ok) t.guessed++;
      continue;
    }
    t.withChoice++;
    if (!result.ok) {
      t.unread++;
      t.failures[result.failure] = (t.failures[result.failure] ?? 0) + 1;
    } else if (result.action === want) t.read++;
    else t.wrong++;
  }
  return t;
}
