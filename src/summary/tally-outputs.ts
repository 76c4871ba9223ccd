import type { Catalogue } from '../catalogue/catalogue.js';
import { actionsOf } from '../games/action-space.js';
import type { Tally } from '../recordings/types.js';
import { EXHAUSTED_REASON } from '../replay/replay-source.js';
import { readEnvelope, type EnvelopeSample } from '../samples/envelope.js';
import { resolveScenario } from '../scenarios/scenario.js';
import { readSample } from '../scoring/score-samples.js';

/** One promptfoo result row, reduced to what the summary needs. */
export type OutputRow = {
  model: string;
  role: string | null;
  scenario: string | undefined;
  split: string | undefined;
  output: string | undefined;
  /** Provider error text, when the row has no output because the call failed. */
  error: string | undefined;
};

/** Answers asked for that never arrived. Exhausted replays are shown but are not a loss of collected data. */
export type LostAnswers = { providerErrors: number; missingSamples: number; invalidOutputs: number; exhaustedReplays: number };

export type OutputTallies = {
  tallies: Tally[];
  /** Per model: rows that failed in the provider, and samples a batch reported missing. */
  lost: Map<string, LostAnswers>;
};

/** Folds result rows into tallies per (split, model, scenario), counting every lost or unreadable answer. */
export function tallyOutputs(rows: readonly OutputRow[], catalogue: Catalogue): OutputTallies {
  const byKey = new Map<string, Tally>();
  const lost: OutputTallies['lost'] = new Map();
  const lossOf = (model: string) => {
    let entry = lost.get(model);
    if (!entry) lost.set(model, (entry = { providerErrors: 0, missingSamples: 0, invalidOutputs: 0, exhaustedReplays: 0 }));
    return entry;
  };
  for (const row of rows) {
    const loss = lossOf(row.model);
    if (row.output === undefined || row.scenario === undefined) {
      loss.providerErrors++;
      continue;
    }
    const scenario = resolveScenario(catalogue, row.scenario);
    const read = readEnvelope(row.output);
    if (read.kind === 'invalid') {
      loss.invalidOutputs++;
      continue;
    }
    let samples: EnvelopeSample[] = [{ text: row.output }];
    let source: Tally['source'] = 'live';
    if (read.kind === 'envelope') {
      samples = read.envelope.samples;
      const exhausted = read.envelope.missing.reasons.every((r) => r.startsWith(EXHAUSTED_REASON));
      if (exhausted) loss.exhaustedReplays += read.envelope.missing.count;
      else loss.missingSamples += read.envelope.missing.count;
      source = read.envelope.source === 'replay' ? 'replay' : 'live';
    }
    const split = row.split ?? 'all';
    const key = `${split}\u0000${row.model}\u0000${scenario.id}`;
    let tally = byKey.get(key);
    if (!tally) {
      const counts = Object.fromEntries(actionsOf(scenario.game.actionSpace).map((a) => [String(a), 0]));
      byKey.set(key, (tally = { split, scenario: scenario.id, model: row.model, role: row.role, counts, failures: {}, source }));
    }
    for (const sample of samples) {
      const parse = readSample(sample, scenario.game.actionSpace);
      if (parse.ok) tally.counts[String(parse.action)] = (tally.counts[String(parse.action)] ?? 0) + 1;
      else tally.failures[parse.failure] = (tally.failures[parse.failure] ?? 0) + 1;
    }
  }
  return { tallies: [...byKey.values()], lost };
}
