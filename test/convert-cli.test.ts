import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { Progress } from '../src/recordings/convert/progress.js';
import { samplesFromPromptfooResults } from '../src/recordings/convert/promptfoo-results.js';
import { readSampleFile } from '../src/recordings/jsonl.js';
import type { SampleRecord } from '../src/recordings/types.js';
import { run as cli } from './helpers/run-cli.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const catalogue = defaultCatalogue();
const REPLAY = 'test/fixtures/convert/replay.results.json';

describe('stratalign convert', () => {
  it('writes a recording that reads back as the converted samples, and the provider errors beside it', async () => {
    const dir = tempDir();
    const {
      code,
      stdout: out,
      stderr: err,
    } = await cli(['convert', REPLAY, '--out', join(dir, 'rec.jsonl'), '--errors', join(dir, 'errors.jsonl')]);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toMatch(
      new RegExp(
        String.raw`^converted 10 rows: 112 samples written to .*rec\.jsonl \(12 with text, 100 recorded ` +
          String.raw`choices without text\); 2 provider errors \(2 answers lost, written to .*errors\.jsonl\); ` +
          String.raw`6 samples missing from envelopes; parse failures: refusal 1, no-choice 1, ambiguous 1\n$`,
      ),
    );
    const written: SampleRecord[] = [];
    for await (const s of readSampleFile(join(dir, 'rec.jsonl'), catalogue)) written.push(s);
    const direct: SampleRecord[] = [];
    for await (const s of samplesFromPromptfooResults(resolve(REPLAY), catalogue, { origin: REPLAY })) direct.push(s);
    expect(written).toEqual(direct);
    expect(written[0]!.provenance.origin).toBe(REPLAY);
    const errors = readFileSync(join(dir, 'errors.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(errors.map((e) => [e.row, e.scenario])).toEqual([
      [2, 'business/stag-hunt'],
      [5, 'friends/prisoners-dilemma'],
    ]);
  });

  it('writes nothing when the input turns out bad part way, and names the file and line', async () => {
    const dir = tempDir();
    const doc = JSON.parse(readFileSync(REPLAY, 'utf8'));
    delete doc.results.results[6].vars.split;
    const file = join(dir, 'late-error.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const { code, stderr: err } = await cli([
      'convert',
      file,
      '--out',
      join(dir, 'rec.jsonl'),
      '--errors',
      join(dir, 'e.jsonl'),
    ]);
    expect(code).toBe(2);
    expect(err).toMatch(
      /late-error\.json: line \d+ \(results\.results\[6\]\), field vars\.split: the row has no vars\.split\. Fix: /,
    );
    expect(readdirSync(dir)).toEqual(['late-error.json']);
  });

  it('exits 2 on bad usage and on a file that is not promptfoo output', async () => {
    expect((await cli(['convert', REPLAY])).code).toBe(2);
    expect((await cli(['convert', REPLAY, '--out', 'x.jsonl', '--bogus'])).stderr).toMatch(/Unknown option '--bogus'/);
    const dir = tempDir();
    const notResults = join(dir, 'config.json');
    writeFileSync(notResults, '{"providers": []}');
    const { code, stderr: err } = await cli(['convert', notResults, '--out', join(dir, 'r.jsonl')]);
    expect(code).toBe(2);
    expect(err).toMatch(/config\.json: results\.version: not a promptfoo results file/);
    expect(existsSync(join(dir, 'r.jsonl'))).toBe(false);
  });
});

describe('Progress', () => {
  function capture() {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    return { out, text: () => text };
  }

  it('prints about once a second with the rate, and nothing when disabled', () => {
    let now = 0;
    const sink = capture();
    const p = new Progress({
      out: sink.out,
      enabled: true,
      overwrite: false,
      label: 'convert r.json',
      unit: 'rows',
      now: () => now,
    });
    p.tick(10);
    now = 500;
    p.tick(20);
    expect(sink.text()).toBe('');
    now = 2000;
    p.tick(50_000);
    expect(sink.text()).toBe('convert r.json: 50,000 rows (25,000 rows/s)\n');
    const quiet = capture();
    const off = new Progress({
      out: quiet.out,
      enabled: false,
      overwrite: false,
      label: 'x',
      unit: 'rows',
      now: () => now,
    });
    now = 10_000;
    off.tick(5);
    off.finish(5);
    expect(quiet.text()).toBe('');
  });

  it('overwrites one terminal line and ends it, escaping control characters in the label', () => {
    let now = 0;
    const sink = capture();
    const p = new Progress({
      out: sink.out,
      enabled: true,
      overwrite: true,
      label: 'x\u001b[2J',
      unit: 'rows',
      now: () => now,
    });
    now = 1000;
    p.tick(3);
    now = 1500;
    p.finish(4);
    expect(sink.text()).toBe('\rx\uFFFD[2J: 3 rows (3 rows/s)\rx\uFFFD[2J: 4 rows (3 rows/s)\n');
  });
});
