/**
 * Makes untrusted text (model labels, scenario names from data files, model output) safe to print
 * on one line of a terminal: control characters (ANSI escapes, carriage returns), line and tab
 * breaks (a label must not forge a line such as "PASS ..."), zero-width and bidirectional
 * formatting characters (which can reorder what the reader sees) all become U+FFFD.
 */
export function sanitizeForTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g,
    '\uFFFD',
  );
}
