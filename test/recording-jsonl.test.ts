import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readSampleFile } from '../src/recordings/jsonl.js';
import { TallyBuilder } from '../src/recordings/load-tallies.js';
import { SAMPLE_SCHEMA } from '../src/recordings/types.js';
import { useTempDirs } from './helpers/temp-dir.js';

const catalogue = defaultCatalogue();
const tempDir = useTempDirs();
const sample = (over: object = {}) => ({
  schema: SAMPLE_SCHEMA,
  scenario: 'IR/prison',
  split: 'in-sample',
  model: 'm',
  role: 'teacher',
  text: 'D',
  parse: { ok: true, action: 'D', rule: 'bare-letter', evidence: 'D' },
  provenance: { source: 'live', origin: 'run-1', seed: 4 },
  ...over,
});

async function readAll(lines: string[]) {
  const file = join(tempDir(), 'rec.jsonl');
  writeFileSync(file, lines.join('\n'));
  const out = [];
  for await (const s of readSampleFile(file, catalogue)) out.push(s);
  return { out, file };
}

describe('JSONL recordings', () => {
  it('reads samples with canonical scenario ids, keeps provenance and folds into tallies', async () => {
    const { out } = await readAll([
      JSON.stringify(sample()),
      '',
      JSON.stringify(sample({ text: 'hmm', parse: { ok: false, failure: 'no-choice', reason: 'none' } })),
    ]);
    expect(out.map((s) => s.scenario)).toEqual([
      'international-relations/prisoners-dilemma',
      'international-relations/prisoners-dilemma',
    ]);
    expect(out[0]!.provenance).toEqual({ source: 'live', origin: 'run-1', seed: 4 });
    const builder = new TallyBuilder();
    for (const s of out) builder.add(s);
    expect(builder.tallies()).toEqual([
      expect.objectContaining({ counts: { D: 1 }, failures: { 'no-choice': 1 }, role: 'teacher' }),
    ]);
  });

  it.each([
    ['{not json', /line 2: not valid JSON/],
    [JSON.stringify(sample({ schema: 'other/v9' })), /line 2, field schema: /],
    [JSON.stringify(sample({ scenario: 'IR/poker' })), /line 2, field scenario: unknown game \(got "poker"\)/],
    [
      JSON.stringify(sample({ parse: { ok: true, action: 'E', rule: 'x', evidence: 'E' } })),
      /line 2, field parse\.action: not an action of prisoners-dilemma \(got "E"\)/,
    ],
  ])('names the file and line of a bad line: %#', async (bad, message) => {
    const attempt = readAll([JSON.stringify(sample()), bad]);
    await expect(attempt).rejects.toThrowError(message);
    await expect(attempt).rejects.toThrowError(/rec\.jsonl/);
  });
});

describe('tallies of replayed counts', () => {
  it('mark parse failures as not recorded when no sample had text', () => {
    const builder = new TallyBuilder();
    const choice = (c: string) =>
      ({
        ...sample({ text: null, parse: { ok: true, action: c, rule: 'recorded-choice', evidence: '' } }),
        scenario: 'international-relations/prisoners-dilemma',
      }) as never;
    builder.add(choice('C'));
    builder.add(choice('D'));
    builder.add({ ...(sample() as object), scenario: 'business/prisoners-dilemma' } as never);
    const [replayed, texts] = builder.tallies();
    expect(replayed).toMatchObject({ counts: { C: 1, D: 1 }, failuresRecorded: false });
    expect(texts!.failuresRecorded).toBeUndefined();
  });
});
