/**
 * Index of the first UTF-16 surrogate without its partner, or null when the text is well formed.
 * Such a code unit (text cut inside an emoji, a bad decoder) has no UTF-8 encoding: JSON.stringify
 * writes it as an escape, and trainers reading the file as UTF-8 reject it or mangle it.
 */
export function loneSurrogateAt(text: string): number | null {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++;
      continue;
    }
    return i;
  }
  return null;
}
