import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { canonicalJson, sha256Hex } from '../src/recordings/convert/canonical-json.js';
import {
  createConversionSummary,
  samplesFromPromptfooResults,
  type ProviderErrorRow,
} from '../src/recordings/convert/promptfoo-results.js';
import { readSampleFile } from '../src/recordings/jsonl.js';
import type { SampleRecord } from '../src/recordings/types.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const catalogue = defaultCatalogue();
const FIXTURES = 'test/fixtures/convert';
const REPLAY_JSON = `${FIXTURES}/replay.results.json`;
const REPLAY_JSONL = `${FIXTURES}/replay.results.jsonl`;
const HANDWRITTEN = `${FIXTURES}/handwritten.results.json`;

async function convert(file: string) {
  const summary = createConversionSummary(file);
  const errors: ProviderErrorRow[] = [];
  const samples: SampleRecord[] = [];
  for await (const s of samplesFromPromptfooResults(file, catalogue, {
    summary,
    onProviderError: (e) => errors.push(e),
  }))
    samples.push(s);
  return { samples, errors, summary };
}

async function recorded(file: string): Promise<SampleRecord[]> {
  const out: SampleRecord[] = [];
  for await (const s of readSampleFile(file, catalogue)) out.push(s);
  return out;
}

const textsBy = (samples: SampleRecord[]) =>
  samples
    .filter((s) => s.text !== null)
    .map((s) => `${s.scenario}|${s.text}`)
    .sort();

describe('samplesFromPromptfooResults on a recorded replay eval', () => {
  it('yields every replayed teacher answer exactly once, with its parse, and no invented sample', async () => {
    const { samples } = await convert(REPLAY_JSON);
    const teacher = samples.filter((s) => s.role === 'teacher');
    const source = await recorded(`${FIXTURES}/teacher-texts.jsonl`);
    expect(textsBy(teacher)).toEqual(textsBy(source));
    for (const s of teacher) {
      const original = source.find((o) => o.text === s.text && o.scenario === s.scenario)!;
      expect(s.parse).toEqual(original.parse);
      expect(s.model).toBe('teacher llama2-70b-chat [replay]');
      expect(s.provenance).toMatchObject({
        source: 'replay',
        mode: 'replay-text',
        modelId: 'llama2-70b-chat',
        seed: 7,
      });
    }
    expect(teacher.find((s) => s.scenario === 'sports/snowdrift')!.split).toBe('oos-context');
  });

  it('keeps counts replays as recorded choices without text', async () => {
    const { samples, summary } = await convert(REPLAY_JSON);
    const base = samples.filter((s) => s.role === 'base');
    expect(base).toHaveLength(5 * 20);
    for (const s of base) {
      expect(s.text).toBeNull();
      expect(s.parse).toMatchObject({ ok: true, rule: 'recorded-choice', evidence: '' });
      expect(s.provenance.source).toBe('replay');
    }
    expect(summary.choiceOnlySamples).toBe(100);
    expect(summary.textSamples).toBe(12);
  });

  it('reports provider errors beside the samples and counts missing samples', async () => {
    const { errors, summary } = await convert(REPLAY_JSON);
    expect(errors.map((e) => e.scenario).sort()).toEqual(['business/stag-hunt', 'friends/prisoners-dilemma']);
    for (const e of errors) expect(e.error).toMatch(/has no answers of llama2-70b-chat/);
    expect(summary.providerErrors).toBe(2);
    // 6 answers asked per scenario; the recording holds 5, 4 and 3.
    expect(summary.missingSamples).toBe(1 + 2 + 3);
    expect(summary.parseFailures).toEqual({ refusal: 1, 'no-choice': 1, ambiguous: 1 });
  });

  it('records run provenance: eval id, config hash of the saved config, promptfoo version, time', async () => {
    const { samples, summary } = await convert(REPLAY_JSON);
    const doc = JSON.parse(readFileSync(REPLAY_JSON, 'utf8'));
    const expected = {
      evalId: doc.evalId,
      configHash: sha256Hex(canonicalJson(doc.config)),
      promptfooVersion: doc.metadata.promptfooVersion,
      evalTime: doc.results.timestamp,
    };
    expect(summary.run).toMatchObject(expected);
    for (const s of samples) expect(s.provenance).toMatchObject({ ...expected, origin: REPLAY_JSON });
  });

  it('converts the JSONL output of the same eval to the same samples', async () => {
    const fromJson = await convert(REPLAY_JSON);
    const fromJsonl = await convert(REPLAY_JSONL);
    const strip = (s: SampleRecord) => ({
      ...s,
      provenance: {
        ...s.provenance,
        origin: '',
        evalId: null,
        configHash: null,
        promptfooVersion: null,
        evalTime: null,
        row: 0,
      },
    });
    const key = (s: SampleRecord) => canonicalJson(strip(s));
    expect(fromJsonl.samples.map(key).sort()).toEqual(fromJson.samples.map(key).sort());
    expect(fromJsonl.summary.run?.configHash).toBeNull();
    expect(fromJsonl.errors).toHaveLength(2);
  });
});

describe('samplesFromPromptfooResults on hand-written rows', () => {
  it('reads plain text rows, envelopes, aliases, assertion failures and provider errors', async () => {
    const { samples, errors, summary } = await convert(HANDWRITTEN);
    const single = samples.find((s) => s.scenario === 'business/prisoners-dilemma')!;
    expect(single.text).toMatch(/^D\n\n/);
    expect(single.parse).toMatchObject({ ok: true, action: 'D' });
    expect(single.provenance).toMatchObject({
      source: 'live',
      mode: 'single',
      modelId: 'gpt-4o-mini-2024-07-18',
      seed: 11,
      finishReason: 'stop',
      row: 2,
    });
    // vars.scenario "IR/prison" is the paper's alias; a failed assertion does not stop the sample.
    const refused = samples.find(
      (s) => s.scenario === 'international-relations/prisoners-dilemma' && s.provenance.mode === 'single',
    )!;
    expect(refused.parse).toMatchObject({ ok: false });
    expect(errors).toEqual([
      {
        row: 3,
        provider: 'teacher gpt-4o-mini [live]',
        scenario: 'environment/stag-hunt',
        error: 'API error: 503 Service Unavailable (after 3 retries)',
        lostAnswers: null,
      },
    ]);
    // A row that does not say how many answers it asked for counts as one.
    expect(summary).toMatchObject({ errorRowAnswers: 1, errorRowsWithoutCounts: 1 });
    expect(summary.missingSamples).toBe(1);
    expect(summary.missingReasonRows).toEqual({ 'HTTP 429 rate limited after 3 retries': 1 });
    expect(summary.distributionRows).toBe(1);
    const recordedFailure = samples.find((s) => s.text === null && !s.parse.ok)!;
    expect(recordedFailure.parse).toMatchObject({ ok: false, failure: 'refusal' });
    expect(samples.find((s) => s.scenario === 'business/public-goods')!.parse).toMatchObject({ ok: true, action: 7 });
    expect(samples).toHaveLength(1 + 1 + 1 + 3 + 3 + 1);
  });
});

describe('bad input names the file and the line', () => {
  const write = (name: string, text: string) => {
    const file = join(tempDir(), name);
    writeFileSync(file, text);
    return file;
  };
  const drain = async (file: string) => {
    for await (const _ of samplesFromPromptfooResults(file, catalogue)) void _;
  };
  const handwritten = () => JSON.parse(readFileSync(HANDWRITTEN, 'utf8'));

  it('rejects a JSON file that is not promptfoo output', async () => {
    const file = write('other.json', '{"foo": 1}');
    await expect(drain(file)).rejects.toThrow(/other\.json: results\.version: not a promptfoo results file/);
  });

  it('rejects an unknown results version with a fix', async () => {
    const doc = handwritten();
    doc.results.version = 2;
    const file = write('old.json', JSON.stringify(doc, null, 2));
    await expect(drain(file)).rejects.toThrow(
      /old\.json: results\.version: unsupported promptfoo results version .*\(got 2\)\. Fix: export the eval again/,
    );
  });

  it('names the line of a row without vars.scenario', async () => {
    const doc = handwritten();
    delete doc.results.results[4].vars.scenario;
    const text = JSON.stringify(doc, null, 2);
    const file = write('noscenario.json', text);
    // Rows of results.results start with a line of 6 spaces and "{" after the `"results": [` line.
    const lines = text.split('\n');
    const rowStarts = lines
      .map((l, i) => (l === '      {' && i > lines.indexOf('    "results": [') ? i + 1 : 0))
      .filter(Boolean);
    const expectedLine = rowStarts[4]!;
    await expect(drain(file)).rejects.toThrow(
      new RegExp(
        `noscenario\\.json: line ${expectedLine} \\(results\\.results\\[4\\]\\), field vars\\.scenario: the row ` +
          `has no vars\\.scenario`,
      ),
    );
  });

  it('names the line of a broken JSONL row and of a missing field', async () => {
    const rows = readFileSync(REPLAY_JSONL, 'utf8').trim().split('\n');
    const broken = write('broken.jsonl', [rows[0], rows[1]!.slice(0, 50), rows[2]].join('\n'));
    await expect(drain(broken)).rejects.toThrow(/broken\.jsonl: line 2: not valid JSON/);
    const noProvider = JSON.parse(rows[2]!);
    delete noProvider.provider;
    const missing = write('missing.jsonl', [rows[0], rows[1], JSON.stringify(noProvider)].join('\n'));
    await expect(drain(missing)).rejects.toThrow(/missing\.jsonl: line 3, field provider: not a promptfoo result row/);
  });

  it('tells a recording or a JSONL file under the wrong name from results', async () => {
    await expect(drain(`${FIXTURES}/teacher-texts.jsonl`)).rejects.toThrow(
      new RegExp(
        String.raw`teacher-texts\.jsonl: schema: this is a stratalign file, not promptfoo results .*Fix: ` +
          String.raw`recordings need no conversion`,
      ),
    );
    const rows = readFileSync(REPLAY_JSONL, 'utf8');
    await expect(drain(write('rows.json', rows))).rejects.toThrow(/looks like promptfoo JSONL output/);
    const recording = readFileSync(`${FIXTURES}/teacher-texts.jsonl`, 'utf8').split('\n')[0]!;
    await expect(drain(write('one.json', recording))).rejects.toThrow(
      /this is a stratalign file, not promptfoo results/,
    );
  });

  it('rejects an envelope whose scenario differs from vars.scenario', async () => {
    const doc = handwritten();
    const row = doc.results.results.find((r: { testIdx: number }) => r.testIdx === 4);
    row.vars.scenario = 'team/snowdrift';
    const file = write('mixed.json', JSON.stringify(doc, null, 2));
    await expect(drain(file)).rejects.toThrow(
      new RegExp(
        String.raw`mixed\.json: line \d+ \(results\.results\[4\]\).*the output is for team\/stag-hunt but ` +
          String.raw`vars\.scenario says team\/snowdrift`,
      ),
    );
  });
});
