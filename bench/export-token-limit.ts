// (g) What `export --max-tokens` costs: the same SYNTHETIC recording (no model was called)
// exported with a token limit, counted by each format's real tokenizer, against the same export
// without one. Run alone with
//   npx tsx bench/export-token-limit.ts [--samples 20000]
// or import benchExportTokenLimit (npm run bench).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readLocatedSamples } from '../src/recordings/convert/read-samples.js';
import { exportDatasets, type ExportOptions } from '../src/export/export-datasets.js';
import { openaiChat } from '../src/export/formats/openai-chat.js';
import { trlMessages } from '../src/export/formats/trl-messages.js';
import { createRng } from '../src/shared/random.js';
import { SAMPLE_SCHEMA, type SampleRecord } from '../src/recordings/types.js';
import type { BenchRow } from './format-table.js';

const SCENARIOS = [
  'business/prisoners-dilemma',
  'team/stag-hunt',
  'friends/snowdrift',
  'environment/prisoners-delight',
];
const WORDS = (
  'we both gain more when we cooperate but the coplayer may defect so I weigh the payoffs of each ' + 'choice carefully'
).split(' ');

/** Reasoned answers of 40 to 200 words, seeded: about what a teacher writes. */
function writeRecording(file: string, samples: number): void {
  const rng = createRng('bench-token-limit');
  const lines: string[] = [];
  for (let i = 0; i < samples; i++) {
    const action = rng() < 0.5 ? 'C' : 'D';
    const words = Array.from({ length: 40 + Math.floor(rng() * 160) }, () => WORDS[Math.floor(rng() * WORDS.length)]!);
    const sample: SampleRecord = {
      schema: SAMPLE_SCHEMA,
      scenario: SCENARIOS[i % SCENARIOS.length]!,
      split: 'in-sample',
      model: 'teacher-x',
      role: 'teacher',
      text: `${action}\n\n${words.join(' ')}.`,
      parse: { ok: true, action, rule: 'synthetic', evidence: action },
      provenance: { source: 'recorded-text', origin: 'bench synthetic', protocol: 'reasoned' },
    };
    lines.push(JSON.stringify(sample));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

async function timeExport(
  file: string,
  outDir: string,
  over: Partial<ExportOptions>,
): Promise<{ seconds: number; kept: number[] }> {
  const catalogue = defaultCatalogue();
  const options: ExportOptions = {
    formats: [openaiChat, trlMessages],
    outDir,
    catalogue,
    protocol: catalogue.protocol('reasoned'),
    selector: { role: 'teacher' },
    target: 'raw',
    keepUnparseable: false,
    dedupe: false,
    cap: null,
    validation: 0.1,
    seed: 42,
    holdout: { contexts: [], games: [] },
    name: 'bench',
    source: { origin: file, kind: 'recording' },
    ...over,
  };
  const start = performance.now();
  const manifests = await exportDatasets(readLocatedSamples(file, catalogue), options);
  return { seconds: (performance.now() - start) / 1000, kept: manifests.map((m) => m.totals.kept) };
}

export async function benchExportTokenLimit(opts: { dir: string; samples?: number }): Promise<BenchRow[]> {
  const samples = opts.samples ?? 20_000;
  const file = join(opts.dir, 'recording.jsonl');
  writeRecording(file, samples);
  // Untimed warm-up: the tokenizers' vocabularies load once per process (timed apart below).
  const loadStart = performance.now();
  await timeExport(file, join(opts.dir, 'warm'), { maxTokens: 1_000_000 });
  const warm = (performance.now() - loadStart) / 1000;
  const plain = await timeExport(file, join(opts.dir, 'plain'), {});
  const limited = await timeExport(file, join(opts.dir, 'limited'), { maxTokens: 450 });
  const perSample = (s: number) => (1000 * s) / samples;
  return [
    {
      comparison:
        `export of ${samples.toLocaleString('en-US')} samples to openai-chat + trl-messages, ` +
        `--max-tokens 450 vs no limit`,
      subject: {
        label: 'export with --max-tokens 450 (o200k for openai-chat, llama2 for trl-messages)',
        value: perSample(limited.seconds),
        unit: 'ms/sample',
      },
      baseline: { label: 'the same export without a limit', value: perSample(plain.seconds), unit: 'ms/sample' },
      note:
        `${limited.seconds.toFixed(1)} s vs ${plain.seconds.toFixed(1)} s; kept ${limited.kept.join(' / ')} of ` +
        `${samples} (openai-chat / trl-messages: ` +
        `the two tokenizers count the same text differently); first export in the process, vocabularies loading ` +
        `included: ${warm.toFixed(1)} s`,
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { samples: { type: 'string', default: '20000' } } });
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'stratalign-bench-g-'));
  try {
    for (const row of await benchExportTokenLimit({ dir, samples: Number(values.samples) }))
      console.log(JSON.stringify(row, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
