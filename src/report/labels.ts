import type { SampleSource } from '../recordings/types.js';

/** How each data source is named wherever its numbers are shown. */
export const SOURCE_LABELS: Record<SampleSource, string> = {
  'recorded-counts': 'recorded counts',
  'recorded-text': 'recorded answers',
  replay: 'replayed',
  live: 'live',
};

/** One label for a model's data; a mix names every source so replayed data never passes as live. */
export function sourceLabel(sources: readonly SampleSource[]): string {
  return [...new Set(sources)].map((s) => SOURCE_LABELS[s]).join(' + ');
}

/** True when some numbers were not produced by live model calls in this run. */
export function isRecorded(sources: readonly SampleSource[]): boolean {
  return sources.some((s) => s !== 'live');
}

/** What every metric means; shown in the Markdown and HTML reports and kept in the JSON. */
export const DEFINITIONS: Record<string, string> = {
  cooperation: 'share of valid answers that chose the cooperative option (C); for numeric answers the mean answer as a share of the maximum. Answers that could not be parsed are counted apart, never as D.',
  'paper-improvement': "the paper's metric exactly as published: per scenario 100 * (C_student - C_base) / (C_teacher - C_base) on answer counts (mean answers for numeric games), then the plain mean over scenarios. Signed and unbounded: it swings where teacher and base barely differ, rewards overshoot, and credits a student that shifts the same way everywhere.",
  'pooled-gap-closure': '100 * sum(p_student - p_base) / sum(p_teacher - p_base) over the scenarios of the group, on cooperation shares; scenarios weigh by the size of their gap.',
  'absolute-gap-closure': '100 * (1 - sum|p_teacher - p_student| / sum|p_teacher - p_base|), pooled over the scenarios, on cooperation shares: overshooting the teacher is not rewarded, moving away from it counts against.',
  'mean-absolute-closure': 'plain mean over scenarios of 100 * (1 - |p_teacher - p_student| / |p_teacher - p_base|); unbounded below where the gap is small (DESIGN.md quotes 33.6 % in-sample for the paper).',
  'tv-distance': 'total variation distance between the model\'s and the teacher\'s answer distributions (half the L1 distance, 0..1), averaged over scenarios.',
  'js-distance': 'Jensen-Shannon distance: square root of the Jensen-Shannon divergence computed with base-2 logarithms (bits), 0..1, averaged over scenarios.',
  'profile-correlation': "Pearson correlation across the group's scenarios between the model's cooperation and the teacher's: does it rise and fall where the teacher's does. A uniform shift does not raise it.",
  'gap-significance': 'two-sided test of the base-teacher difference in cooperation (two-proportion z-test; Welch t-test for numeric answers); scenarios where it is not significant are flagged "n.s. gap": their paper improvement is mostly noise.',
  'payoff-sensitivity': 'for scenarios present with doubled payoffs: a two-proportion z-test per model of cooperation at x1 against x2, and how many scenarios changed significantly.',
  'parse-rate': 'valid answers / (valid answers + recorded parse failures).',
  intervals: 'shares: Wilson score or Clopper-Pearson (exact) intervals; closures, distances and correlations: percentile intervals of a seeded parametric multinomial bootstrap (each model\'s answers redrawn from its observed shares). A share of exactly 0 or 1 redraws to itself.',
};
