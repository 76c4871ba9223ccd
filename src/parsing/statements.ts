import { candidate, type Candidate, type Extraction, type Read, type Reader } from './decision.js';

/**
 * Decision statements shared by every action space: a first-person verb phrase ("I'd pick"),
 * a decision noun ("My answer is", "Final answer:"), an evaluative phrase ("the best option
 * for me is") and a bare correction ("wait, no: D"). The space supplies the verbs, nouns and a
 * reader for its values; this file decides which occurrences are decisions at all.
 */
export type Vocabulary = {
  /** Regex alternation of decision verbs, longest first ("go with|choose"). */
  verbs: string;
  /** Regex alternation of decision nouns ("answer|choice"). */
  nouns: string;
  /** What a negated statement means, if anything ("I won't donate anything" is 0). */
  onNegated?: Reader;
};

// Auxiliaries and adverbs between "I" and the verb. Tentative and negated ones are matched so
// they can be recognised and excluded, rather than letting the verb match without them.
const AUX = String.raw`(?:won't|wouldn't|don't|didn't|can't|couldn't|shouldn't|shan't|cannot|not|never|would|will|shall|should|must|am|do|did|have|has|had|been|be|could|can|might|may|going\s+to|gonna|have\s+to|got\s+to|need\s+to|decided\s+to|decide\s+to|chosen\s+to|choose\s+to|opted\s+to|opt\s+to|elected\s+to|want\s+to|wanna|like\s+to|prefer\s+to|plan\s+to|intend\s+to|definitely|certainly|therefore|thus|then|also|still|rather|ultimately|finally|now|personally|instead|happily|confidently|just|actually|hereby|clearly|again|hence|always|gladly)`;
const NEGATED = /\bnot\b|\bnever\b|n't\b|\bcannot\b/i;
const TENTATIVE = /\b(?:could|can|might|may)\b/i;
const ADJECTIVE = String.raw`(?:best|optimal|rational|right|wisest|smartest|better|logical|sensible|ideal|preferable|most\s+(?:rational|logical|sensible|beneficial|advantageous|reasonable|strategic))`;
const SIMPLE_NOUN = /^(?:answer|choice|decision)$/i;
// Openers after which a bare "Answer: C" or "The answer is C" still reads as the writer's own.
const FILLER = /^[\s\-*•]*(?:(?:so|thus|therefore|hence|overall|ultimately|finally|in (?:conclusion|summary|short|the end)|to (?:conclude|summari[sz]e)|as a result)\s*,?\s*)?(?:the\s+)?$/i;
const CORRECTION_LEAD =
  /\b(?:actually|wait|sorry|correction|scratch that|on second thoughts?|on (?:further )?reflection|I mean|make (?:that|it)|no\s*[,:;!.-])(?:[\s,.:;!-]|\b(?:no|I mean|make (?:that|it)|rather|actually|wait)\b)*/gi;

// Conditions and concessions ("if I choose C", "although I'd like to pick C") are not decisions.
const HYPOTHETICAL_BEFORE = /\b(?:if|when|whenever|whether|suppose|supposing|assuming|unless|imagine|in case|while|whilst|although|though)\b|^\s*(?:should|would|will|do|did|can|could|shall|must|were|had)\s*$/i;
const REPORTED_BEFORE =
  /\b(?:they|he|she|coplayer|co-player|opponent|counterpart|partner|other\s+(?:player|party|side|delegate|ceo|resident|investor|athlete))s?\b.*\b(?:thinks?|expects?|believes?|assumes?|predicts?|anticipates?|knows?|suspects?|guess(?:es)?|hopes?|fears?|sees?|realizes?|realises?)\b/i;
const CONDITION_AFTER = /^\s*,?\s*(?:only\s+)?(?:if|when|whenever|unless|provided|assuming|in case)\b/i;
const CLAUSE_RESET = /\b(?:so|then|therefore|thus|hence|but|however)\b/gi;
// Pronouns are always subjects; nouns only when a verb follows ("trust the coplayer and pick C" is still mine).
const OTHER_SUBJECT =
  /\b(?:they|he|she|we|you)\b|\b(?:coplayer|co-player|opponent|other player|others|everyone)\s+(?:will|would|might|may|could|can|should|is|are|does|did|also|probably|likely|chooses|picks|decides)\b/i;
// "I don't think I will choose C" negates the statement from outside it.
const NEGATED_BEFORE = /\b(?:(?:do|does|did)\s+not|don't|doesn't|didn't)\s+(?:think|believe|expect)\b|\bdoubt\b|\bunlikely\b/i;

// Look-behind is capped so a long unpunctuated answer cannot make parsing quadratic.
const MAX_LOOKBEHIND = 400;

function lastBoundary(text: string, index: number, chars: string): number {
  const stop = Math.max(0, index - MAX_LOOKBEHIND);
  for (let i = index - 1; i >= stop; i--) if (chars.includes(text[i]!)) return i + 1;
  return stop;
}

function clausePrefix(text: string, index: number): string {
  const prefix = text.slice(lastBoundary(text, index, '.;:!?\n,'), index);
  let cut = 0;
  for (const m of prefix.matchAll(CLAUSE_RESET)) cut = m.index + m[0].length;
  return prefix.slice(cut);
}

/** True when an occurrence is not the writer's decision: a condition, a question, or someone else's view. */
export function notADecision(text: string, index: number, end: number): boolean {
  const before = clausePrefix(text, index);
  const after = text.slice(end);
  return (
    HYPOTHETICAL_BEFORE.test(before) ||
    conditionalSentence(text, index) ||
    REPORTED_BEFORE.test(before) ||
    CONDITION_AFTER.test(after) ||
    /^[^.!\n,;]{0,15}\?/.test(after)
  );
}

// "If the coplayer picks D, I would pick D" is a contingent plan, not the decision; "even if",
// "so" and idioms such as "if I had to choose" still lead to the writer's actual choice.
const CONDITIONAL_OPENING = /^[\s,]*(?:and\s+)?(?:if|when|whenever|unless|assuming|suppose|supposing|in case)\b/i;
const DECIDING_IDIOM = /\bif I (?:had|have|were|was) to\b|\bif (?:I'm |I am )?(?:forced|pressed|asked) to\b|\bif I must\b|\bif you ask me\b|\bwhen it comes to\b/i;
const SENTENCE_RESET = /\b(?:but|however|so|therefore|thus|hence)\b/gi;

function conditionalSentence(text: string, index: number): boolean {
  const sentence = text.slice(lastBoundary(text, index, '.!?\n;'), index);
  let cut = 0;
  for (const m of sentence.matchAll(SENTENCE_RESET)) cut = m.index + m[0].length;
  const part = sentence.slice(cut);
  return CONDITIONAL_OPENING.test(part) && !DECIDING_IDIOM.test(part);
}

// "and choose C" belongs to the writer only if the sentence's last subject is "I".
function conjunctionIsMine(text: string, index: number): boolean {
  const sentence = text.slice(lastBoundary(text, index, '.!?\n;'), index);
  const mine = [...sentence.matchAll(/\bI\b/g)].pop();
  return mine !== undefined && !OTHER_SUBJECT.test(sentence.slice(mine.index + 1));
}

export function statementCandidates(text: string, vocab: Vocabulary, reader: Reader): Extraction {
  const out: Extraction = { strong: [], weak: [], negated: [] };
  const firstPerson = new RegExp(String.raw`\b(I|and|let\s+me)((?:'(?:d|ll|m|ve)\b|\s+${AUX}\b)*)\s+(?:${vocab.verbs})\b`, 'gi');
  for (const m of text.matchAll(firstPerson)) {
    const lead = m.index + m[0].length;
    const aux = m[2] ?? '';
    if (m[1]!.toLowerCase() === 'and' && !conjunctionIsMine(text, m.index)) continue;
    if (NEGATED.test(aux) || NEGATED_BEFORE.test(clausePrefix(text, m.index))) {
      const meant = vocab.onNegated?.(text, lead);
      if (meant && !notADecision(text, m.index, meant.end)) out.strong.push(candidate(text, m.index, meant, 'explicit-statement'));
      else out.negated.push(text.slice(m.index, reader(text, lead)?.end ?? lead).trim());
      continue;
    }
    if (TENTATIVE.test(aux)) continue;
    push(out.strong, text, m.index, reader(text, lead), 'explicit-statement');
  }

  const noun = new RegExp(
    String.raw`\b(?:(my|our|the)\s+)?(?:(final|ultimate)\s+)?(${vocab.nouns})\s*(?:is|will\s+be|would\s+be|remains|[:=-]|(?=\n))\s*(?:to\s+(?:${AUX}\s+)*(?:${vocab.verbs})\b)?`,
    'gi',
  );
  for (const m of text.matchAll(noun)) {
    const [, det, final, head] = m;
    const owned = /^(?:my|our)$/i.test(det ?? '') || final !== undefined;
    const opener = text.slice(lastBoundary(text, m.index, '.;:!?\n'), m.index) + (det ? `${det} ` : '');
    if (!owned && !(FILLER.test(opener) && (det === undefined || SIMPLE_NOUN.test(head!) || /\bI\b/.test(head!)))) continue;
    push(out.strong, text, m.index, reader(text, m.index + m[0].length), final ? 'final-answer' : 'explicit-statement');
  }

  const evaluative = new RegExp(
    String.raw`\b(?:the|my)\s+${ADJECTIVE}\s+(?:${vocab.nouns}|course\s+of\s+action)(?:\s+for\s+me|\s+here|\s+in\s+this\s+(?:situation|scenario|case|game))?\s*(?:is|would\s+be|seems\s+to\s+be|appears\s+to\s+be|:)\s*(?:to\s+(?:${AUX}\s+)*(?:${vocab.verbs})\b)?`,
    'gi',
  );
  for (const m of text.matchAll(evaluative)) {
    push(out.weak, text, m.index, reader(text, m.index + m[0].length), 'evaluative-statement');
  }

  for (const m of text.matchAll(CORRECTION_LEAD)) {
    const read = reader(text, m.index + m[0].length);
    // A bare correction must end there ("no: D."), so "Actually, C is worse" is not one.
    if (read && /^\s*(?:$|[\n.,;!)])/.test(text.slice(read.end))) out.strong.push(candidate(text, m.index, read, 'correction'));
  }
  return out;
}

function push(into: Candidate[], text: string, index: number, read: Read | undefined, source: Candidate['source']): void {
  if (read && !notADecision(text, index, read.end)) into.push(candidate(text, index, read, source));
}
