/**
 * Recognises an answer that declines to play. It runs after the decision steps, because
 * "As an AI I have no preferences, but I would choose C" is a choice, not a refusal.
 */

// "I'm sorry, ... but I can't ...": an apology and an inability in one sentence. Written as one
// regex (/\bI(?:'m| am)\s+(?:so\s+|very\s+)?(?:sorry|afraid)\b[^.\n]*?\b(?:can(?:not|'t)|...)\b[^.\n]*/i)
// it retried the lazy gap from every apology, quadratic in a long sentence of apologies; here
// each part is searched once, moving forward, with the same match.
const APOLOGY = /\bI(?:'m| am)\s+(?:so\s+|very\s+)?(?:sorry|afraid)\b/gi;
const INABILITY = /\b(?:can(?:not|'t)|unable|won't|will not|not (?:able|comfortable|in a position))\b/gi;
const SENTENCE_STOP = /[.\n]/g;

/** The first apology whose sentence goes on to say the writer cannot, from the apology to the sentence's end. */
function apologeticRefusal(text: string): string | undefined {
  let inability = -1;
  let stop = -1;
  APOLOGY.lastIndex = 0;
  for (let m = APOLOGY.exec(text); m !== null; m = APOLOGY.exec(text)) {
    const from = APOLOGY.lastIndex;
    if (inability < from) inability = nextMatch(INABILITY, text, from);
    if (stop < from) stop = nextMatch(SENTENCE_STOP, text, from);
    if (inability < stop) {
      APOLOGY.lastIndex = 0;
      return text.slice(m.index, stop);
    }
  }
  return undefined;
}

/** Where the next match of a global regex at or after `from` starts; text.length when there is none. */
function nextMatch(re: RegExp, text: string, from: number): number {
  re.lastIndex = from;
  const m = re.exec(text);
  re.lastIndex = 0;
  return m === null ? text.length : m.index;
}

const REFUSALS: ReadonlyArray<RegExp | ((text: string) => string | undefined)> = [
  apologeticRefusal,
  new RegExp(
    String.raw`\bI\s+(?:cannot|can't|can not|won't|will not|must decline to|decline to` +
      String.raw`|refuse to|am unable to|'m unable to|am not able to|'m not able to` +
      String.raw`|do not feel comfortable|don't feel comfortable)\s+(?:\w+\s+){0,3}?` +
      String.raw`(?:participat\w*|play\w*|choos\w*|mak\w*|engag\w*|provid\w*|select\w*|pick\w*` +
      String.raw`|answer\w*|tak\w* part|role-?play\w*|compl\w*|assist\w*|help\w*|donat\w*` +
      String.raw`|decid\w*)\b[^.\n]*`,
    'i',
  ),
  /\bas an? (?:AI|artificial intelligence|(?:large )?language model|assistant)\b[^.\n]*/i,
  /\bI(?:'m| am) (?:just |only )?(?:an? )?(?:AI|language model|chatbot)\b[^.\n]*/i,
  new RegExp(
    String.raw`\bI\s+(?:don't|do not)\s+` +
      String.raw`(?:make (?:choices|decisions)|have (?:personal )?` +
      String.raw`(?:preferences|opinions|the ability))\b[^.\n]*`,
    'i',
  ),
];

/** The refusal sentence, if the answer contains one. */
export function findRefusal(text: string): string | undefined {
  for (const find of REFUSALS) {
    if (typeof find === 'function') {
      const found = find(text);
      if (found !== undefined) return found.trim();
      continue;
    }
    const m = find.exec(text);
    if (m) return m[0].trim();
  }
  return undefined;
}
