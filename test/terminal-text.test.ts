import { describe, expect, it } from 'vitest';
import { sanitizeForTerminal } from '../src/shared/terminal.js';

describe('sanitizeForTerminal', () => {
  it('keeps ordinary text, accents and symbols', () => {
    expect(sanitizeForTerminal('Lorè & co. <model> 46.26 % [30.5, 39.2] ±')).toBe(
      'Lorè & co. <model> 46.26 % [30.5, 39.2] ±',
    );
  });

  it.each([
    ['ANSI escape', 'red\u001b[31mX'],
    ['newline forging a line', 'evil\nPASS gate'],
    ['carriage return', 'ok\rFAIL'],
    ['tab', 'a\tb'],
    ['C1 control', 'a\u009bb'],
    ['right-to-left override', 'abc\u202edef'],
    ['zero-width space', 'a\u200bb'],
    ['line separator', 'a\u2028b'],
  ])('neutralises %s', (_name, text) => {
    const out = sanitizeForTerminal(text);
    expect(out).toContain('\uFFFD');
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  });
});
