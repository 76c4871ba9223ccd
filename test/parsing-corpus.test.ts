import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ActionSpace } from '../src/catalogue/games/action-space.js';
import { parseAnswer } from '../src/answers/parsing/parse-answer.js';
import type { ParseResult } from '../src/answers/parsing/parse-result.js';
import {
  buildParsingCorpus,
  corpusFingerprint,
  CORPUS_SEED,
  CORPUS_SIZE,
  CORPUS_SPACES,
} from './fixtures/parsing/corpus.js';
import { EXPECTED_FILE, parseEntry } from './fixtures/parsing/record-corpus-expected.js';

// The parser's outputs on a seeded SYNTHETIC corpus, recorded before it was optimised: any
// change of what it returns, for any of the 3,000 answers, fails here.
type Recorded = {
  seed: string;
  size: number;
  fingerprint: string;
  results: Array<{ id: number; template: string; result: ParseResult }>;
};
const recorded = JSON.parse(readFileSync(EXPECTED_FILE, 'utf8')) as Recorded;
const corpus = buildParsingCorpus(recorded.seed, recorded.size);

describe('parseAnswer on the recorded corpus', () => {
  it('regenerates the corpus the outputs were recorded for', () => {
    expect([recorded.seed, recorded.size]).toEqual([CORPUS_SEED, CORPUS_SIZE]);
    // A mismatch here means corpus.ts changed, not the parser: re-record and review the diff.
    expect(corpusFingerprint(corpus)).toBe(recorded.fingerprint);
  });

  it('returns exactly the recorded result for every answer', () => {
    const mismatches = corpus.flatMap((entry, i) => {
      const actual = parseEntry(entry);
      const expected = recorded.results[i]!;
      return expected.id === entry.id && JSON.stringify(actual) === JSON.stringify(expected.result)
        ? []
        : [
            {
              id: entry.id,
              template: entry.template,
              text: entry.text.slice(0, 300),
              expected: expected.result,
              actual,
            },
          ];
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(mismatches).toHaveLength(0);
  });

  it('covers every outcome and rule the parser can report, so the record pins each path', () => {
    const outcomes = new Set(recorded.results.map(({ result }) => (result.ok ? `ok:${result.rule}` : result.failure)));
    for (const kind of ['empty', 'no-choice', 'ambiguous', 'out-of-range', 'refusal', 'truncated'])
      expect(outcomes, kind).toContain(kind);
    const rules = [
      'json',
      'final-answer',
      'explicit-statement',
      'correction',
      'self-correction',
      'bare-letter',
      'leading-letter',
      'leading-number',
      'standalone-line',
      'evaluative-statement',
    ];
    for (const rule of rules) expect(outcomes, rule).toContain(`ok:${rule}`);
    const lengths = corpus.map((e) => e.text.length);
    expect(Math.max(...lengths)).toBeGreaterThan(1500);
  });
});

describe('pathological answers still get their proper result', () => {
  const CD: ActionSpace = CORPUS_SPACES.CD;
  const PG: ActionSpace = CORPUS_SPACES.PG;
  const REASONING =
    'My coplayer is driven by the same motives as I am, so I expect them to reason the way I do. If I choose C ' +
    'and the coplayer chooses D, I get only 2 points. ';
  const pad = (unit: string, chars: number) => unit.repeat(Math.ceil(chars / unit.length));

  it('reads the decision at the end of a 100 kB answer', () => {
    const text = `${pad(REASONING, 100_000)}\n\nTherefore, I choose D.`;
    expect(text.length).toBeGreaterThan(100_000);
    expect(parseAnswer(text, CD)).toEqual({
      ok: true,
      action: 'D',
      rule: 'explicit-statement',
      evidence: 'I choose D',
    });
  });

  it('finds no decision in 100 kB of unpunctuated reasoning', () => {
    const text = pad(REASONING.replace(/[.,]/g, ''), 100_000);
    expect(parseAnswer(text, CD)).toMatchObject({ ok: false, failure: 'no-choice' });
    expect(parseAnswer(text, PG)).toMatchObject({ ok: false, failure: 'no-choice' });
  });

  it("reads 50,000 repeated 'C ' as no decision: a run of letters states none", () => {
    const text = 'C '.repeat(50_000);
    expect(parseAnswer(text, CD)).toMatchObject({ ok: false, failure: 'no-choice' });
    expect(parseAnswer(text, PG)).toMatchObject({ ok: false, failure: 'no-choice' });
    // The same run in a statement names both options over and over: never a single choice.
    expect(parseAnswer(`I choose ${'C or D '.repeat(20_000)}`, CD)).toMatchObject({ ok: false, failure: 'ambiguous' });
  });

  it('quotes the refusal after 100 kB of repeated apologies, and reads none where no sentence declines', () => {
    const refusal = parseAnswer(`${"I'm sorry ".repeat(10_000)}but I can't play. Really.`, CD);
    expect(refusal).toMatchObject({ ok: false, failure: 'refusal' });
    expect(refusal.ok ? '' : refusal.reason).toMatch(
      /^the answer declines to choose: "I'm sorry I'm sorry .*but I can't play"$/,
    );
    expect(parseAnswer("I'm sorry ".repeat(10_000), CD)).toMatchObject({ ok: false, failure: 'no-choice' });
  });

  it('settles a 100 kB chain of statements each taken back with "instead"', () => {
    const text = `${'I choose C, I choose D, '.repeat(4_000)}instead`;
    expect(parseAnswer(text, CD)).toEqual({ ok: true, action: 'D', rule: 'self-correction', evidence: 'I choose D' });
  });

  it('reads nothing from 50,000 unbalanced braces and a long run of markdown markers', () => {
    expect(parseAnswer('{'.repeat(50_000), CD)).toMatchObject({ ok: false, failure: 'no-choice' });
    expect(parseAnswer('{"answer": '.repeat(10_000), CD)).toMatchObject({ ok: false, failure: 'no-choice' });
    expect(parseAnswer('*'.repeat(100_000), CD)).toMatchObject({ ok: false, failure: 'empty' });
    expect(parseAnswer(`${'*a'.repeat(50_000)}`, CD)).toMatchObject({ ok: false, failure: 'no-choice' });
  });
});
