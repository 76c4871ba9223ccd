// promptfoo afterAll hook: prints per-model alignment and the paper's metric per split, and fails
// the run when answers were lost (promptfoo alone counts a provider error as a plain non-pass).
import { defaultCatalogue } from '../src/catalogue/index.js';
import { isStratalignError } from '../src/errors.js';
import { cachedReference } from '../src/reference/reference-cache.js';
import type { Reference } from '../src/reference/reference.js';
import { alignmentReference, type AssertionLike } from '../src/summary/reference-config.js';
import { summariseEval } from '../src/summary/summarise-eval.js';

type HookContext = {
  suite?: { defaultTest?: { assert?: AssertionLike[] }; tests?: { assert?: AssertionLike[] }[] };
  results?: unknown[];
  prompts?: { provider: string; metrics?: { namedScores?: Record<string, number> } }[];
};

export async function afterAll(context: HookContext): Promise<void> {
  const catalogue = defaultCatalogue();
  const outcome = await summariseEval(context.results ?? [], loadReference(context), catalogue);
  process.stdout.write(outcome.text);

  // Shown as chips in the viewer next to promptfoo's own metrics, on each student's column.
  for (const split of outcome.summary?.splits ?? []) {
    for (const student of split.students) {
      const named = context.prompts?.find((p) => p.provider === student.model)?.metrics?.namedScores;
      if (named && student.paperImprovement.value !== null) named[`paper_improvement_${split.split}`] = Number(student.paperImprovement.value.toFixed(2));
    }
  }

  // Label bias per split, 0..1, as a chip on each model's column (only when the eval has label variants).
  for (const entry of outcome.probes?.labelBias ?? []) {
    const key = entry.key;
    const split = key.split;
    const narrower = key.game !== undefined || key.context !== undefined || key.region !== undefined;
    if (split === undefined || narrower) continue;
    const named = context.prompts?.find((p) => p.provider === entry.model)?.metrics?.namedScores;
    const bias = entry.stats.labelBias.value;
    if (named && bias !== null) named[`label_bias_${split}`] = Number(bias.toFixed(4));
    const letter = entry.stats.followsLetter?.share.value;
    if (named && letter !== undefined && letter !== null) named[`follows_letter_${split}`] = Number(letter.toFixed(4));
  }

  if (outcome.error || outcome.lostAnswers > 0) {
    process.stderr.write(`stratalign: ${outcome.error ? 'the summary could not be made' : `${outcome.lostAnswers} answer(s) were lost (see above)`}; failing the run.\n`);
    process.exitCode = 1;
  }
}

function loadReference(context: HookContext): Reference | null {
  const found = alignmentReference([...(context.suite?.defaultTest?.assert ?? []), ...(context.suite?.tests ?? []).flatMap((t) => t.assert ?? [])]);
  if (!found) return null;
  if (found.others > 0) process.stderr.write(`stratalign summary: ${found.others + 1} different alignment references in this config; agreement is shown against ${found.file}\n`);
  try {
    return cachedReference(found.file, found.selector, defaultCatalogue());
  } catch (err) {
    if (!isStratalignError(err)) throw err;
    process.stderr.write(`stratalign summary: ${err.message}\n`);
    return null;
  }
}
