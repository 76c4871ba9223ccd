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

const HYPOTHETICAL_BEFORE = /\b(?:if|when|whenever|whether|suppose|supposing|assuming|unless|imagine|in case)\b|^\s*(?:should|would|will|do|did|can|could|shall|must|were|had)\s*$/i;
const REPORTED_BEFORE =
  /\b(?:they|he|she|coplayer|co-player|opponent|counterpart|partner|other\s+(?:player|party|side|delegate|ceo|resident|investor|athlete))s?\b.*\b(?:thinks?|expects?|believes?|assumes?|predicts?|anticipates?|knows?|suspects?|guess(?:es)?|hopes?|fears?|sees?|realizes?|realises?)\b/i;
const CONDITION_AFTER = /^\s*,?\s*(?:only\s+)?(?:if|when|whenever|unless|provided|assuming|in case)\b/i;
const CLAUSE_RESET = /\b(?:so|then|therefore|thus|hence|but|however)\b/gi;
const OTHER_SUBJECT = /\b(?:they|he|she|we|you|coplayer|co-player|opponent|other|others|everyone)\b/i;

function lastBoundary(text: string, index: number, chars: string): number {
  for (let i = index - 1; i >= 0; i--) if (chars.includes(text[i]!)) return i + 1;
  return 0;
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
    REPORTED_BEFORE.test(before) ||
    CONDITION_AFTER.test(after) ||
    /^[^.!\n]*\?/.test(after)
  );
}

// "and choose C" belongs to the writer only if the sentence's last subject is "I".
function conjunctionIsMine(text: string, index: number): boolean {
  const sentence = text.slice(lastBoundary(text, index, '.!?\n;'), index);
  const mine = [...sentence.matchAll(/\bI\b/g)].pop();
  return mine !== undefined && !OTHER_SUBJECT.test(sentence.slice(mine.index + 1));
}

export function statementCandidates(text: string, vocab: Vocabulary, reader: Reader): Extraction {
  const out: Extraction = { strong: [], weak: [], negated: [] };
  const firstPerson = new RegExp(String.raw`\b(I|and)((?:'(?:d|ll|m|ve)\b|\s+${AUX}\b)*)\s+(?:${vocab.verbs})\b`, 'gi');
  for (const m of text.matchAll(firstPerson)) {
    const lead = m.index + m[0].length;
    const aux = m[2] ?? '';
    if (m[1]!.toLowerCase() === 'and' && !conjunctionIsMine(text, m.index)) continue;
    if (m[1] === 'i') continue;
    if (NEGATED.test(aux)) {
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
    const opener = text.slice(lastBoundary(text, m.index, '.;:!?\n'), m.index) + (det ?? '');
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
