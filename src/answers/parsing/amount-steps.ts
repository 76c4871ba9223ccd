import type { IntegerActionSpace } from '../../catalogue/games/action-space.js';
import { candidate, LABEL_REASON, type Candidate, type Extraction, type Read, type Reader } from './decision.js';
import { otherLanguageCandidates } from './other-languages.js';
import { perSpace } from './space-cache.js';
import { evaluativeCandidates, statementCandidates, type Vocabulary } from './statements.js';

/**
 * Steps for integer spaces (the public-goods donation). A number counts only where it is
 * stated as the amount given ("I donate $4", "Donation: 7"); numbers that describe the game
 * ("I have $10", "multiplied by 2.5", "4 residents") are never read. Values are kept exactly:
 * 7.5 and -2 come back as out-of-range, never rounded or clamped.
 */
const VERBS =
  String.raw`cho(?:ose|osing|se|sen)|pick(?:ed|ing)?|select(?:ed|ing)?|go(?:ing)?\s+with` +
  String.raw`|opt(?:ed|ing)?\s+for|settled?\s+on|donat(?:e|es|ed|ing)` +
  String.raw`|contribut(?:e|es|ed|ing)|put(?:ting)?\s+in|put(?:ting)?|chip(?:ping)?\s+in` +
  String.raw`|throw(?:ing)?\s+in|pledg(?:e|ed|ing)|invest(?:ed|ing)?|allocat(?:e|ed|ing)` +
  String.raw`|offer(?:ed|ing)?|giv(?:e|ing)|gave|given`;
// Spelled numbers past ten are read too, so "donate twelve dollars" is out of range, not unread.
const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];
const UNIT_WORDS: Record<string, string> = { $: 'dollars?|bucks|usd', '€': 'euros?|eur', '£': 'pounds?|gbp' };
// Number followers that make it a count or a rate rather than the amount given.
const NOT_AN_AMOUNT = new RegExp(
  String.raw`^(?:\s*(?:%|percent\b|times\b|x\b|more\b|other\b|others\b|residents?\b` +
    String.raw`|people\b|persons?\b|players?\b|neighbou?rs?\b|each\b|per\b` +
    String.raw`|of\s+(?:them|the\s+(?:other|residents|players)))|[A-Za-z0-9])`,
  'i',
);
const STRICT_FOLLOW = new RegExp(
  String.raw`^(?:\s*$|[ \t]*[\n.,;:!)-]|\s+` +
    String.raw`(?:out\s+of|of\s+my|to\s+the|into|towards?|because|since|as|and|so|from` +
    String.raw`|I\s+(?:have|own|got))\b)`,
  'i',
);
const LEADING_FOLLOW = /^(?:\s*$|[ \t]*[\n.,;!)-]|\s+(?:because|since|as)\b)/i;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The reader of a space's amounts; built once per space (see space-cache.ts). */
export const amountReader = perSpace((space: IntegerActionSpace): Reader => buildAmountReader(space));

function buildAmountReader(space: IntegerActionSpace): Reader {
  const unit = escapeRe(space.unit);
  const words = UNIT_WORDS[space.unit] ?? 'units?';
  const num = String.raw`(-)?\s*(?:${unit}\s*)?(-)?(\d+(?:\.\d+)?)(?:\s*(?:${unit}|(?:${words})\b))?`;
  const word = String.raw`(?:${unit}\s*)?(${NUMBER_WORDS.join('|')})\b(\s*(?:${words})\b)?`;
  const all =
    String.raw`(?:all(?:\s+of)?` +
    String.raw`(?:\s+(?:it|them|my\s+(?:money|endowment|funds?|cash|savings)|the\s+money))?` +
    String.raw`|everything|every\s+(?:single\s+)?(?:dollar|cent|penny)` +
    String.raw`|(?:my|the)\s+(?:full|entire|whole|maximum|max)` +
    String.raw`(?:\s+(?:amount|endowment|sum))?|the\s+max(?:imum)?)`;
  const none =
    String.raw`(?:nothing|none|no\s+money|not\s+(?:a\s+)?(?:single\s+)?` +
    String.raw`(?:dollar|cent|penny|thing|anything))`;
  const skip = new RegExp(
    String.raw`\s*(?:(?:[:=]|-(?=\s))\s*)?` +
      String.raw`(?:(?:about|around|approximately|roughly|exactly|only|just|between` +
      String.raw`|a\s+total\s+of)\s+)?["'([]*`,
    'iy',
  );
  const close = /["')\]]*/y;
  const numberRe = new RegExp(num, 'iy');
  const wordRe = new RegExp(word, 'iy');
  const allRe = new RegExp(`${all}(?:\\s+(?:of\\s+)?(?:my\\s+)?(?=[\\d${unit}]))?`, 'iy');
  const noneRe = new RegExp(none, 'iy');
  const outOf = new RegExp(
    String.raw`\s+(?:out\s+)?of\s+(?:my\s+|the\s+)?(?:${unit}\s*)?\d+(?:\s*(?:${words})\b)?`,
    'iy',
  );
  // "$5 or $6", "5 to 7", "$4, maybe $5": several amounts in one statement decide nothing.
  const join = /\s*(?:,\s*(?:or\s+)?(?:maybe|perhaps|possibly)|,?\s*or|to|-|and)\s*/iy;

  const readNumber = (text: string, pos: number): Read | undefined => {
    numberRe.lastIndex = pos;
    const m = numberRe.exec(text);
    if (m && !NOT_AN_AMOUNT.test(text.slice(numberRe.lastIndex))) {
      const sign = (m[1] ?? m[2]) === undefined ? 1 : -1;
      return { values: [sign * Number(m[3])], end: numberRe.lastIndex };
    }
    wordRe.lastIndex = pos;
    const w = wordRe.exec(text);
    // A spelled number is an amount only with its unit or at the end of the phrase ("one more thought" is not).
    if (w && (w[2] !== undefined || text[pos] === space.unit || STRICT_FOLLOW.test(text.slice(wordRe.lastIndex)))) {
      return { values: [NUMBER_WORDS.indexOf(w[1]!.toLowerCase())], end: wordRe.lastIndex };
    }
    return undefined;
  };

  const readOne = (text: string, pos: number): Read | undefined => {
    allRe.lastIndex = pos;
    if (allRe.exec(text)) {
      const after = allRe.lastIndex;
      const stated = readNumber(text, after);
      return stated ?? (STRICT_FOLLOW.test(text.slice(after)) ? { values: [space.max], end: after } : undefined);
    }
    noneRe.lastIndex = pos;
    if (noneRe.exec(text)) return { values: [space.min], end: noneRe.lastIndex };
    return readNumber(text, pos);
  };

  return (text, pos) => {
    skip.lastIndex = pos;
    skip.exec(text);
    const read = readOne(text, skip.lastIndex);
    if (!read) return undefined;
    close.lastIndex = read.end;
    read.end += close.exec(text)![0].length;
    outOf.lastIndex = read.end;
    if (outOf.exec(text)) read.end = outOf.lastIndex;
    join.lastIndex = read.end;
    const more = join.exec(text) ? readNumber(text, join.lastIndex) : undefined;
    return more ? { values: [...read.values, ...more.values], end: more.end } : read;
  };
}

/** "I will not donate anything" states 0; other negated amounts state nothing. */
function negatedReader(space: IntegerActionSpace): Reader {
  const re = new RegExp(
    String.raw`(?:\s+(?:anything|any(?:\s+(?:money|of\s+(?:it|my\s+money)))?` +
      String.raw`|a\s+(?:single\s+)?(?:dollar|cent|penny|dime))\b(?:\s+at\s+all)?` +
      String.raw`|(?=\s*(?:$|[\n.,;!])))`,
    'iy',
  );
  return (text, pos) => {
    re.lastIndex = pos;
    return re.exec(text) ? { values: [space.min], end: re.lastIndex } : undefined;
  };
}

function isNumberedList(text: string, first: number): boolean {
  return new RegExp(`^\\s*${first + 1}[.)]\\s`, 'm').test(text);
}

/** The answer's first token when it is only an amount: "7", "$7. Because...", "Seven dollars\n\n...". */
function leadingNumber(text: string, read: Reader): Candidate | undefined {
  const r = read(text, 0);
  if (!r || !(LEADING_FOLLOW.test(text.slice(r.end)) || LABEL_REASON.test(text.slice(r.end)))) return undefined;
  const first = r.values[0];
  if (typeof first === 'number' && /^\s*\d+[.)]\s/.test(text) && isNumberedList(text, first)) return undefined;
  return candidate(text, 0, r, /^\s*[.!]?\s*$/.test(text.slice(r.end)) ? 'bare-number' : 'leading-number');
}

// One vocabulary object per space, so the statement patterns built from it are reused too.
const vocabularyOf = perSpace(
  (space: IntegerActionSpace): Vocabulary => ({
    verbs: VERBS,
    nouns:
      String.raw`(?:donation|contribution)\s+amount|amount\s+` +
      String.raw`(?:I(?:'ll|'d|\s+will|\s+would)?\s+)?(?:donate|contribute|give)` +
      String.raw`|${escapeRe(space.meaning)}|donation|contribution|amount|pledge|donate|answer` +
      String.raw`|choice|decision`,
    onNegated: negatedReader(space),
  }),
);

export function amountCandidates(text: string, space: IntegerActionSpace): Extraction {
  const read = amountReader(space);
  const vocabulary = vocabularyOf(space);
  const { strong, negated } = statementCandidates(text, vocabulary, read);
  strong.push(...otherLanguageCandidates(text, read));
  const leading = leadingNumber(text, read);
  if (leading) strong.push(leading);
  return { strong, weak: () => evaluativeCandidates(text, vocabulary, read), negated };
}

/** A JSON field's value as an amount: 7, "7", "$7", "seven dollars". */
export function amountFromJson(value: unknown, space: IntegerActionSpace): Read | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return { values: [value], end: 0 };
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const r = amountReader(space)(text, 0);
  return r && /^[\s.!]*$/.test(text.slice(r.end)) ? r : undefined;
}
