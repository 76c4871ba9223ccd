import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readLocatedSamples } from '../src/recordings/convert/read-samples.js';
import { exportDatasets, type ExportOptions } from '../src/export/export-datasets.js';
import { openaiChat } from '../src/export/formats/openai-chat.js';
import { SAMPLE_SCHEMA, type SampleRecord } from '../src/recordings/types.js';
import { parseScenarioAnswer } from '../src/answers/parsing/parse-answer.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const catalogue = defaultCatalogue();

/** A teacher recording: answers to team/stag-hunt under three labellings, team/snowdrift under one. */
function recording(dir: string, texts: Record<string, string[]>): string {
  const lines = Object.entries(texts).flatMap(([name, answers]) =>
    answers.map((text): SampleRecord => {
      const scenario = resolveScenario(catalogue, name);
      return {
        schema: SAMPLE_SCHEMA,
        scenario: scenario.id,
        split: 'probe',
        model: 'teacher',
        role: 'teacher',
        text,
        parse: parseScenarioAnswer(text, scenario),
        provenance: { source: 'live', origin: 'test' },
      };
    }),
  );
  const file = join(dir, 'teacher.jsonl');
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
  return file;
}

function options(outDir: string, file: string, over: Partial<ExportOptions> = {}): ExportOptions {
  return {
    formats: [openaiChat],
    outDir,
    catalogue,
    protocol: catalogue.protocol('letter-only'),
    selector: { role: 'teacher' },
    target: 'action',
    keepUnparseable: false,
    dedupe: false,
    cap: null,
    validation: 0,
    seed: 42,
    holdout: { contexts: [], games: [] },
    name: 'stratalign',
    source: { origin: 'test', kind: 'recording' },
    balanceLabels: () => readLocatedSamples(file, catalogue),
    ...over,
  };
}

const TEXTS = {
  'team/stag-hunt': Array(10).fill('C'),
  // Under swapped, "C" is the teacher defecting; one answer names no option.
  'team/stag-hunt~swapped': [...Array(6).fill('C'), 'no idea'],
  'team/stag-hunt~neutral-jf': Array(12).fill('F'),
  'team/snowdrift': Array(5).fill('D'),
};

describe('export --balance-labels', () => {
  it('gives every label variant of a scenario as many examples as its smallest one, counting the rest', async () => {
    const dir = tempDir();
    const file = recording(dir, TEXTS);
    const [manifest] = await exportDatasets(readLocatedSamples(file, catalogue), options(join(dir, 'out'), file));
    const s = manifest!.scenarios;
    expect(s['team/stag-hunt']).toMatchObject({ read: 10, kept: 6, dropped: { 'label-balance': 4 } });
    expect(s['team/stag-hunt~swapped']).toMatchObject({ read: 7, kept: 6, dropped: { 'no-choice': 1 } });
    expect(s['team/stag-hunt~neutral-jf']).toMatchObject({ read: 12, kept: 6, dropped: { 'label-balance': 6 } });
    expect(s['team/snowdrift']).toMatchObject({ read: 5, kept: 5 });
    const t = manifest!.totals;
    expect(t.read).toBe(
      t.heldOut + Object.values(t.dropped).reduce((a, b) => a + b, 0) + t.deduped + t.capped + t.kept,
    );
    expect(manifest!.options.balanceLabels).toBe(true);
    expect(manifest!.catalogue).toBe('games@2+contexts@1+protocols@2+labels@1+grids@1');
    expect(manifest!.warnings.join(' ')).toMatch(
      /1 scenario\(s\) have fewer label variants than others.*team\/snowdrift \(1 of 3\)/,
    );
  });

  it('writes each target in the labels its prompt showed', async () => {
    const dir = tempDir();
    const file = recording(dir, TEXTS);
    await exportDatasets(readLocatedSamples(file, catalogue), options(join(dir, 'out'), file));
    const lines = readFileSync(join(dir, 'out/openai-chat/train.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).messages);
    const swapped = lines.filter((m) =>
      m[1].content.includes('If you choose C and your coplayer chooses C, you get 3 points.'),
    );
    expect(swapped).toHaveLength(6);
    expect(swapped.every((m) => m[2].content === 'C')).toBe(true);
    expect(lines.filter((m) => m[1].content.includes('J or F')).every((m) => m[2].content === 'F')).toBe(true);
  });

  it('changes nothing without variants, and says so', async () => {
    const dir = tempDir();
    // Ten answers at least: OpenAI fine-tuning refuses a smaller train split.
    const file = recording(dir, {
      'team/snowdrift': ['D', 'C', 'D', 'C', 'D', 'C'],
      'team/stag-hunt': ['C', 'C', 'D', 'C', 'C'],
    });
    const [manifest] = await exportDatasets(readLocatedSamples(file, catalogue), options(join(dir, 'out'), file));
    expect(manifest!.totals.kept).toBe(11);
    expect(manifest!.warnings.join(' ')).toMatch(
      /no scenario of the input is answered under more than one label variant/,
    );
    const [plain] = await exportDatasets(readLocatedSamples(file, catalogue), {
      ...options(join(dir, 'plain'), file),
      balanceLabels: undefined,
    });
    expect(plain!.options).not.toHaveProperty('balanceLabels');
    expect(plain!.catalogue).toBe('games@2+contexts@1+protocols@2');
  });
});
