/**
 * Recognises an answer that declines to play. It runs after the decision steps, because
 * "As an AI I have no preferences, but I would choose C" is a choice, not a refusal.
 */
const REFUSALS: readonly RegExp[] = [
  /\bI(?:'m| am)\s+(?:so\s+|very\s+)?(?:sorry|afraid)\b[^.\n]*?\b(?:can(?:not|'t)|unable|won't|will not|not (?:able|comfortable|in a position))\b[^.\n]*/i,
  /\bI\s+(?:cannot|can't|can not|won't|will not|must decline to|decline to|refuse to|am unable to|'m unable to|am not able to|'m not able to|do not feel comfortable|don't feel comfortable)\s+(?:\w+\s+){0,3}?(?:participat\w*|play\w*|choos\w*|mak\w*|engag\w*|provid\w*|select\w*|pick\w*|answer\w*|tak\w* part|role-?play\w*|compl\w*|assist\w*|help\w*|donat\w*|decid\w*)\b[^.\n]*/i,
  /\bas an? (?:AI|artificial intelligence|(?:large )?language model|assistant)\b[^.\n]*/i,
  /\bI(?:'m| am) (?:just |only )?(?:an? )?(?:AI|language model|chatbot)\b[^.\n]*/i,
  /\bI\s+(?:don't|do not)\s+(?:make (?:choices|decisions)|have (?:personal )?(?:preferences|opinions|the ability))\b[^.\n]*/i,
];

/** The refusal sentence, if the answer contains one. */
export function findRefusal(text: string): string | undefined {
  for (const re of REFUSALS) {
    const m = re.exec(text);
    if (m) return m[0].trim();
  }
  return undefined;
}
