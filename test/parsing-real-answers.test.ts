import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { IntegerActionSpace } from '../src/catalogue/games/action-space.js';
import { loadCatalogue } from '../src/catalogue/index.js';
import { parseAnswer } from '../src/answers/parsing/parse-answer.js';

// REAL answers of three llama-2 chat models to the paper's public-goods game, labelled by hand
// (test/fixtures/parsing/lfb-pgg-answers.meta.yaml says where each comes from and how).
type Labelled = { model: string; n: number; text: string; amount: number };
const FIXTURE = new URL('./fixtures/parsing/lfb-pgg-answers.jsonl', import.meta.url);
const answers: Labelled[] = readFileSync(FIXTURE, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Labelled);
const MODELS = ['llama2-7b-chat', 'llama2-7b-chat-lfb-lora', 'llama2-70b-chat'] as const;
const space = loadCatalogue().findGame('public-goods')!.actionSpace as IntegerActionSpace;

/** What the game's stated rule makes of a labelled amount: cents rounded to the nearest dollar, halves up. */
const expectedAction = (amount: number) => (Number.isInteger(amount) ? amount : Math.floor(amount + 0.5));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const closure = (base: number, ft: number, teacher: number) => (100 * (ft - base)) / (teacher - base);

function readAll(model: string) {
  const rows = answers.filter((a) => a.model === model);
  const results = rows.map((row) => ({ row, result: parseAnswer(row.text, space) }));
  return {
    rows,
    read: results.filter((r) => r.result.ok),
    wrong: results.filter((r) => r.result.ok && r.result.action !== expectedAction(r.row.amount)),
    unread: results.filter((r) => !r.result.ok),
  };
}

describe('parseAnswer on real public-goods answers of three chat models', () => {
  it("holds 300 answers per model whose labels give the paper's mean donations (a check on the transcription)", () => {
    const means = MODELS.map((m) => mean(answers.filter((a) => a.model === m).map((a) => a.amount)));
    expect(MODELS.map((m) => answers.filter((a) => a.model === m).length)).toEqual([300, 300, 300]);
    expect(means.map((x) => x.toFixed(2))).toEqual(['5.49', '5.93', '7.00']);
  });

  it.each(MODELS)('reads %s: at least 99 percent read, none wrongly', (model) => {
    const { rows, read, wrong, unread } = readAll(model);
    expect(wrong.map((w) => w.row.text)).toEqual([]);
    expect(read.length / rows.length, unread.map((u) => u.row.text.slice(0, 80)).join(' | ')).toBeGreaterThanOrEqual(
      0.99,
    );
  });

  it('states each rounding it applied: the game declares cents rounded to the nearest dollar', () => {
    const rounded = MODELS.flatMap((m) => readAll(m).read).filter((r) => r.result.ok && r.result.rounded);
    expect(rounded.map((r) => r.row.amount)).toEqual([7.5, 7.5, 7.5, 7.5]);
    for (const r of rounded)
      expect(r.result).toMatchObject({ ok: true, action: 8, rounded: { from: 7.5, rule: 'round-half-up' } });
  });

  it(
    'under a game that rejects cents the same answers are a failure of their own, never out-of-range ' +
      'and never wrong',
    () => {
      const strict = { ...space, fractionalAmounts: 'reject' as const };
      const cents = answers.filter((a) => !Number.isInteger(a.amount));
      expect(cents.map((a) => parseAnswer(a.text, strict))).toEqual(
        cents.map(() => expect.objectContaining({ ok: false, failure: 'fractional-amount' })),
      );
    },
  );

  it('gives a gap closure from the parsed answers within 1.5 points of the one from every labelled answer', () => {
    const fromLabels = closure(
      ...(MODELS.map((m) => mean(answers.filter((a) => a.model === m).map((a) => a.amount))) as [
        number,
        number,
        number,
      ]),
    );
    const parsedMeans = MODELS.map((m) =>
      mean(readAll(m).read.map((r) => (r.result.ok ? (r.result.action as number) : NaN))),
    );
    const fromParsed = closure(...(parsedMeans as [number, number, number]));
    expect(fromLabels).toBeCloseTo(28.76, 1);
    expect(Math.abs(fromParsed - fromLabels)).toBeLessThanOrEqual(1.5);
  });
});
