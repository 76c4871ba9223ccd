// (a) Our replay provider and alignment assertion against promptfoo's own minimal provider with
// no assertion, on the same rows: what the plugin adds to each row of an eval.
import type { EvaluateTestSuite } from 'promptfoo';
import type { BenchRow } from './format-table.js';
import {
  ALIGNMENT_ASSERTION,
  errorNote,
  median,
  RECORDING,
  REPLAY_PROVIDER,
  requireFiles,
  timedEvaluate,
  type TimedEval,
} from './promptfoo-harness.js';

const CONCURRENCY = 4;

export async function benchPromptfooOverhead(opts: {
  dir: string;
  rows?: number;
  repeats?: number;
}): Promise<BenchRow[]> {
  requireFiles('providers/replay.ts', 'assertions/alignment.ts');
  const rows = opts.rows ?? 500;
  const repeats = opts.repeats ?? 3;
  const tests = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      description: `row ${i}`,
      vars: { scenario: 'business/prisoners-dilemma', split: 'in-sample' },
    }));
  const minimal = (n: number): EvaluateTestSuite => ({
    prompts: ['{{scenario}}'],
    providers: [{ id: () => 'minimal', callApi: async () => ({ output: 'C' }) }],
    tests: tests(n),
  });
  const ours = (n: number): EvaluateTestSuite => ({
    prompts: ['{{scenario}}'],
    providers: [
      {
        id: REPLAY_PROVIDER,
        label: 'replay',
        config: { recording: RECORDING, model: 'llama2-70b-chat', samples: 1, seed: 1 },
      },
    ],
    tests: tests(n).map((t) => ({
      ...t,
      assert: [
        {
          type: 'javascript' as const,
          value: ALIGNMENT_ASSERTION,
          config: { reference: RECORDING, referenceRole: 'teacher' },
        },
      ],
    })),
  });
  const options = { maxConcurrency: CONCURRENCY };
  // Warm-up: module loading (tsx compiles the plugin files) and the reference cache are one-off costs.
  await timedEvaluate(minimal(5), options);
  await timedEvaluate(ours(5), options);

  const runs: { minimal: TimedEval[]; ours: TimedEval[] } = { minimal: [], ours: [] };
  for (let r = 0; r < repeats; r++) {
    runs.minimal.push(await timedEvaluate(minimal(rows), options));
    runs.ours.push(await timedEvaluate(ours(rows), options));
  }
  const perRow = (xs: TimedEval[]) => median(xs.map((x) => x.ms)) / rows;
  const minimalMs = perRow(runs.minimal);
  const oursMs = perRow(runs.ours);
  const oneOurs = runs.ours.at(-1)!;
  return [
    {
      comparison: `wall time per row, ${rows} rows, maxConcurrency ${CONCURRENCY}`,
      subject: { label: 'stratalign replay provider + alignment assertion', value: oursMs, unit: 'ms/row' },
      baseline: { label: 'promptfoo inline minimal provider, no assertion', value: minimalMs, unit: 'ms/row' },
      note:
        `median of ${repeats} run${repeats === 1 ? '' : 's'} each, after a warm-up; the plugin adds ` +
        `${(oursMs - minimalMs).toFixed(3)} ms per row ` +
        `(${(((oursMs - minimalMs) * rows) / 1000).toFixed(2)} s per ${rows} rows). Replayed RECORDED answers, ` +
        `no model called; ` +
        `ours: ${oneOurs.stats.successes} pass / ${oneOurs.stats.failures} fail by the gate.` +
        errorNote('ours', oneOurs) +
        errorNote('minimal', runs.minimal.at(-1)!),
    },
  ];
}
