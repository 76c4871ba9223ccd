import { allMatches } from './all-matches.js';
import type { Action } from '../../catalogue/games/action-space.js';
import { candidate, type Candidate, type Read, type Reader } from './decision.js';

/**
 * Decision statements shared by every action space: a first-person verb phrase ("I'd pick"),
 * a decision noun ("My answer is", "Final answer:"), an evaluative phrase ("the best option
 * for me is") and a bare correction ("wait, no: D"). The space supplies the verbs, nouns and a
 * reader for its values; this file decides which occurrences are decisions at all. Patterns
 * are compiled once per Vocabulary object, so a space keeps one and never changes it.
 */
export type Vocabulary = {
  /** Regex alternation of decision verbs, longest first ("go with|choose"). */
  verbs: string;
  /** Regex alternation of decision nouns ("answer|choice"). */
  nouns: string;
  /** What a negated statement means, if anything ("I won't donate anything" is 0). */
  onNegated?: Reader;
  /** Verbs that are themselves options ("I'll cooperate"), and the option each names. */
  actionVerbs?: { pattern: string; option: (word: string) => Action | undefined };
};

// Auxiliaries and adverbs between "I" and the verb. Tentative and negated ones are matched so
// they can be recognised and excluded, rather than letting the verb match without them.
const AUX =
  String.raw`(?:won't|wouldn't|don't|didn't|can't|couldn't|shouldn't|shan't|cannot|not` +
  String.raw`|never|would|will|shall|should|must|am|do|did|have|has|had|been|be|could|can` +
  String.raw`|might|may|going\s+to|gonna|have\s+to|got\s+to|need\s+to|decided\s+to` +
  String.raw`|decide\s+to|chosen\s+to|choose\s+to|opted\s+to|opt\s+to|elected\s+to` +
  String.raw`|want\s+to|wanna|like\s+to|prefer\s+to|plan\s+to|intend\s+to|definitely` +
  String.raw`|certainly|therefore|thus|then|also|still|rather|ultimately|finally|now` +
  String.raw`|personally|instead|happily|confidently|just|actually|hereby|clearly|again` +
  String.raw`|hence|always|gladly)`;
const NEGATED = /\bnot\b|\bnever\b|n't\b|\bcannot\b/i;
const TENTATIVE = /\b(?:could|can|might|may)\b/i;
const ADJECTIVE =
  String.raw`(?:best|optimal|rational|right|wisest|smartest|better|logical|sensible|ideal` +
  String.raw`|preferable|most\s+` +
  String.raw`(?:rational|logical|sensible|beneficial|advantageous|reasonable|strategic))`;
const SIMPLE_NOUN = /^(?:answer|choice|decision|final)$/i;
// Openers after which a bare "Answer: C" or "The answer is C" still reads as the writer's own.
const FILLER = new RegExp(
  String.raw`^[\s\-*•]*(?:(?:so|thus|therefore|hence|overall|ultimately|finally` +
    String.raw`|in (?:conclusion|summary|short|the end)|to (?:conclude|summari[sz]e)` +
    String.raw`|as a result)\s*,?\s*)?(?:the\s+)?$`,
  'i',
);
const CORRECTION_LEAD = new RegExp(
  String.raw`\b(?:actually|wait|sorry|correction|scratch that|on second thoughts?` +
    String.raw`|on (?:further )?reflection|I mean|make (?:that|it)|no\s*[,:;!.-])` +
    String.raw`(?:[\s,.:;!-]|\b(?:no|I mean|make (?:that|it)|rather|actually|wait)\b)*`,
  'gi',
);

// Conditions and concessions ("if I choose C", "although I'd like to pick C") are not decisions.
const HYPOTHETICAL_BEFORE = new RegExp(
  String.raw`\b(?:if|when|whenever|whether|suppose|supposing|assuming|unless|imagine` +
    String.raw`|in case|while|whilst|although|though)\b` +
    String.raw`|^\s*(?:should|would|will|do|did|can|could|shall|must|were|had)\s*$`,
  'i',
);
const REPORTED_BEFORE = new RegExp(
  String.raw`\b(?:they|he|she|coplayer|co-player|opponent|counterpart|partner` +
    String.raw`|other\s+(?:player|party|side|delegate|ceo|resident|investor|athlete))s?\b.*\b` +
    String.raw`(?:thinks?|expects?|believes?|assumes?|predicts?|anticipates?|knows?|suspects?` +
    String.raw`|guess(?:es)?|hopes?|fears?|sees?|realizes?|realises?)\b`,
  'i',
);
const CONDITION_AFTER = /^\s*,?\s*(?:only\s+)?(?:if|when|whenever|unless|provided|assuming|in case)\b/i;
const CLAUSE_RESET = /\b(?:so|then|therefore|thus|hence|but|however)\b/gi;
// Pronouns are always subjects; nouns only when a verb follows ("trust the coplayer and pick C" is still mine).
const OTHER_SUBJECT = new RegExp(
  String.raw`\b(?:they|he|she|we|you)\b|\b` +
    String.raw`(?:coplayer|co-player|opponent|other player|others|everyone)\s+` +
    String.raw`(?:will|would|might|may|could|can|should|is|are|does|did|also|probably|likely` +
    String.raw`|chooses|picks|decides)\b`,
  'i',
);
// "I don't think I will choose C" negates the statement from outside it.
const NEGATED_BEFORE =
  /\b(?:(?:do|does|did)\s+not|don't|doesn't|didn't)\s+(?:think|believe|expect)\b|\bdoubt\b|\bunlikely\b/i;

// Look-behind is capped so a long unpunctuated answer cannot make parsing quadratic.
const MAX_LOOKBEHIND = 400;

// Boundary characters (all ASCII) as a lookup by character code: this scan runs several times
// per statement found, over up to MAX_LOOKBEHIND characters each.
function charSet(chars: string): Uint8Array {
  const set = new Uint8Array(128);
  for (const c of chars) set[c.charCodeAt(0)] = 1;
  return set;
}
const CLAUSE_ENDS = charSet('.;:!?\n,');
const SENTENCE_ENDS = charSet('.!?\n;');
const OPENER_ENDS = charSet('.;:!?\n');

function lastBoundary(text: string, index: number, chars: Uint8Array): number {
  const stop = Math.max(0, index - MAX_LOOKBEHIND);
  for (let i = index - 1; i >= stop; i--) {
    const code = text.charCodeAt(i);
    if (code < 128 && chars[code] === 1) return i + 1;
  }
  return stop;
}

/** The end of the last match of a global regex in `text`, or 0. */
function afterLastMatch(re: RegExp, text: string): number {
  let cut = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) cut = m.index + m[0].length;
  return cut;
}

function clausePrefix(text: string, index: number): string {
  const prefix = text.slice(lastBoundary(text, index, CLAUSE_ENDS), index);
  return prefix.slice(afterLastMatch(CLAUSE_RESET, prefix));
}

const QUESTION_AFTER = /^[^.!\n,;]{0,15}\?/;

/**
 * True when an occurrence is not the writer's decision: a condition, a question, or someone
 * else's view. `before` is clausePrefix(text, index), passed by callers that already have it.
 */
export function notADecision(
  text: string,
  index: number,
  end: number,
  before: string = clausePrefix(text, index),
): boolean {
  const after = text.slice(end);
  return (
    HYPOTHETICAL_BEFORE.test(before) ||
    conditionalSentence(text, index) ||
    REPORTED_BEFORE.test(before) ||
    CONDITION_AFTER.test(after) ||
    QUESTION_AFTER.test(after)
  );
}

// "If the coplayer picks D, I would pick D" is a contingent plan, not the decision; "even if",
// "so" and idioms such as "if I had to choose" still lead to the writer's actual choice.
const CONDITIONAL_OPENING = /^[\s,]*(?:and\s+)?(?:if|when|whenever|unless|assuming|suppose|supposing|in case)\b/i;
const DECIDING_IDIOM = new RegExp(
  String.raw`\bif I (?:had|have|were|was) to\b|\bif (?:I'm |I am )?` +
    String.raw`(?:forced|pressed|asked) to\b|\bif I must\b|\bif you ask me\b` +
    String.raw`|\bwhen it comes to\b`,
  'i',
);
const SENTENCE_RESET = /\b(?:but|however|so|therefore|thus|hence)\b/gi;

function conditionalSentence(text: string, index: number): boolean {
  const sentence = text.slice(lastBoundary(text, index, SENTENCE_ENDS), index);
  const part = sentence.slice(afterLastMatch(SENTENCE_RESET, sentence));
  return CONDITIONAL_OPENING.test(part) && !DECIDING_IDIOM.test(part);
}

const PRONOUN_I = /\bI\b/g;

// "and choose C" belongs to the writer only if the sentence's last subject is "I".
function conjunctionIsMine(text: string, index: number): boolean {
  const sentence = text.slice(lastBoundary(text, index, SENTENCE_ENDS), index);
  const mine = afterLastMatch(PRONOUN_I, sentence);
  return mine !== 0 && !OTHER_SUBJECT.test(sentence.slice(mine));
}

type Patterns = { firstPerson: RegExp; noun: RegExp; evaluative: RegExp; telegraphic: RegExp };

// Telegraphic decisions drop the subject: "Going with D; the downside of C is too large.",
// "Contributing $7." Only -ing forms opening a sentence, and only when the sentence ends with
// the value, so "Choosing C would be risky" stays a description.
const TELEGRAPHIC_END = /^\s*(?:$|[.;!\n]|,?\s+(?:because|since|as|given)\b|\s+-\s)/i;
const ING = /^\w*ing\b/i;

// A decision noun phrase is a head with its modifiers: "my final answer", "my donation choice",
// "my choice of donation", "my chosen donation for the dorm party", "the option I pick". Words
// that only describe (expected, total, individual) are not modifiers of a decision.
const MODIFIER = String.raw`final|ultimate|chosen|selected|preferred|intended|planned|actual|definitive`;
const OWNING_MODIFIER = /^(?:final|ultimate|chosen|selected)$/i;
// "of donation", "for the dorm party", "for this round": words only, so "my contribution of $5" is not a head.
const QUALIFIER = String.raw`(?:\s+(?:of|for|in)\s+(?:[A-Za-z'-]+\s+){0,3}?[A-Za-z'-]+)?`;
// Word copulas need the space before them, so a qualifier's last word cannot end in one ("this" is not "th is").
const COPULA = String.raw`(?:\s+(?:is|will\s+be|would\s+be|shall\s+be|remains)\b|\s*[:=-]|\s*(?=\n))`;

function relativeClause(vocab: Vocabulary): string {
  return (
    String.raw`\s+(?:that\s+|which\s+)?I` +
    String.raw`(?:'ll|'d|'m\s+going\s+to|\s+` +
    String.raw`(?:will|would|shall|am\s+going\s+to|want\s+to|plan\s+to|intend\s+to` +
    String.raw`|have\s+decided\s+to|decided\s+to))?\s+(?:${vocab.verbs})`
  );
}

// Built once per vocabulary (each is over a kilobyte of source): rebuilding them for every
// answer was the parser's largest cost. Vocabularies live as long as their space's cache entry.
const PATTERNS = new WeakMap<Vocabulary, Patterns>();

function patternsOf(vocab: Vocabulary): Patterns {
  let patterns = PATTERNS.get(vocab);
  if (patterns === undefined) {
    patterns = buildPatterns(vocab);
    PATTERNS.set(vocab, patterns);
  }
  return patterns;
}

function buildPatterns(vocab: Vocabulary): Patterns {
  return {
    firstPerson: new RegExp(
      String.raw`\b(I|and|let\s+me)((?:'(?:d|ll|m|ve)\b|\s+${AUX}\b)*)\s+` +
        String.raw`(?:${vocab.verbs}` +
        String.raw`${vocab.actionVerbs ? `|(${vocab.actionVerbs.pattern})` : ''})\b`,
      'gi',
    ),
    noun: new RegExp(
      String.raw`\b(?:(my|our|the)\s+)?(?:(${MODIFIER})\s+)?` +
        String.raw`((?:${vocab.nouns}|final(?=\s*[:=]))(?:\s+(?:${vocab.nouns}))?)` +
        String.raw`(${relativeClause(vocab)})?${QUALIFIER}${COPULA}\s*` +
        String.raw`(?:to\s+(?:${AUX}\s+)*(?:${vocab.verbs})\b)?`,
      'gi',
    ),
    telegraphic: new RegExp(String.raw`(?:^|[.!?;\n])[ \t*_-]*(${vocab.verbs})\b`, 'gi'),
    evaluative: new RegExp(
      String.raw`\b(?:the|my)\s+${ADJECTIVE}\s+(?:${vocab.nouns}|course\s+of\s+action)` +
        String.raw`(?:\s+for\s+me|\s+here|\s+in\s+this\s+(?:situation|scenario|case|game))?\s*` +
        String.raw`(?:is|would\s+be|seems\s+to\s+be|appears\s+to\s+be|:)\s*` +
        String.raw`(?:to\s+(?:${AUX}\s+)*(?:${vocab.verbs})\b)?`,
      'gi',
    ),
  };
}

export type Statements = { strong: Candidate[]; negated: string[] };

const OWNING = /^(?:my|our)$/i;
const HAS_I = /\bI\b/;
const CORRECTION_END = /^\s*(?:$|[\n.,;!)])/;

export function statementCandidates(text: string, vocab: Vocabulary, reader: Reader): Statements {
  const out: Statements = { strong: [], negated: [] };
  const { firstPerson, noun } = patternsOf(vocab);
  for (const m of allMatches(firstPerson, text)) {
    const lead = m.index + m[0].length;
    const aux = m[2] ?? '';
    if (m[1]!.toLowerCase() === 'and' && !conjunctionIsMine(text, m.index)) continue;
    const before = clausePrefix(text, m.index);
    if (NEGATED.test(aux) || NEGATED_BEFORE.test(before)) {
      const meant = vocab.onNegated?.(text, lead);
      if (meant && !notADecision(text, m.index, meant.end, before))
        out.strong.push(candidate(text, m.index, meant, 'explicit-statement'));
      else out.negated.push(text.slice(m.index, reader(text, lead)?.end ?? lead).trim());
      continue;
    }
    if (TENTATIVE.test(aux)) continue;
    const named = m[3] === undefined ? undefined : vocab.actionVerbs?.option(m[3]);
    const read = named === undefined ? reader(text, lead) : { values: [named], end: lead };
    push(out.strong, text, m.index, read, 'explicit-statement', before);
  }

  for (const m of allMatches(noun, text)) {
    const [, det, modifier, head, relative] = m;
    const final =
      (modifier !== undefined && /^(?:final|ultimate)$/i.test(modifier)) || /^final$/i.test(head!)
        ? 'final'
        : undefined;
    const owned =
      OWNING.test(det ?? '') || (modifier !== undefined && OWNING_MODIFIER.test(modifier)) || relative !== undefined;
    const opener = text.slice(lastBoundary(text, m.index, OPENER_ENDS), m.index) + (det ? `${det} ` : '');
    if (!owned && !(FILLER.test(opener) && (det === undefined || SIMPLE_NOUN.test(head!) || HAS_I.test(head!))))
      continue;
    push(out.strong, text, m.index, reader(text, m.index + m[0].length), final ? 'final-answer' : 'explicit-statement');
  }

  for (const m of allMatches(patternsOf(vocab).telegraphic, text)) {
    if (!ING.test(m[1]!)) continue;
    const index = m.index + m[0].length - m[1]!.length;
    const read = reader(text, m.index + m[0].length);
    if (read && TELEGRAPHIC_END.test(text.slice(read.end)))
      out.strong.push(candidate(text, index, read, 'explicit-statement'));
  }

  for (const m of allMatches(CORRECTION_LEAD, text)) {
    const read = reader(text, m.index + m[0].length);
    // A bare correction must end there ("no: D."), so "Actually, C is worse" is not one.
    if (read && CORRECTION_END.test(text.slice(read.end)))
      out.strong.push(candidate(text, m.index, read, 'correction'));
  }
  return out;
}

/** "The best option for me is D": weak, because the same words also describe payoffs. */
export function evaluativeCandidates(text: string, vocab: Vocabulary, reader: Reader): Candidate[] {
  const out: Candidate[] = [];
  for (const m of allMatches(patternsOf(vocab).evaluative, text)) {
    push(out, text, m.index, reader(text, m.index + m[0].length), 'evaluative-statement');
  }
  return out;
}

function push(
  into: Candidate[],
  text: string,
  index: number,
  read: Read | undefined,
  source: Candidate['source'],
  before?: string,
): void {
  if (read && !notADecision(text, index, read.end, before)) into.push(candidate(text, index, read, source));
}
