import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readReference } from '../src/recordings/reference/read-reference.js';
import { useTempDirs } from './helpers/temp-dir.js';
import { errorOf } from './helpers/error-of.js';

const catalogue = defaultCatalogue();
const tempDir = useTempDirs();

/** A reference file with the given scenario entries, written to a temp dir. */
function referenceFile(scenarios: Record<string, unknown>): string {
  const file = join(tempDir(), 'teacher.reference.json');
  const source = { origin: 'x.csv', kind: 'recorded-counts', built: 'test', catalogue: catalogue.version };
  writeFileSync(
    file,
    JSON.stringify({
      schema: 'stratalign.reference/v1',
      model: 'teacher',
      role: 'teacher',
      source,
      minValid: 30,
      scenarios,
    }),
  );
  return file;
}

describe('reading a reference file', () => {
  it('keeps a thin mark on the entry, so scores against it can say so', () => {
    const file = referenceFile({
      'IR/prison': { counts: { C: 2, D: 3 }, n: 5, failures: { refusal: 1 }, thin: true },
      'biz/staghunt': { counts: { C: 40, D: 60 }, n: 100, failures: {} },
    });
    const r = readReference(file, catalogue);
    expect(r.scenarios['international-relations/prisoners-dilemma']).toEqual({
      counts: { C: 2, D: 3 },
      n: 5,
      failures: { refusal: 1 },
      thin: true,
    });
    expect(r.scenarios['business/stag-hunt']!.thin).toBeUndefined();
  });

  it('accepts no answers only when the entry is marked thin', () => {
    const ok = readReference(
      referenceFile({ 'IR/prison': { counts: { C: 0, D: 0 }, n: 0, failures: { refusal: 4 }, thin: true } }),
      catalogue,
    );
    expect(ok.scenarios['international-relations/prisoners-dilemma']!.n).toBe(0);
    const file = referenceFile({ 'IR/prison': { counts: { C: 0, D: 0 }, n: 0, failures: {} } });
    const message = errorOf(() => readReference(file, catalogue)).message;
    expect(message).toContain(file);
    expect(message).toMatch(
      new RegExp(
        String.raw`scenarios\.IR\/prison\.n: no valid answers, so there is no distribution to score against ` +
          String.raw`\(got 0\)\. Fix: .*"thin": true`,
      ),
    );
  });

  it.each([
    [
      { 'IR/prison': { counts: { C: 2, X: 3 }, n: 5, failures: {} } },
      /scenarios\.IR\/prison\.counts: not an action of prisoners-dilemma \(actions: C, D\) \(got \["X"\]\)/,
    ],
    [
      { 'IR/pgg': { counts: { 0: 1, 11: 1 }, n: 2, failures: {} } },
      /scenarios\.IR\/pgg\.counts: not an action of public-goods .*\(got \["11"\]\)/,
    ],
    [
      { 'IR/prison': { counts: { C: 2, D: 3 }, n: 300, failures: {} } },
      /scenarios\.IR\/prison\.n: n must be the number of valid answers, the sum of the counts \(5\) \(got 300\)/,
    ],
    [
      { 'IR/prison': { counts: { C: 2, D: 3 }, n: 5, failures: { timeout: 1 } } },
      /scenarios\.IR\/prison\.failures: not a parse failure kind/,
    ],
    [
      {
        'IR/prison': { counts: { C: 2, D: 3 }, n: 5, failures: {} },
        'international-relations/prisoners-dilemma': { counts: { C: 2, D: 3 }, n: 5, failures: {} },
      },
      /a second entry for the same scenario/,
    ],
    [{ 'IR/prison': { counts: { C: 2, D: 3 }, n: 5, failures: {}, thin: false } }, /scenarios\.IR\/prison\.thin/],
  ])('refuses an entry the file cannot mean (%#), naming file, field and fix', (scenarios, message) => {
    const file = referenceFile(scenarios);
    const text = errorOf(() => readReference(file, catalogue)).message;
    expect(text).toMatch(message);
    expect(text).toContain(file);
    expect(text).toMatch(/Fix: /);
  });
});

describe('a counts table used as a reference', () => {
  it('refuses a reference scenario without valid answers', () => {
    const file = join(tempDir(), 'counts.csv');
    writeFileSync(
      file,
      'split,context,game,payoff_scale,model,role,C,D\nin,biz,prison,1,t,teacher,0,0\nin,team,prison,1,t,teacher,3,4\n',
    );
    expect(() => readReference(file, catalogue)).toThrow(
      /counts\.csv: t \/ business\/prisoners-dilemma: the reference model has no valid answer for this scenario/,
    );
  });
});
