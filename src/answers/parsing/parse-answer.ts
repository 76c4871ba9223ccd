import type { ActionSpace, IntegerActionSpace } from '../../catalogue/games/action-space.js';
import { actionOfLabel, displayedSpace, type LabelVariant } from '../../catalogue/games/label-variant.js';
import type { Scenario } from '../../catalogue/scenarios/scenario.js';
import { amountCandidates, amountFromJson } from './amount-steps.js';
import { choiceCandidates, choiceFromJson } from './choice-steps.js';
import { candidate, describeSpace, resolveCandidates, type Candidate, type Extraction, type Read } from './decision.js';
import { findJsonFields } from './json-answer.js';
import { normalise } from './normalise.js';
import type { ParseResult } from './parse-result.js';
import { findRefusal } from './refusal.js';
import { perSpace } from './space-cache.js';
import { parseStructured } from './read-structured.js';

export type ParseOptions = {
  /** The provider's finish reason; 'length' means the answer was cut off. */
  finishReason?: string;
  /**
   * The answer was asked for under a structured protocol: it is read by the strict reader
   * (src/answers/parsing/read-structured.ts) and never by the rules, so a broken object is a
   * `schema-violation`, not a guess.
   */
  structured?: boolean;
};

/** Parse options holding only what is known: the finish reason if any, structured only when true. */
export function parseOptions(finishReason: string | null | undefined, structured = false): ParseOptions {
  return { ...(finishReason ? { finishReason } : {}), ...(structured ? { structured } : {}) };
}

type State = { raw: string; text: string; space: ActionSpace; options: ParseOptions; found?: Extraction };

/** One named step: returns a result to stop the pipeline, or undefined to hand on. */
type Step = { name: string; run: (state: State) => ParseResult | undefined };

const JSON_KEYS = [
  'answer',
  'choice',
  'decision',
  'action',
  'strategy',
  'option',
  'selection',
  'move',
  'final_answer',
  'final answer',
];
const JSON_AMOUNT_KEYS = ['donation', 'amount', 'contribution', 'donate', ...JSON_KEYS];

function empty(reason: string): ParseResult {
  return { ok: false, failure: 'empty', reason };
}

// One list per space, so findJsonFields finds its compiled key pattern by the list.
const amountJsonKeys = perSpace((space: IntegerActionSpace) => [space.meaning, ...JSON_AMOUNT_KEYS]);

function jsonCandidates(text: string, space: ActionSpace): Candidate[] {
  const keys = space.kind === 'choice' ? JSON_KEYS : amountJsonKeys(space);
  const out: Candidate[] = [];
  for (const field of findJsonFields(text, keys)) {
    const read: Read | undefined =
      space.kind === 'choice' ? choiceFromJson(field.value, space) : amountFromJson(field.value, space);
    if (read) out.push(candidate(text, field.index, { values: read.values, end: field.end }, 'json'));
  }
  return out;
}

function extract(state: State): Extraction {
  state.found ??=
    state.space.kind === 'choice'
      ? choiceCandidates(state.text, state.space)
      : amountCandidates(state.text, state.space);
  return state.found;
}

function cutOff(result: ParseResult | undefined, state: State): ParseResult | undefined {
  if (result?.ok !== false || result.failure !== 'ambiguous' || state.options.finishReason !== 'length') return result;
  return {
    ok: false,
    failure: 'truncated',
    reason: `the answer was cut off (finish reason "length") before it settled: ${result.reason}`,
  };
}

/**
 * The extraction pipeline, in order. Structured and explicit forms come first; the failure
 * steps at the end say why nothing was read, so no path returns a defaulted action.
 */
export const PIPELINE: readonly Step[] = [
  { name: 'empty', run: (s) => (s.raw.trim() === '' ? empty('the answer is empty or whitespace') : undefined) },
  {
    name: 'normalise',
    run: (s) => {
      s.text = normalise(s.raw);
      return s.text === ''
        ? empty('the answer is only formatting (markdown, quotes or invisible characters)')
        : undefined;
    },
  },
  { name: 'json', run: (s) => cutOff(resolveCandidates(jsonCandidates(s.text, s.space), s.text, s.space), s) },
  { name: 'statements', run: (s) => cutOff(resolveCandidates(extract(s).strong, s.text, s.space), s) },
  { name: 'evaluative', run: (s) => cutOff(resolveCandidates(extract(s).weak(), s.text, s.space), s) },
  {
    name: 'refusal',
    run: (s) => {
      const refusal = findRefusal(s.text);
      return refusal
        ? { ok: false, failure: 'refusal', reason: `the answer declines to choose: "${refusal}"` }
        : undefined;
    },
  },
  {
    name: 'truncated',
    run: (s) =>
      s.options.finishReason === 'length'
        ? {
            ok: false,
            failure: 'truncated',
            reason: 'the answer was cut off (finish reason "length") before stating a decision',
          }
        : undefined,
  },
  {
    name: 'no-choice',
    run: (s) => {
      const negated = extract(s).negated;
      const note =
        negated.length > 0 ? `; negated statements are not choices: ${negated.map((n) => `"${n}"`).join(', ')}` : '';
      return {
        ok: false,
        failure: 'no-choice',
        reason: `no decision stating ${describeSpace(s.space)} was found${note}`,
      };
    },
  },
];

// Reasoning models write their deliberation in a tagged block before the answer.
const REASONING_TAG = /<\/?(?:think|thinking|reasoning|reflection|scratchpad)>/gi;
const CLOSING_TAG = /<\/(?:think|thinking|reasoning|reflection|scratchpad)>/gi;

/** The text after the last closed reasoning block, or undefined when there is none. */
function afterReasoning(text: string): string | undefined {
  if (!text.includes('</')) return undefined;
  let end = -1;
  CLOSING_TAG.lastIndex = 0;
  for (let m = CLOSING_TAG.exec(text); m !== null; m = CLOSING_TAG.exec(text)) end = m.index + m[0].length;
  return end === -1 ? undefined : text.slice(end);
}

/**
 * Reads a model's answer as an action of `space`, or says exactly why it cannot. Never guesses.
 * After a reasoning block (<think>...</think>) the answer that follows wins; the deliberation is
 * read only when nothing after it states a decision.
 */
export function parseAnswer(
  text: string | null | undefined,
  space: ActionSpace,
  options: ParseOptions = {},
): ParseResult {
  if (text === null || text === undefined) return empty(`the answer is ${text === null ? 'null' : 'missing'}`);
  if (options.structured) return parseStructured(text, space, options.finishReason);
  const after = afterReasoning(text);
  if (after !== undefined) {
    const result = runPipeline(after, space, options);
    if (result.ok || (result.failure !== 'no-choice' && result.failure !== 'empty')) return result;
    return runPipeline(text.replace(REASONING_TAG, '\n'), space, options);
  }
  return runPipeline(text.includes('<') ? text.replace(REASONING_TAG, '\n') : text, space, options);
}

function runPipeline(text: string, space: ActionSpace, options: ParseOptions): ParseResult {
  const state: State = { raw: text, text: '', space, options };
  for (const step of PIPELINE) {
    const result = step.run(state);
    if (result) return result;
  }
  // The last step always answers; this keeps the function total if steps are reordered.
  return { ok: false, failure: 'no-choice', reason: 'no extraction step produced a result' };
}

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
