import { sanitizeForTerminal } from '../shared/terminal.js';

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Text for a Markdown table cell or line: HTML is neutralised (GitHub renders inline HTML),
 * the Markdown punctuation that could make links, emphasis, code or new cells is backslash-escaped.
 */
export function escapeMarkdown(text: string): string {
  return sanitizeForTerminal(text)
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}

/**
 * JSON for an inline <script type="application/json">: `<`, `>`, `&` and the JavaScript line
 * separators are written as \u escapes, so no data can close the script element.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export { sanitizeForTerminal as escapeTerminal };
