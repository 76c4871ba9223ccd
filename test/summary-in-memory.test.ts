import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { createConversionSummary, samplesFromPromptfooResults } from '../src/recordings/convert/promptfoo-results.js';
import { TallyBuilder } from '../src/recordings/load-tallies.js';
import { ENVELOPE_TAG, formatEnvelope, type SampleEnvelope } from '../src/answers/samples/envelope.js';
import { tallyEvalRows } from '../src/report/summary/eval-tallies.js';
import { summariseEval } from '../src/report/summary/summarise-eval.js';

// Issue 13 item 2: the end-of-eval hook counts promptfoo's rows where they are, in memory, and
// counts them exactly as `stratalign convert` counts the same rows written as results.jsonl.
const catalogue = defaultCatalogue();
const scenario = 'business/prisoners-dilemma';

function row(
  label: string,
  role: string,
  output: string | null,
  vars: Record<string, string> = { scenario, split: 'in-sample' },
  error?: string,
) {
  return {
    provider: { id: 'file://providers/x.ts', label },
    vars,
    response: output === null ? undefined : { output, metadata: { stratalign: { role } } },
    ...(error ? { error, failureReason: 2 } : { failureReason: 0 }),
  };
}

function envelope(partial: Partial<SampleEnvelope> & Pick<SampleEnvelope, 'samples'>): string {
  const missing = partial.missing ?? { count: 0, reasons: [] };
  return formatEnvelope({
    stratalign: ENVELOPE_TAG,
    note: 'n',
    source: 'live',
    mode: 'multi',
    scenario,
    model: 'm',
    role: null,
    requested: partial.samples.length + missing.count,
    missing,
    ...partial,
  });
}

const rows = [
  row(
    'b',
    'base',
    envelope({
      samples: [{ text: 'C' }, { text: 'I refuse.' }],
      missing: { count: 3, reasons: ['HTTP 503', 'recording exhausted'], exhausted: 2 },
    }),
  ),
  row('b', 'base', null, undefined, 'connection refused'),
  row('s', 'fine-tuned', 'Answer: D'),
  row(
    'l',
    'fine-tuned',
    envelope({
      mode: 'logprobs',
      samples: [{ text: 'C' }],
      distribution: { probabilities: { C: 0.7, D: 0.3 }, otherMass: 0.02 },
    }),
  ),
  row(
    't',
    'teacher',
    envelope({
      samples: [{ text: 'D' }, { text: null, recordedFailure: 'refusal' }, { text: null, recordedChoice: 'C' }],
    }),
  ),
  row('t', 'teacher', 'C', { split: 'in-sample' }),
];

const saved = process.env.TMPDIR;
const scratch: string[] = [];
afterEach(() => {
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the end-of-eval summary from the rows in memory', () => {
  it('creates no temporary file: it works when the temporary directory cannot hold one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratalign-test-'));
    scratch.push(dir);
    // A file where the temporary directory should be: any mkdtemp or temp write under it fails, even as root.
    const notADirectory = join(dir, 'not-a-directory');
    writeFileSync(notADirectory, '');
    process.env.TMPDIR = notADirectory;
    expect(tmpdir()).toBe(notADirectory);
    const out = await summariseEval(rows, null, catalogue);
    expect(out.error).toBeUndefined();
    expect(out.lostAnswers).toBe(2);
  });

  it('counts the rows exactly as convert counts them written as results.jsonl', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratalign-test-'));
    scratch.push(dir);
    const file = join(dir, 'results.jsonl');
    writeFileSync(file, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const conversion = createConversionSummary(file);
    const builder = new TallyBuilder();
    const skipped: string[] = [];
    const errors: string[] = [];
    const options = {
      summary: conversion,
      origin: 'this eval',
      onUnreadableRow: ({ row: n }: { row: number }) => void skipped.push(`result row ${n}`),
      onProviderError: ({ error }: { error: string }) => void errors.push(error),
    };
    for await (const sample of samplesFromPromptfooResults(file, catalogue, options)) builder.add(sample);

    const inMemory = await tallyEvalRows(rows, catalogue);
    expect(inMemory.tallies).toEqual(builder.tallies());
    expect(inMemory.tallies.length).toBeGreaterThan(0);
    expect({ ...inMemory.conversion, file: file }).toEqual(conversion);
    expect(inMemory.skipped.rows).toBe(skipped.length);
    expect(inMemory.skipped.firstReason).toMatch(new RegExp(`^${skipped[0]}: `));
    expect([...inMemory.errorsByProvider.values()].map((e) => e.firstError)).toEqual(errors);
  });
});
