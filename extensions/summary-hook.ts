// promptfoo afterAll hook: prints the verdict, per-model alignment and the paper's metric per split,
// and fails the run when answers were lost, when the configured extractor could not be asked
// about some answers, when the alignment assertion scored fewer rows than
// carry it, or when the config has problems (for configs without extensions/config-check.ts).
import { defaultCatalogue } from '../src/catalogue/index.js';
import { isStratalignError } from '../src/shared/errors.js';
import { configMentionsAlignment } from '../src/eval/config/config-keys.js';
import { configLocation } from '../src/shared/config-location.js';
import { configProblems } from '../src/eval/config/config-problems.js';
import { alignmentAssertions, type SuiteLike } from '../src/eval/config/suite-check.js';
import { cachedReference } from '../src/recordings/reference/reference-cache.js';
import type { Reference } from '../src/recordings/reference/reference.js';
import { viewerLabelBiasScores, viewerVerdictScores } from '../src/report/summary/viewer-scores.js';
import { alignmentReference, type AssertionLike } from '../src/report/summary/reference-config.js';
import { coverageProblems, scoringCoverage } from '../src/report/summary/scoring-coverage.js';
import { summariseEval } from '../src/report/summary/summarise-eval.js';

type HookContext = {
  suite?: SuiteLike;
  results?: unknown[];
  prompts?: { provider: string; metrics?: { namedScores?: Record<string, number> } }[];
};

export async function afterAll(context: HookContext): Promise<void> {
  const catalogue = defaultCatalogue();
  const location = configLocation();
  const rows = context.results ?? [];
  const coverage = scoringCoverage(rows);
  const outcome = await summariseEval(rows, loadReference(context), catalogue, coverage.outcomes);
  process.stdout.write(outcome.text);

  // Shown as chips in the viewer next to promptfoo's own metrics, on each model's column.
  for (const scores of [viewerVerdictScores(outcome.summary), viewerLabelBiasScores(outcome.probes)]) {
    for (const [label, named] of scores) {
      const metrics = context.prompts?.find((p) => p.provider === label)?.metrics?.namedScores;
      if (metrics) Object.assign(metrics, named);
    }
  }

  const found = configProblems(context.suite, location);
  // A config problem already says why rows went unscored; the coverage line then only counts them.
  const unscored = coverageProblems(
    found.length ? { ...coverage, firstReason: 'because of the config problem above' } : coverage,
    configMentionsAlignment(location),
    location.file,
  );
  const problems = [...found, ...unscored];
  for (const line of problems) process.stderr.write(`${line}\n`);
  const extractorErrors = outcome.extractorErrors ?? 0;
  if (outcome.error || outcome.lostAnswers > 0 || extractorErrors > 0 || problems.length > 0) {
    const why = outcome.error
      ? 'the summary could not be made'
      : outcome.lostAnswers > 0
        ? `${outcome.lostAnswers} answer(s) were lost (see above)`
        : extractorErrors > 0
          ? `the extractor could not be asked about ${extractorErrors} answer(s) (see EXTRACTOR ERRORS above)`
          : 'of the problem(s) above';
    process.stderr.write(`stratalign: failing the run because ${why}.\n`);
    process.exitCode = 1;
  }
}

function loadReference(context: HookContext): Reference | null {
  const found = alignmentReference(alignmentAssertions(context.suite ?? {}).map((a) => a.assertion as AssertionLike));
  if (!found) return null;
  if (found.others > 0)
    process.stderr.write(
      `stratalign summary: ${found.others + 1} different alignment references in this config; agreement is shown ` +
        `against ${found.file}\n`,
    );
  try {
    return cachedReference(found.file, found.selector, defaultCatalogue());
  } catch (err) {
    // The config check names the unreadable reference with its fix; the summary only goes without.
    if (!isStratalignError(err)) throw err;
    return null;
  }
}
