// Issue 11 item 10, end to end: a live eval in `mode: logprobs` (against the loopback server) is
// read the same way by the end-of-eval summary and by every command that reads it afterwards
// (convert, report, gate, reference): each reading counts as its distribution, not as the one
// token it sampled, and a reading below minInSpaceMass is a lost answer everywhere.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallApiContextParams, ProviderOptions } from 'promptfoo';
import { describe, expect, it } from 'vitest';
import OpenAICompatibleProvider from '../providers/openai-compatible.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { loadReplaySource } from '../src/sources/replay/replay-source.js';
import { readReference } from '../src/recordings/reference/read-reference.js';
import { summariseEval } from '../src/report/summary/summarise-eval.js';
import { useLoopbackServer } from './helpers/loopback-provider.js';
import { run } from './helpers/run-cli.js';
import { useTempDirs } from './helpers/temp-dir.js';
import { ok, okLogprobs, type LoopbackServer } from './loopback/server.js';

const KEY_ENV = 'STRATALIGN_TEST_READINGS_KEY';
let server: LoopbackServer;
useLoopbackServer(KEY_ENV, 'sk-loopback-readings-5e21', (s) => (server = s));
const tempDir = useTempDirs();
const SCENARIOS = ['biz/prison', 'team/delight', 'IR/staghunt'];
const REPEATS = 2;

type Model = { label: string; role: string; mode: 'single' | 'logprobs'; reply: () => ReturnType<typeof ok> };

// Every call of the student samples "C", but each reading puts P(C) = 0.7 on 95 % of the mass.
const MODELS: Model[] = [
  { label: 'teacher', role: 'teacher', mode: 'single', reply: () => ok('C') },
  { label: 'base', role: 'base', mode: 'single', reply: () => ok('D') },
  {
    label: 'lp',
    role: 'fine-tuned',
    mode: 'logprobs',
    reply: () => okLogprobs('C', { C: Math.log(0.665), D: Math.log(0.285) }),
  },
];
// One more student call whose options hold 5 % of the first token's mass: below minInSpaceMass.
const thin = () => okLogprobs('**', { '**': Math.log(0.9), C: Math.log(0.03), D: Math.log(0.02) });

async function liveEval(): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (const m of MODELS) {
    const config = {
      model: 'm',
      baseUrl: `${server.url}/v1`,
      apiKeyEnv: KEY_ENV,
      protocol: 'letter-only',
      role: m.role,
      mode: m.mode,
    };
    const provider = new OpenAICompatibleProvider({ id: m.label, config } as ProviderOptions);
    const calls = SCENARIOS.flatMap((s) => Array<string>(REPEATS).fill(s));
    if (m.mode === 'logprobs') calls.push('biz/prison');
    server.script(...calls.map((_, i) => (i < SCENARIOS.length * REPEATS ? m.reply() : thin())));
    for (const scenario of calls) {
      const response = await provider.callApi('display only', {
        vars: { scenario },
      } as unknown as CallApiContextParams);
      const failed = response.error !== undefined;
      rows.push({
        provider: { id: 'file://providers/openai-compatible.ts', label: m.label },
        vars: { scenario, split: 'in-sample' },
        response,
        ...(failed ? { error: response.error, failureReason: 2 } : { failureReason: 0 }),
      });
    }
  }
  return rows;
}

describe('log-probability readings are read the same way by every consumer', () => {
  it('summary, convert, report, gate and reference all show 70 % cooperation for rows that sampled C', async () => {
    const rows = await liveEval();
    const summary = await summariseEval(rows, null, defaultCatalogue());
    expect(summary.text).toMatch(/^lp\s+fine-tuned\s+live \(log-probability readings\)\s+6\s+0\s+70\.0 %/m);
    expect(summary.lostAnswers).toBe(1);

    const dir = tempDir();
    const results = join(dir, 'results.jsonl');
    writeFileSync(results, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const converted = await run(['convert', results, '--out', join(dir, 'recording.jsonl')], dir);
    expect(converted.stderr).toBe('');
    expect(converted.code).toBe(0);
    expect(converted.stdout).toMatch(
      new RegExp(
        String.raw`6 rows are log-probability readings, kept with their distribution: report, gate and ` +
          String.raw`reference count each as its distribution`,
      ),
    );
    expect(converted.stdout).toMatch(/1 provider errors \(1 answers lost/);

    for (const input of ['recording.jsonl', 'results.jsonl']) {
      const report = await run(['report', input, '--format', 'json', '--resamples', '300'], dir);
      expect(report.code).toBe(0);
      const json = JSON.parse(report.stdout);
      const lp = json.models.find((m: { label: string }) => m.label === 'lp');
      expect(lp.sourceLabel).toBe('live (log-probability readings)');
      const shares = json.scenarios.map(
        (s: { models: { model: string; cooperation: { value: number } }[] }) =>
          s.models.find((m) => m.model === 'lp')!.cooperation.value,
      );
      expect(shares).toHaveLength(SCENARIOS.length);
      for (const share of shares) expect(share).toBeCloseTo(0.7, 5);
      expect(json.notes).toContainEqual(
        expect.stringMatching(/^lp: answers are log-probability readings .*intervals treat each reading as one answer/),
      );

      // The paper's metric on cooperation shares: (0.7 - 0) / (1 - 0), not (1 - 0) / (1 - 0).
      const gate = await run(
        ['gate', input, '--resamples', '300', '--min', 'paper-improvement@split=in-sample=80'],
        dir,
      );
      expect(gate.stdout).toContain('lp live (log-probability readings)');
      expect(gate.stdout).toMatch(
        /FAIL paper-improvement at split=in-sample for lp: point estimate 70\.00 % < min 80\.00 %/,
      );
      expect(gate.code).toBe(1);
    }
    // The thin reading is a lost answer for the gate too, as it was for the summary.
    const lost = await run(['gate', 'results.jsonl', '--resamples', '300', '--max', 'missing-samples=0'], dir);
    expect(lost.stdout).toMatch(/^FAIL missing-samples at overall: count 1 > max 0 \(over by 1\)$/m);
    expect(lost.stdout).toMatch(
      new RegExp(
        String.raw`^FAIL provider-errors at overall: count 1 > max 0 \(over by 1; first: row 19, lp, ` +
          String.raw`biz\/prison: .*below minInSpaceMass 50\.0 %`,
        'm',
      ),
    );

    // Replay would read each reading as its sampled token: refused, with the reason.
    await expect(loadReplaySource(join(dir, 'recording.jsonl'), defaultCatalogue(), 'lp')).rejects.toThrow(
      /answers of lp are log-probability readings/,
    );

    const built = await run(
      ['reference', 'recording.jsonl', '--model', 'lp', '--out', 'ref.json', '--min-valid', '1'],
      dir,
    );
    expect(built.code).toBe(0);
    expect(built.stdout).toContain('6 of the answers are log-probability readings, each counted as its distribution');
    const written = JSON.parse(readFileSync(join(dir, 'ref.json'), 'utf8'));
    expect(Object.values(written.scenarios).map((e) => (e as { readings: number }).readings)).toEqual([
      REPEATS,
      REPEATS,
      REPEATS,
    ]);
    // Read back as the alignment assertion reads it: expected counts are accepted because the entry says so.
    const reference = readReference(join(dir, 'ref.json'), defaultCatalogue());
    expect(Object.keys(reference.scenarios)).toHaveLength(SCENARIOS.length);
    for (const entry of Object.values(reference.scenarios)) {
      expect(entry.n).toBe(REPEATS);
      expect(entry.counts.C! / entry.n).toBeCloseTo(0.7, 5);
    }
    // Fractions without `readings` are not whole answers and say nothing about where they came from: refused.
    for (const entry of Object.values(written.scenarios)) delete (entry as { readings?: number }).readings;
    writeFileSync(join(dir, 'bare.json'), JSON.stringify(written));
    expect(() => readReference(join(dir, 'bare.json'), defaultCatalogue())).toThrow(
      /counts must be whole answers unless the entry says/,
    );
  });
});
