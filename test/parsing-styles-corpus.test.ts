import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../src/answers/parsing/parse-answer.js';
import { tallyRecall } from '../src/answers/parsing/recall.js';
import { buildStylesCorpus, STYLES } from './fixtures/parsing/styles-corpus.js';

// SYNTHETIC answers written in the styles of six model families (no model was called), each
// labelled with what a careful reader takes from it (test/fixtures/parsing/styles-corpus.ts).
const corpus = buildStylesCorpus();

describe('parseAnswer on answers written as six families of chat and reasoning models write', () => {
  it('holds at least 1,500 answers over six styles, both protocols and both kinds of action space', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(1500);
    const cells = new Set(corpus.map((e) => `${e.style}/${e.protocol}/${e.space.kind}`));
    expect(cells.size).toBe(STYLES.length * 2 * 2);
    expect(corpus.filter((e) => e.label === null).length).toBeGreaterThan(100);
  });

  it.each(STYLES)('%s: recall at least 99 percent, no wrong choice, no guess on choiceless text', (style) => {
    const t = tallyRecall(corpus.filter((e) => e.style === style));
    const misses = corpus
      .filter((e) => e.style === style)
      .flatMap((e) => {
        const r = parseAnswer(e.text, e.space);
        return (e.label === null) === !r.ok && (!r.ok || r.action === e.label)
          ? []
          : [`${JSON.stringify(e.text.slice(0, 90))} -> ${r.ok ? r.action : r.failure}`];
      });
    expect(t.wrong, misses.join('\n')).toBe(0);
    expect(t.guessed, misses.join('\n')).toBe(0);
    expect(t.read / t.withChoice, misses.join('\n')).toBeGreaterThanOrEqual(0.99);
  });

  it('is the same corpus for the same seed', () => {
    expect(buildStylesCorpus().map((e) => e.text)).toEqual(corpus.map((e) => e.text));
  });
});
