/** Strips control characters (ANSI escapes, carriage returns) so untrusted text cannot rewrite the terminal. */
export function sanitizeForTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\uFFFD');
}
