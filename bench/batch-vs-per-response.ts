// (b) Per-response mode (one answer per row, promptfoo repeat N) against batch-sample mode (one
// row carrying N answers) on the same scenarios and the same replayed answers.
import type { EvaluateTestSuite } from 'promptfoo';
import { readEnvelope } from '../src/answers/samples/envelope.js';
import type { BenchRow } from './format-table.js';
import {
  ALIGNMENT_ASSERTION,
  errorNote,
  RECORDING,
  REPLAY_PROVIDER,
  requireFiles,
  timedEvaluate,
  type EvalRow,
} from './promptfoo-harness.js';

const CONCURRENCY = 4;
const MODEL = 'llama2-7b-chat-lfb-lora';
const SCENARIOS = [
  'business/prisoners-dilemma',
  'business/stag-hunt',
  'business/snowdrift',
  'business/prisoners-delight',
];

export async function benchBatchVsPerResponse(opts: {
  dir: string;
  samples?: number;
  scenarios?: number;
}): Promise<BenchRow[]> {
  requireFiles('providers/replay.ts', 'assertions/alignment.ts');
  const samples = opts.samples ?? 300;
  const scenarios = SCENARIOS.slice(0, opts.scenarios ?? SCENARIOS.length);
  const suite = (perCall: number): EvaluateTestSuite => ({
    prompts: ['{{scenario}}'],
    providers: [
      {
        id: REPLAY_PROVIDER,
        label: `replay x${perCall}`,
        config: { recording: RECORDING, model: MODEL, samples: perCall, seed: 1 },
      },
    ],
    tests: scenarios.map((scenario) => ({
      description: scenario,
      vars: { scenario, split: 'in-sample' },
      assert: [
        {
          type: 'javascript' as const,
          value: ALIGNMENT_ASSERTION,
          config: { reference: RECORDING, referenceRole: 'teacher' },
        },
      ],
    })),
  });
  await timedEvaluate(suite(2), { maxConcurrency: CONCURRENCY });
  const perResponse = await timedEvaluate(suite(1), { maxConcurrency: CONCURRENCY, repeat: samples });
  const batch = await timedEvaluate(suite(samples), { maxConcurrency: CONCURRENCY });
  const answers = scenarios.length * samples;
  const same = sameAnswers(perResponse.results, batch.results);
  return [
    {
      comparison: `wall time, ${scenarios.length} scenarios x ${samples} answers`,
      subject: {
        label: `per-response: samples 1, repeat ${samples} (${perResponse.results.length} rows)`,
        value: perResponse.ms / 1000,
        unit: 's',
      },
      baseline: {
        label: `batch: samples ${samples}, one row per scenario (${batch.results.length} rows)`,
        value: batch.ms / 1000,
        unit: 's',
      },
      note:
        `${(perResponse.ms / answers).toFixed(3)} vs ${(batch.ms / answers).toFixed(3)} ms per answer; replay ` +
        `provider + alignment assertion, ` +
        `maxConcurrency ${CONCURRENCY}, RECORDED answers of ${MODEL}, no model called. ` +
        `Both modes scored the same answers: ${same}.` +
        errorNote('per-response', perResponse) +
        errorNote('batch', batch),
    },
  ];
}

/** Tallies the recorded choices each mode returned, per scenario, and says whether they match. */
function sameAnswers(perResponse: EvalRow[], batch: EvalRow[]): string {
  const tally = (rows: EvalRow[]) => {
    const counts = new Map<string, number>();
    for (const row of rows) {
      const read = readEnvelope(typeof row.response?.output === 'string' ? row.response.output : '');
      if (read.kind !== 'envelope') continue;
      for (const sample of read.envelope.samples) {
        const key = `${read.envelope.scenario} ${String(sample.recordedChoice ?? sample.recordedFailure ?? 'text')}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    return [...counts].sort(([a], [b]) => a.localeCompare(b));
  };
  const a = tally(perResponse);
  const b = tally(batch);
  const total = a.reduce((sum, [, n]) => sum + n, 0);
  return JSON.stringify(a) === JSON.stringify(b)
    ? `yes (${total} answers, identical counts per scenario)`
    : `NO (per-response ${JSON.stringify(a)} vs batch ${JSON.stringify(b)})`;
}
