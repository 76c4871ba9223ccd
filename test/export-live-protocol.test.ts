// Issue 11 item 12 end to end: a live provider run under protocol reasoned (against the loopback
// server), converted as `stratalign convert` does, records its protocol in every sample, and an
// export under another protocol is refused before anything is written.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallApiContextParams, ProviderOptions } from 'promptfoo';
import { describe, expect, it } from 'vitest';
import OpenAICompatibleProvider from '../providers/openai-compatible.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { createConversionSummary, samplesFromPromptfooResults } from '../src/recordings/convert/promptfoo-results.js';
import { readLocatedSamples } from '../src/recordings/convert/read-samples.js';
import { exportDatasets } from '../src/export/export-datasets.js';
import { openaiChat } from '../src/export/formats/openai-chat.js';
import type { SampleRecord } from '../src/recordings/types.js';
import { useLoopbackServer } from './helpers/loopback-provider.js';
import { useTempDirs } from './helpers/temp-dir.js';
import { ok, type LoopbackServer } from './loopback/server.js';

const KEY_ENV = 'STRATALIGN_TEST_PROTOCOL_KEY';
let server: LoopbackServer;
useLoopbackServer(KEY_ENV, 'sk-loopback-protocol-3c1f', (s) => (server = s));
const tempDir = useTempDirs();
const catalogue = defaultCatalogue();
const SCENARIOS = ['biz/prison', 'team/staghunt', 'friends/snowdrift'];

/** The converted recording of 12 reasoned answers from a live teacher, as `stratalign convert` writes it. */
async function liveRecording(): Promise<string> {
  const teacher = new OpenAICompatibleProvider({
    id: 'teacher',
    config: { model: 'm', baseUrl: `${server.url}/v1`, apiKeyEnv: KEY_ENV, protocol: 'reasoned', role: 'teacher' },
  } as ProviderOptions);
  server.script(...Array.from({ length: 12 }, (_, i) => ok(`C\n\nReason ${i}: we both gain more by cooperating.`)));
  const rows = [];
  for (let i = 0; i < 12; i++) {
    const scenario = SCENARIOS[i % SCENARIOS.length]!;
    const response = await teacher.callApi('display only', { vars: { scenario } } as unknown as CallApiContextParams);
    expect(response.error).toBeUndefined();
    const provider = { id: 'file://providers/openai-compatible.ts', label: 'teacher' };
    rows.push({ provider, vars: { scenario, split: 'in-sample' }, response });
  }
  const results = join(tempDir(), 'results.jsonl');
  writeFileSync(results, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const samples: SampleRecord[] = [];
  const conversion = { summary: createConversionSummary(results) };
  for await (const s of samplesFromPromptfooResults(results, catalogue, conversion)) samples.push(s);
  expect(samples.map((s) => s.provenance.protocol)).toEqual(Array(12).fill('reasoned'));
  const recording = join(tempDir(), 'recording.jsonl');
  writeFileSync(recording, samples.map((s) => `${JSON.stringify(s)}\n`).join(''));
  return recording;
}

describe('a live run records its protocol, and export checks it', () => {
  it('refuses --protocol letter-only for a reasoned live run, writing nothing; exports it under reasoned', async () => {
    const recording = await liveRecording();
    const out = tempDir();
    const options = {
      formats: [openaiChat],
      outDir: out,
      catalogue,
      protocol: catalogue.protocol('letter-only'),
      selector: { role: 'teacher' },
      target: 'raw' as const,
      keepUnparseable: false,
      dedupe: false,
      cap: null,
      validation: 0,
      seed: 42,
      holdout: { contexts: [], games: [] },
      name: 'stratalign',
      source: { origin: 'test', kind: 'recording' as const },
    };
    await expect(exportDatasets(readLocatedSamples(recording, catalogue), options)).rejects.toThrow(
      /line 1, field provenance\.protocol: .*collected under protocol reasoned, but --protocol is letter-only/,
    );
    expect(readdirSync(out)).toEqual([]);
    const reasoned = { ...options, protocol: catalogue.protocol('reasoned') };
    const [manifest] = await exportDatasets(readLocatedSamples(recording, catalogue), reasoned);
    expect(manifest!.protocolCheck).toEqual({ exported: 'reasoned', recorded: 12, unrecorded: 0 });
  });
});
