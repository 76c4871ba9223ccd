import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { summariseEval } from '../src/report/summary/summarise-eval.js';
import { viewerLabelBiasScores } from '../src/report/summary/viewer-scores.js';
import { simulatedRows, type SimulatedProviderSpec } from './helpers/simulated-rows.js';

const catalogue = defaultCatalogue();
type Config = { providers: { label: string; config: Record<string, unknown> }[]; tests: { config: unknown }[] };
const probes = load(readFileSync('examples/probes.yaml', 'utf8')) as Config;
const providers: SimulatedProviderSpec[] = probes.providers.map((p) => ({ label: p.label, config: p.config }));
// The summary of the example's rows is built once and shared by the tests that only read it.
let exampleSummary: ReturnType<typeof summariseEval> | undefined;
const summariseExample = () =>
  (exampleSummary ??= summariseEval(simulatedRows(catalogue, probes.tests[0]!.config, providers), null, catalogue));

describe('end-of-eval summary of examples/probes.yaml (rows made exactly as the simulated provider answers)', () => {
  it("prints each model's label bias and parameters, every interval holding the simulation's truth", async () => {
    const outcome = await summariseExample();
    const text = outcome.text;
    expect(text).toContain('label variants (cooperation [95 %]');
    expect(text).toContain('fingerprint: P(C) = logistic(');
    const verdicts = text
      .split('\n')
      .flatMap((l) => [...l.matchAll(/simulated truth [^:]+: (inside|OUTSIDE) the interval/g)].map((m) => m[1]));
    // 3 label biases, 3 x 5 parameters, 4 regions x (distance, closure).
    expect(verdicts).toHaveLength(3 + 15 + 8);
    expect(verdicts.every((v) => v === 'inside')).toBe(true);
    for (const p of providers) expect(text).toContain(`grid, ${p.label}: paper `);
    // The fine-tuned student keeps a letter bias of about 30 points; the teacher has none.
    const bias = (label: string) =>
      outcome.probes!.labelBias.find((e) => e.model === label && e.group === 'split=grid')!.stats.labelBias.value!;
    expect(bias('fine-tuned sim-small-ft [simulated]')).toBeGreaterThan(0.25);
    expect(bias('teacher sim-large [simulated]')).toBeLessThan(0.05);
  });

  it(
    'gives the viewer one label-bias and one follows-letter chip per model and split, from ' + 'the same figures',
    async () => {
      const outcome = await summariseExample();
      const chips = viewerLabelBiasScores(outcome.probes);
      expect([...chips.keys()].sort()).toEqual(providers.map((p) => p.label).sort());
      for (const p of providers) {
        const entry = outcome.probes!.labelBias.find((e) => e.model === p.label && e.group === 'split=grid')!;
        expect(chips.get(p.label)).toEqual({
          label_bias_grid: Number(entry.stats.labelBias.value!.toFixed(4)),
          follows_letter_grid: Number(entry.stats.followsLetter!.share.value!.toFixed(4)),
        });
      }
      expect(viewerLabelBiasScores(null).size).toBe(0);
    },
  );

  it("still reports each model's probes when there is no base to compare with", async () => {
    const plan = {
      splits: [
        { name: 'grid', contexts: ['team'], grid: { family: 'st', points: 12, seed: 1 }, labels: ['paper', 'swapped'] },
      ],
    };
    const two = providers.filter((p) => !p.label.startsWith('base'));
    const outcome = await summariseEval(simulatedRows(catalogue, plan, two), null, catalogue);
    expect(outcome.text).toContain('no base / fine-tuned / teacher comparison');
    expect(outcome.text).toMatch(/grid, teacher sim-large \[simulated\]: paper [\d.]+ % \[[\d.]+, [\d.]+\]; swapped/);
    expect(outcome.text).toMatch(/label bias \(letter\)\s+-?[\d.]+ \[/);
    // Only paper and swapped: the letter and position terms coincide, so one of them is left open.
    expect(outcome.text).toMatch(/position bias\s+not identified/);
  });

  it('says nothing about probes for data without label variants or grid points', async () => {
    const plan = { splits: [{ name: 'in-sample', contexts: ['team'], games: ['prison', 'staghunt'] }] };
    const outcome = await summariseEval(simulatedRows(catalogue, plan, providers), null, catalogue);
    expect(outcome.text).toContain("paper's improvement metric");
    expect(outcome.text).not.toMatch(/label variants|fingerprint|payoff regions/);
    expect(outcome.probes ?? null).toBeNull();
  });
});
