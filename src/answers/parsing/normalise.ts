/**
 * First pipeline step: bring an answer to plain text so later steps need one spelling of
 * each thing. It removes presentation (markdown, code fences, HTML emphasis, LaTeX boxes,
 * typographic quotes and dashes) but never words, so evidence still reads like the answer.
 */

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u02BC]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g;
// Minus sign, hyphens and en/em dashes all become '-', so "C — because" and "−3" need one pattern.
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const FENCE_LINE = /^[ \t]*(?:```|~~~)[\w+-]*[ \t]*$/gm;
const HEADING = /^[ \t]{0,3}#{1,6}[ \t]*/gm;
const BLOCKQUOTE = /^[ \t]*>[ \t]?/gm;
const HTML_EMPHASIS = /<\/?(?:b|strong|em|i|u|code|mark|answer|choice|final_answer)>/gi;
const LATEX_WRAPPER = /\\(?:boxed|text|textbf|mathbf|mathrm)\{([^{}]*)\}/g;
const STAR_EMPHASIS = /\*{1,3}(?=\S)([^*\n]*?\S)\*{1,3}/g;
// Underscore emphasis only at word edges, so identifiers like final_answer survive.
const UNDERSCORE_EMPHASIS = /(?<!\w)_{1,3}(?=\S)([^_\n]*?\S)_{1,3}(?!\w)/g;

// Chat-template tokens a model leaks into its text (<|im_start|>assistant, [INST], </s>) and
// speaker labels opening a line ("User: I choose D", "Assistant: C"): the words after them are
// still the model's, so only the labels go.
const TEMPLATE_TOKEN = /<\|[a-z_]{1,20}\|>(?:assistant|user|system)?|\[\/?INST\]|<\/?s>|<<\/?SYS>>/gi;
const SPEAKER_LABEL = /^[ \t]*(?:\[?(?:user|assistant|ai|human|bot|model|gpt|llama|system)\]?)[ \t]*:[ \t]*/gim;
// Markdown tables: "| Decision | D |" reads as "Decision: D"; divider rows go.
const TABLE_DIVIDER = /^[ \t]*\|?[ \t:]*-{2,}[ \t:]*(?:\|[ \t:]*-{2,}[ \t:]*)*\|?[ \t]*$/gm;
const TABLE_ROW = /^[ \t]*\|(.*)\|[ \t]*$/gm;

function tableRow(_: string, inner: string): string {
  const cells = inner.split('|').map((c) => c.trim());
  return cells.length === 2 && cells[0] !== '' ? `${cells[0]}: ${cells[1]}` : cells.join(' ; ');
}

// Non-ASCII text is all that NFKC, the zero-width and the typographic passes can change.
const NON_ASCII = /[^\x00-\x7F]/;
// Runs of blanks other than a single space: a lone space is already what the pass writes.
const BLANK_RUNS = /[ \t\u00A0]{2,}|[\t\u00A0]/g;

/**
 * Each pass runs only when the text holds a character it needs to match, which gives the same
 * text as running it; most answers are plain ASCII prose, so most passes are skipped.
 */
export function normalise(raw: string): string {
  const ascii = !NON_ASCII.test(raw);
  let text = raw;
  if (!ascii) text = text.normalize('NFKC').replace(ZERO_WIDTH, '');
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  if (!ascii) text = text.replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"').replace(DASHES, '-');
  if (text.includes('```') || text.includes('~~~')) text = text.replace(FENCE_LINE, '');
  if (text.includes('`')) text = text.replace(/`+/g, '');
  if (text.includes('<') || text.includes('[')) text = text.replace(TEMPLATE_TOKEN, ' ');
  if (text.includes(':')) text = text.replace(SPEAKER_LABEL, '');
  if (text.includes('|')) text = text.replace(TABLE_DIVIDER, '').replace(TABLE_ROW, tableRow);
  if (text.includes('<')) text = text.replace(HTML_EMPHASIS, '');
  // Nested wrappers such as \boxed{\text{C}} need one pass per level.
  if (text.includes('\\')) for (let i = 0; i < 3; i++) text = text.replace(LATEX_WRAPPER, '$1');
  if (text.includes('#')) text = text.replace(HEADING, '');
  if (text.includes('>')) text = text.replace(BLOCKQUOTE, '');
  if (text.includes('*')) text = text.replace(STAR_EMPHASIS, '$1');
  if (text.includes('_')) text = text.replace(UNDERSCORE_EMPHASIS, '$1');
  if (text.includes('*')) text = text.replace(/\*\*+/g, '');
  if (text.includes('  ') || text.includes('\t') || text.includes('\u00A0')) text = text.replace(BLANK_RUNS, ' ');
  return text.trim();
}
