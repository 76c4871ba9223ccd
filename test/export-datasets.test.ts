import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { createConversionSummary } from '../src/recordings/convert/promptfoo-results.js';
import { readLocatedSamples } from '../src/recordings/convert/read-samples.js';
import { exportDatasets, ExportInterrupted, type ExportOptions } from '../src/export/export-datasets.js';
import type { ExportFormat, ReadBack } from '../src/export/formats/format.js';
import { openaiChat } from '../src/export/formats/openai-chat.js';
import { EXPORT_FORMATS } from '../src/export/formats/registry.js';
import { trlMessages } from '../src/export/formats/trl-messages.js';
import type { ExportManifest } from '../src/export/manifest.js';
import { readExportedFile } from '../src/export/read-exported.js';
import { renderPrompt } from '../src/catalogue/prompts/render.js';
import { readSampleFile } from '../src/recordings/jsonl.js';
import { SAMPLE_SCHEMA, type SampleRecord } from '../src/recordings/types.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const catalogue = defaultCatalogue();
const reasoned = catalogue.protocol('reasoned');
const TEACHER = 'test/fixtures/convert/teacher-texts.jsonl';
const REPLAY = 'test/fixtures/convert/replay.results.json';

function options(outDir: string, over: Partial<ExportOptions> = {}): ExportOptions {
  return {
    formats: EXPORT_FORMATS,
    outDir,
    catalogue,
    protocol: reasoned,
    selector: { role: 'teacher' },
    target: 'raw',
    keepUnparseable: false,
    dedupe: false,
    cap: null,
    validation: 0,
    seed: 42,
    holdout: { contexts: [], games: [] },
    name: 'stratalign',
    source: { origin: 'test', kind: 'recording' },
    ...over,
  };
}

const run = (file: string, opts: ExportOptions) => exportDatasets(readLocatedSamples(file, catalogue), opts);

/** The teacher recording three times over: enough examples for OpenAI's minimum of 10 in every format. */
function tripled(): string {
  const file = join(tempDir(), 'teacher-x3.jsonl');
  const lines = readFileSync(TEACHER, 'utf8').trim().split('\n');
  writeFileSync(file, `${[...lines, ...lines, ...lines].join('\n')}\n`);
  return file;
}

async function readBack(dir: string, format: ExportFormat): Promise<ReadBack[]> {
  const out: ReadBack[] = [];
  for (const name of ['train.jsonl', 'validation.jsonl']) {
    const file = join(dir, format.id, name);
    if (existsSync(file)) for await (const r of readExportedFile(file, format)) out.push(r);
  }
  return out;
}

/** What the export should contain, computed from the recording without the exporter. */
async function expectedExamples(file: string, keep: (s: SampleRecord) => boolean): Promise<ReadBack[]> {
  const out: ReadBack[] = [];
  for await (const s of readSampleFile(file, catalogue)) {
    if (!keep(s)) continue;
    const prompt = renderPrompt(resolveScenario(catalogue, s.scenario), reasoned);
    out.push({ system: prompt.system, user: prompt.user, target: s.text! });
  }
  return out;
}

const sortKey = (r: ReadBack) => JSON.stringify([r.system, r.user, r.target]);
const sorted = (rs: ReadBack[]) => rs.map(sortKey).sort();

function filesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('exportDatasets round trip', () => {
  it('writes every format so that reading it back gives the same (prompt, target) pairs', async () => {
    const out = tempDir();
    const file = tripled();
    const manifests = await run(file, options(out, { validation: 0.25 }));
    const expected = sorted(await expectedExamples(file, (s) => s.parse.ok));
    expect(expected).toHaveLength(27);
    for (const format of EXPORT_FORMATS) expect(sorted(await readBack(out, format))).toEqual(expected);
    for (const m of manifests) {
      expect(m.totals).toMatchObject({ read: 36, kept: 27, dropped: { refusal: 3, 'no-choice': 3, ambiguous: 3 } });
      expect(m.totals.train + m.totals.validation).toBe(27);
    }
  });

  it('keeps the manifest honest: counts add up, files match their sha256 and line counts', async () => {
    const out = tempDir();
    const [manifest] = (await run(
      TEACHER,
      options(out, { formats: [trlMessages], validation: 0.25, dedupe: true }),
    )) as [ExportManifest];
    const onDisk = JSON.parse(readFileSync(join(out, 'trl-messages', 'manifest.json'), 'utf8'));
    expect(onDisk).toEqual(manifest);
    for (const [id, c] of Object.entries(manifest.scenarios)) {
      const dropped = Object.values(c.dropped).reduce((a, b) => a + b, 0);
      expect(c.read, id).toBe(c.heldOut + dropped + c.deduped + c.capped + c.kept);
      expect(c.kept, id).toBe(c.train + c.validation);
    }
    expect(manifest.scenarios['business/prisoners-dilemma']!.deduped).toBe(1);
    for (const f of manifest.files) {
      const bytes = readFileSync(join(out, 'trl-messages', f.name));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
      expect(bytes.toString('utf8').split('\n').filter(Boolean)).toHaveLength(f.lines);
    }
    expect(manifest.source.models).toEqual([
      { model: 'llama2-70b-chat', role: 'teacher', samples: 12, selected: true },
    ]);
  });

  it('exports straight from promptfoo results the same examples as from the recording it replayed', async () => {
    const fromRecording = tempDir();
    const fromResults = tempDir();
    await run(TEACHER, options(fromRecording, { formats: [trlMessages] }));
    const conversion = createConversionSummary(REPLAY);
    const samples = readLocatedSamples(REPLAY, catalogue, { summary: conversion });
    const [manifest] = await exportDatasets(
      samples,
      options(fromResults, {
        formats: [trlMessages],
        source: { origin: REPLAY, kind: 'promptfoo-results', conversion },
      }),
    );
    expect(sorted(await readBack(fromResults, trlMessages))).toEqual(
      sorted(await readBack(fromRecording, trlMessages)),
    );
    expect(manifest!.totals.notSelected).toBe(100);
    expect(manifest!.source.provenance[0]!.key).toMatchObject({
      source: 'replay',
      mode: 'replay-text',
      modelId: 'llama2-70b-chat',
    });
    const evalId = JSON.parse(readFileSync(REPLAY, 'utf8')).evalId;
    expect(manifest!.source.promptfoo).toMatchObject({
      rows: 10,
      providerErrors: 2,
      missingSamples: 6,
      run: { evalId, promptfooVersion: '0.121.20' },
    });
  });

  it('keeps unparseable and refused answers only when asked, as written', async () => {
    const out = tempDir();
    const [m] = await run(TEACHER, options(out, { formats: [openaiChat], keepUnparseable: true }));
    expect(m!.totals).toMatchObject({ kept: 12, dropped: {} });
    expect(sorted(await readBack(out, openaiChat))).toEqual(sorted(await expectedExamples(TEACHER, () => true)));
    // 12 examples meet OpenAI's minimum of 10; the 9 parseable ones alone do not (see below).
  });
});

describe('exportDatasets options', () => {
  /** A recording of `perScenario` distinct answers for each of three scenarios. */
  function synthetic(perScenario: number): string {
    const file = join(tempDir(), 'synthetic.jsonl');
    const lines: string[] = [];
    for (const scenario of ['business/prisoners-dilemma', 'team/stag-hunt', 'sports/snowdrift']) {
      for (let i = 0; i < perScenario; i++) {
        const record: SampleRecord = {
          schema: SAMPLE_SCHEMA,
          scenario,
          split: 'in-sample',
          model: 'teacher-x',
          role: 'teacher',
          text: `C\n\nReason number ${i}.`,
          parse: { ok: true, action: 'C', rule: 'test', evidence: 'C' },
          provenance: { source: 'recorded-text', origin: 'synthetic' },
        };
        lines.push(JSON.stringify(record));
      }
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  it('splits each scenario by its share, reproducibly for a seed', async () => {
    const file = synthetic(100);
    const a = tempDir();
    const b = tempDir();
    const c = tempDir();
    const [ma] = await run(file, options(a, { formats: [openaiChat], validation: 0.1, seed: 7 }));
    const [mb] = await run(file, options(b, { formats: [openaiChat], validation: 0.1, seed: 7 }));
    await run(file, options(c, { formats: [openaiChat], validation: 0.1, seed: 8 }));
    for (const counts of Object.values(ma!.scenarios))
      expect(counts).toMatchObject({ kept: 100, validation: 10, train: 90 });
    expect(mb!.files).toEqual(ma!.files);
    const validation = (dir: string) => readFileSync(join(dir, 'openai-chat', 'validation.jsonl'), 'utf8');
    expect(validation(c)).not.toBe(validation(a));
    expect(validation(c).split('\n').filter(Boolean)).toHaveLength(30);
  });

  it('caps examples per scenario and counts what it left out', async () => {
    const file = synthetic(5);
    const [m] = await run(file, options(tempDir(), { formats: [trlMessages], cap: 2 }));
    for (const counts of Object.values(m!.scenarios)) expect(counts).toMatchObject({ read: 5, kept: 2, capped: 3 });
  });

  it('holds whole contexts and games out of both splits and lists them', async () => {
    const out = tempDir();
    const [m] = await run(
      TEACHER,
      options(out, { formats: [trlMessages], validation: 0.5, holdout: { contexts: ['sports'], games: ['staghunt'] } }),
    );
    expect(m!.heldOut).toEqual({
      contexts: ['sports'],
      games: ['stag-hunt'],
      scenarios: ['friends/stag-hunt', 'sports/snowdrift'],
    });
    expect(m!.scenarios['sports/snowdrift']).toMatchObject({ read: 3, heldOut: 3, kept: 0 });
    const users = new Set((await readBack(out, trlMessages)).map((r) => r.user));
    expect(users.size).toBe(1);
    expect([...users][0]).toContain('you get 10 points');
    expect(m!.totals.kept).toBe(4);
  });

  it('counts counts-only samples as having no text and refuses to write an empty dataset', async () => {
    const out = tempDir();
    await expect(run(REPLAY, options(out, { selector: { role: 'base' } }))).rejects.toThrow(
      /no sample could be exported \(\{"no-text":100\} dropped/,
    );
    expect(filesIn(out).filter((f) => f.endsWith('.jsonl') || f.endsWith('.partial'))).toEqual([]);
  });

  it('names the models present when the selection matches none', async () => {
    await expect(run(TEACHER, options(tempDir(), { selector: { model: 'gpt-x' } }))).rejects.toThrow(
      /no samples of model "gpt-x".*llama2-70b-chat \(role teacher\)/,
    );
  });
});

describe('exportDatasets writes all or nothing', () => {
  it('leaves no output and no temp file when a line fails validation mid-write', async () => {
    const out = tempDir();
    mkdirSync(join(out, 'openai-chat'), { recursive: true });
    writeFileSync(join(out, 'openai-chat', 'train.jsonl'), 'old export\n');
    let lines = 0;
    const failsThird: ExportFormat = {
      ...openaiChat,
      validate: (line) =>
        ++lines === 3 ? { ok: false, field: 'messages[2].content', problem: 'forced' } : openaiChat.validate(line),
    };
    await expect(run(TEACHER, options(out, { formats: [trlMessages, failsThird] }))).rejects.toThrow(
      new RegExp(
        String.raw`teacher-texts\.jsonl: line \d+ -> openai-chat train line 3, field messages\[2\]\.content: ` +
          String.raw`the example is not a valid openai-chat line: forced`,
      ),
    );
    expect(filesIn(out)).toEqual([join(out, 'openai-chat', 'train.jsonl')]);
    expect(readFileSync(join(out, 'openai-chat', 'train.jsonl'), 'utf8')).toBe('old export\n');
  });

  it('rejects an empty answer kept by --keep-unparseable, naming the row and sample', async () => {
    const out = tempDir();
    const file = 'test/fixtures/convert/handwritten.results.json';
    await expect(run(file, options(out, { keepUnparseable: true }))).rejects.toThrow(
      new RegExp(
        String.raw`handwritten\.results\.json: row 5, sample 3 -> openai-chat train line \d+, field ` +
          String.raw`messages\[2\]\.content: .*content is empty`,
      ),
    );
    expect(filesIn(out).filter((f) => !f.endsWith('/'))).toEqual([]);
  });

  it('stops when interrupted and removes its temp files', async () => {
    const out = tempDir();
    const controller = new AbortController();
    controller.abort();
    await expect(run(TEACHER, options(out, { signal: controller.signal }))).rejects.toBeInstanceOf(ExportInterrupted);
    expect(filesIn(out)).toEqual([]);
  });

  it('names the file and line of a bad recording line', async () => {
    const file = join(tempDir(), 'bad.jsonl');
    const good = readFileSync(TEACHER, 'utf8').split('\n');
    writeFileSync(
      file,
      [good[0], good[1], '{"schema":"stratalign.sample/v1","scenario":"business/prisoners-dilemma"}'].join('\n'),
    );
    const out = tempDir();
    await expect(run(file, options(out))).rejects.toThrow(/bad\.jsonl: line 3, field split/);
    expect(filesIn(out)).toEqual([]);
  });
});
