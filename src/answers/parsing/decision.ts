import {
  isValidAction,
  type Action,
  type ActionSpace,
  type IntegerActionSpace,
} from '../../catalogue/games/action-space.js';
import type { ParseResult } from './parse-result.js';

/**
 * A place where the answer states a decision. Values are what the text says, valid or not:
 * an out-of-range value is still a decision, and is reported as such rather than skipped.
 */
export type CandidateSource =
  | 'json'
  | 'final-answer'
  | 'explicit-statement'
  | 'correction'
  | 'bare-letter'
  | 'bare-number'
  | 'leading-letter'
  | 'leading-number'
  | 'standalone-line'
  | 'evaluative-statement';

export type Candidate = {
  values: Action[];
  index: number;
  end: number;
  source: CandidateSource;
  evidence: string;
};

/**
 * After a leading "C:" or "$7:" a reason must follow for it to be the answer; "C: I get 6 if ..." describes the option.
 */
export const LABEL_REASON = new RegExp(
  String.raw`^[ \t]*:[ \t]*(?:because|since|as|given|due\s+to|the\s+reason` +
    String.raw`|my\s+(?:reason|reasoning|motivation|rationale)|reason(?:ing)?|motivation` +
    String.raw`|rationale|explanation|(?:this|it)\s+` +
    String.raw`(?:is\s+the|maximi[sz]es|protects|guarantees|ensures|secures|gives\s+me))\b`,
  'i',
);

/** Value(s) a reader found at a position, and where the read stopped. */
export type Read = { values: Action[]; end: number; labelled?: boolean };
export type Reader = (text: string, pos: number) => Read | undefined;

/**
 * Candidates by strength: weak ones count only when no strong one exists, so they are found
 * only when asked for (most answers are settled by a strong one).
 */
export type Extraction = { strong: Candidate[]; weak: () => Candidate[]; negated: string[] };

// When two readings agree, the one that reports the most specific rule is kept.
const PRIORITY: Record<CandidateSource, number> = {
  json: 7,
  'final-answer': 6,
  'explicit-statement': 5,
  correction: 4,
  'bare-letter': 3,
  'bare-number': 3,
  'leading-letter': 3,
  'leading-number': 3,
  'standalone-line': 2,
  'evaluative-statement': 1,
};

// Words with which a writer takes back what came before; only these let a later decision win.
const CORRECTION_MARKER = new RegExp(
  String.raw`\b(?:actually|wait|on second thoughts?|on (?:further |more )?reflection` +
    String.raw`|correction|scratch that|I mean|changed? my mind|reconsider(?:ing|ed)?` +
    String.raw`|rethink(?:ing)?|after (?:further|more) thought|ultimately|in the end|finally` +
    String.raw`|instead(?! of))\b`,
  'i',
);

/**
 * Whether the sentence going on from a position says "instead" (not "instead of"), as
 * /^[^.!?\n]*\binstead\b(?! of)/i on the text from there would say. One finder serves the
 * positions of one answer in increasing order and remembers how far it has searched, so a long
 * chain of statements costs one pass rather than one pass per statement.
 */
function insteadFinder(text: string): (from: number) => boolean {
  const word = /\binstead\b(?! of)/gi;
  const stopChar = /[.!?\n]/g;
  const atStart = /instead\b(?! of)/iy;
  let searchedFrom = Infinity;
  let nextWord = 0;
  let nextStop = 0;
  const next = (re: RegExp, from: number) => {
    re.lastIndex = from;
    return re.exec(text)?.index ?? text.length;
  };
  return (from) => {
    // At the position itself the cut-off text starts a word whatever precedes it.
    atStart.lastIndex = from;
    if (atStart.test(text)) return true;
    if (from < searchedFrom || nextWord < from) nextWord = next(word, from);
    if (from < searchedFrom || nextStop < from) nextStop = next(stopChar, from);
    searchedFrom = from;
    return nextWord < nextStop;
  };
}

export function candidate(text: string, index: number, read: Read, source: CandidateSource): Candidate {
  return { values: read.values, index, end: read.end, source, evidence: text.slice(index, read.end).trim() };
}

export function describeSpace(space: ActionSpace): string {
  return space.kind === 'choice'
    ? `one of the options ${space.options.join(', ')}`
    : `a whole-number ${space.meaning} in the range ${space.min}..${space.max} (${space.unit})`;
}

function show(values: Action[]): string {
  return values.map(String).join(' or ');
}

function sameValues(a: Action[], b: Action[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function overrides(
  text: string,
  earlier: Candidate,
  later: Candidate,
  insteadAfter: (from: number) => boolean,
): boolean {
  if (later.source === 'correction' || later.source === 'final-answer') return true;
  return CORRECTION_MARKER.test(text.slice(earlier.end, later.index)) || insteadAfter(later.end);
}

/** Overlapping readings of the same words are one decision; keep the more specific reading. */
function dropOverlaps(found: Candidate[]): Candidate[] {
  const sorted = [...found].sort((a, b) => a.index - b.index || PRIORITY[b.source] - PRIORITY[a.source]);
  const out: Candidate[] = [];
  for (const c of sorted) {
    const last = out[out.length - 1];
    if (last && c.index < last.end) {
      if (PRIORITY[c.source] > PRIORITY[last.source]) out[out.length - 1] = c;
      continue;
    }
    out.push(c);
  }
  return out;
}

/**
 * Turns the decisions found in an answer into one action or a failure. Disagreeing decisions
 * are ambiguous unless the later one is marked as a correction; nothing is picked by position.
 */
export function resolveCandidates(found: Candidate[], text: string, space: ActionSpace): ParseResult | undefined {
  const list = dropOverlaps(found);
  let current = list[0];
  if (!current) return undefined;
  let corrected = false;
  const insteadAfter = insteadFinder(text);
  for (const next of list.slice(1)) {
    if (sameValues(current.values, next.values)) {
      if (PRIORITY[next.source] > PRIORITY[current.source]) current = next;
      continue;
    }
    if (!overrides(text, current, next, insteadAfter)) {
      return {
        ok: false,
        failure: 'ambiguous',
        reason:
          `the answer states ${show(current.values)} ("${current.evidence}") and ${show(next.values)} ` +
          `("${next.evidence}") with no correction between them`,
      };
    }
    current = next;
    corrected = true;
  }
  return finish(current, corrected, space);
}

function finish(chosen: Candidate, corrected: boolean, space: ActionSpace): ParseResult {
  const values = [...new Set(chosen.values)];
  if (values.length !== 1) {
    return { ok: false, failure: 'ambiguous', reason: `the decision names more than one action: "${chosen.evidence}"` };
  }
  const action = values[0]!;
  const rule = corrected ? 'self-correction' : chosen.source;
  if (typeof action === 'number' && !Number.isInteger(action) && space.kind === 'integer')
    return fractional(space, action, rule, chosen.evidence);
  if (!isValidAction(space, action))
    return { ok: false, failure: 'out-of-range', reason: outOfRangeReason(space, action, chosen.evidence) };
  return { ok: true, action, rule, evidence: chosen.evidence };
}

/** An amount with cents: the game's stated rule decides, never the range check (7.5 is not "out of range"). */
function fractional(space: IntegerActionSpace, amount: number, rule: string, evidence: string): ParseResult {
  if ((space.fractionalAmounts ?? 'reject') === 'round-half-up') {
    const action = Math.floor(amount + 0.5);
    if (isValidAction(space, action))
      return { ok: true, action, rule, evidence, rounded: { from: amount, rule: 'round-half-up' } };
    return { ok: false, failure: 'out-of-range', reason: outOfRangeReason(space, amount, evidence) };
  }
  return {
    ok: false,
    failure: 'fractional-amount',
    reason:
      `${amount} is not a whole amount ("${evidence}") and this game reads amounts with cents as ` +
      `unanswered; expected ${describeSpace(space)}`,
  };
}

function outOfRangeReason(space: ActionSpace, action: Action, evidence: string): string {
  const what =
    typeof action === 'number' && !Number.isInteger(action)
      ? `${action} is not a whole amount`
      : `${JSON.stringify(action)} is outside the action space`;
  return `${what} ("${evidence}"); expected ${describeSpace(space)}`;
}
