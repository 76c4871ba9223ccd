import type { Action, ChoiceActionSpace } from '../../catalogue/games/action-space.js';
import { candidate, type Candidate, type Extraction, type Read, type Reader } from './decision.js';
import { allMatches } from './all-matches.js';
import { LABEL_REASON } from './decision.js';
import { otherLanguageCandidates } from './other-languages.js';
import { perSpace } from './space-cache.js';
import { evaluativeCandidates, notADecision, statementCandidates, type Vocabulary } from './statements.js';

/**
 * Steps for option-label spaces. A label only counts as a standalone token ("C", "**C**",
 * "(C)", "option C"), never as the first letter of a word, and only where the text states a
 * decision: a statement, the answer's first token, or its last line on its own.
 */
const VOCABULARY: Vocabulary = {
  verbs:
    String.raw`opt(?:ed|ing)?\s+for|go(?:ing)?\s+(?:with|for)|went\s+(?:with|for)|gone\s+with` +
    String.raw`|stick(?:ing)?\s+(?:with|to)|settled?\s+(?:on|for)|vote\s+for|decided?\s+on` +
    String.raw`|commit\s+to|lean(?:ing)?\s+(?:towards?|to)|cho(?:ose|osing|se|sen)` +
    String.raw`|pick(?:ed|ing)?|select(?:ed|ing)?|play(?:ed|ing)?|tak(?:e|ing)` +
    String.raw`|adopt(?:ed|ing)?|follow(?:ed|ing)?|employ(?:ed|ing)?|pursu(?:e|ed|ing)` +
    String.raw`|implement(?:ed|ing)?|prefer|answer|say|submit|decided`,
  nouns: String.raw`answer|choice|decision|selection|response|pick|strategy|option|move|action`,
};
const LABEL = String.raw`(?:(?:the\s+)?(option|strategy|letter|action|choice)\s*[:#]?\s*)?`;
const OPEN = `["'(\\[]*`;
const CLOSE = `["')\\]]*`;
const BOUNDARY = `(?![A-Za-z0-9]|['-][A-Za-z])`;
// "C or D", "C and D", "C, maybe D": a statement naming several options decides nothing.
const JOIN = /\s*(?:,\s*(?:or\s+)?(?:maybe|perhaps|possibly)|,?\s*or|and\/or|and|\/|&)\s*/iy;
const LEADING_FOLLOW = /^(?:\s*$|[ \t]*[\n.,;!)-]|\s+(?:because|since|as)\b)/;
const SKIP = /\s*(?:[:=-]\s*)?/y;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const CAPITAL = /^[A-Z]$/;

/** The option a token names, a raw capital letter for an unknown option, or undefined for a non-answer. */
function toValue(token: string, byUpperCase: ReadonlyMap<string, string>): Action | undefined {
  // Lowercase "a" and "i" are English words, whatever the options are.
  if (token === 'a' || token === 'i') return undefined;
  const option = byUpperCase.get(token.toUpperCase());
  if (option !== undefined) return option;
  if (CAPITAL.test(token) && token !== 'I') return token;
  return undefined;
}

/** Options by their upper-case spelling; the first listed wins, as a search in order would. */
function optionsByUpperCase(space: ChoiceActionSpace): Map<string, string> {
  const map = new Map<string, string>();
  for (const o of space.options) if (!map.has(o.toUpperCase())) map.set(o.toUpperCase(), o);
  return map;
}

/** The reader of a space's option labels; built once per space (see space-cache.ts). */
export const choiceReader = perSpace((space: ChoiceActionSpace): Reader => buildChoiceReader(space));

/** The game's prose words for its options ("cooperate" for C), longest first, and the option each names. */
function actionWordsOf(
  space: ChoiceActionSpace,
): { pattern: string; option: (word: string) => string | undefined } | undefined {
  const entries = Object.entries(space.actionWords ?? {}).filter(([label]) => space.options.includes(label));
  const byWord = new Map<string, string>();
  for (const [label, words] of entries) for (const w of words) byWord.set(w.toLowerCase(), label);
  if (byWord.size === 0) return undefined;
  const pattern = [...byWord.keys()]
    .sort((a, b) => b.length - a.length)
    .map(escapeRe)
    .join('|');
  return { pattern, option: (word) => byWord.get(word.toLowerCase()) };
}

function buildChoiceReader(space: ChoiceActionSpace): Reader {
  const labels = [...space.options]
    .sort((a, b) => b.length - a.length)
    .map(escapeRe)
    .join('|');
  const words = actionWordsOf(space);
  const wordRe = words ? new RegExp(`(?:to\\s+)?(${words.pattern})\\b`, 'iy') : undefined;
  // "the C option" is read like "option C"; a bare "the C" is not, since "the" then starts a noun phrase.
  const token = new RegExp(
    `${LABEL}(?:the\\s+(?=\\S+\\s+(?:option|strategy)\\b))?${OPEN}` +
      `(${labels}|[A-Za-z])${CLOSE}${BOUNDARY}(?:\\s+(?:option|strategy)\\b)?`,
    'iy',
  );
  const byUpperCase = optionsByUpperCase(space);
  const readOne = (text: string, pos: number) => {
    if (wordRe && words) {
      wordRe.lastIndex = pos;
      const w = wordRe.exec(text);
      const value = w ? words.option(w[1]!) : undefined;
      if (value !== undefined) return { value, end: wordRe.lastIndex, labelled: true };
    }
    token.lastIndex = pos;
    const m = token.exec(text);
    const value = m ? toValue(m[2]!, byUpperCase) : undefined;
    return m && value !== undefined ? { value, end: token.lastIndex, labelled: m[1] !== undefined } : undefined;
  };
  return (text, pos) => {
    SKIP.lastIndex = pos;
    SKIP.exec(text);
    const first = readOne(text, SKIP.lastIndex);
    if (!first) return undefined;
    const read: Read = { values: [first.value], end: first.end, labelled: first.labelled };
    for (;;) {
      JOIN.lastIndex = read.end;
      if (!JOIN.exec(text)) break;
      const more = readOne(text, JOIN.lastIndex);
      if (!more) break;
      read.values.push(more.value);
      read.end = more.end;
    }
    return read;
  };
}

const isOption = (space: ChoiceActionSpace) => (v: Action) => space.options.includes(v as string);

/** The answer's first token, when it stands alone: "C.", "D - because", "(C)\n\nMotivation: ...". */
function leadingLetter(text: string, space: ChoiceActionSpace, read: Reader): Candidate | undefined {
  const opener = /^(?:(?:definitely|certainly|clearly|absolutely|obviously|surely)[,!.:]?\s+)?/i.exec(text)![0].length;
  const r = read(text, opener);
  if (!r) return undefined;
  const rest = text.slice(r.end);
  // "C: because ..." opens with the label and its reason, unless the answer lists options that way ("C: ... D: ...").
  const labelColon = LABEL_REASON.test(rest) && !listsOptions(text, space, r.values);
  if (!labelColon && !LEADING_FOLLOW.test(rest)) return undefined;
  // An unknown letter at the start ("B. First, ...") is a list marker unless labelled "Option B".
  if (!r.labelled && !r.values.every(isOption(space))) return undefined;
  return candidate(text, 0, r, /^\s*[.!]?\s*$/.test(text.slice(r.end)) ? 'bare-letter' : 'leading-letter');
}

function listsOptions(text: string, space: ChoiceActionSpace, first: Action[]): boolean {
  const others = space.options.filter((o) => !first.includes(o)).map(escapeRe);
  return (
    others.length > 0 &&
    new RegExp(
      `(?:^|\\n)[ \\t]*(?:[-*•][ \\t]*)?(?:option\\s+|strategy\\s+)?(?:${others.join('|')})\\s*[:=]`,
      'i',
    ).test(text)
  );
}

/** The last line when it is only an option: the closing "**D**" after a block of reasoning. */
function lastLine(text: string, space: ChoiceActionSpace, read: Reader): Candidate | undefined {
  const start = text.lastIndexOf('\n') + 1;
  const bullet = /^[ \t]*(?:[-*•][ \t]*)?/.exec(text.slice(start))![0].length;
  const r = read(text, start + bullet);
  if (!r || !/^\s*[.!]?\s*$/.test(text.slice(r.end)) || !r.values.every(isOption(space))) return undefined;
  return candidate(text, start, r, 'standalone-line');
}

// Decisions written token-first: "C is my final answer" (strong), "C is the best option for me"
// (weak, because the same words also describe payoffs).
const TAIL_MINE =
  String.raw`(?:(?:is|will\s+be|would\s+be)\s+my\s+(?:final\s+)?` +
  String.raw`(?:choice|answer|decision|pick|selection|move|strategy)\b` +
  String.raw`|it\s+is(?=\s*[.!\n]|\s*$)|it\s+will\s+be(?=\s*[.!\n]|\s*$)` +
  String.raw`|it'll\s+be(?=\s*[.!\n]|\s*$)|is\s+(?:what|the\s+one)\s+I` +
  String.raw`(?:'ll|'m|\s+will|\s+am|\s+would)?\s+(?:${VOCABULARY.verbs})\b)`;
// "D is the move that protects me": the subject names the option, but the same words describe options too.
const TAIL_MOVE =
  String.raw`(?:is|seems|looks)\s+(?:like\s+)?(?:the|my)\s+` +
  String.raw`(?:(?:right|safer?|smart|only)\s+)?(?:move|play|call|way\s+to\s+go|pick)\b` +
  String.raw`(?!\s+for\s+(?:the\s+)?(?:coplayer|co-player|them|both|other))`;
const TAIL_BEST =
  String.raw`(?:is|seems\s+(?:to\s+be\s+)?|would\s+be|appears\s+to\s+be)\s*(?:the|my)\s+` +
  String.raw`(?:best|optimal|rational|right|wisest|smartest|better|logical|sensible|ideal` +
  String.raw`|preferable)\s+(?:choice|option|strategy|move|decision|answer)` +
  String.raw`(?!\s+for\s+(?:the\s+)?` +
  String.raw`(?:coplayer|co-player|them|both|other|him|her|everyone|us|each))`;

function tokenFirstPattern(space: ChoiceActionSpace, tail: string): RegExp {
  const labels = space.options.map(escapeRe).join('|');
  return new RegExp(String.raw`(?<![\w'])(?:(?:option|strategy)\s+)?${OPEN}(?:${labels})${CLOSE}\s+${tail}`, 'gi');
}

const tokenFirstPatterns = perSpace((space: ChoiceActionSpace) => ({
  mine: tokenFirstPattern(space, TAIL_MINE),
  best: tokenFirstPattern(space, `(?:${TAIL_BEST}|${TAIL_MOVE})`),
}));

function tokenFirst(
  text: string,
  space: ChoiceActionSpace,
  read: Reader,
  re: RegExp,
  source: Candidate['source'],
): Candidate[] {
  const out: Candidate[] = [];
  for (const m of allMatches(re, text)) {
    const r = read(text, m.index);
    if (r?.values.every(isOption(space)) && !notADecision(text, m.index, m.index + m[0].length)) {
      out.push(candidate(text, m.index, { ...r, end: m.index + m[0].length }, source));
    }
  }
  return out;
}

// Spaces that declare action words get their own vocabulary ("I'll cooperate" names the option by its verb).
const vocabularyOf = perSpace((space: ChoiceActionSpace): Vocabulary => {
  const words = actionWordsOf(space);
  return words
    ? { ...VOCABULARY, actionVerbs: { pattern: words.pattern, option: (w) => words.option(w) } }
    : VOCABULARY;
});

export function choiceCandidates(text: string, space: ChoiceActionSpace): Extraction {
  const read = choiceReader(space);
  const vocabulary = vocabularyOf(space);
  const { strong, negated } = statementCandidates(text, vocabulary, read);
  strong.push(...otherLanguageCandidates(text, read));
  const leading = leadingLetter(text, space, read);
  const closing = text.includes('\n') ? lastLine(text, space, read) : undefined;
  for (const c of [leading, closing]) if (c) strong.push(c);
  const patterns = tokenFirstPatterns(space);
  strong.push(...tokenFirst(text, space, read, patterns.mine, 'explicit-statement'));
  const weak = () => [
    ...evaluativeCandidates(text, vocabulary, read),
    ...tokenFirst(text, space, read, patterns.best, 'evaluative-statement'),
  ];
  return { strong, weak, negated };
}

/** A JSON field's value read as an option label ("C", "Option D"); undefined when it is not one. */
export function choiceFromJson(value: unknown, space: ChoiceActionSpace): Read | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const r = choiceReader(space)(text, 0);
  return r && /^[\s.!]*$/.test(text.slice(r.end)) ? r : undefined;
}
