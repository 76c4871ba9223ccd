import type { SampleSource } from '../recordings/types.js';

/** How each data source is named wherever its numbers are shown. */
export const SOURCE_LABELS: Record<SampleSource, string> = {
  'recorded-counts': 'recorded counts',
  'recorded-text': 'recorded answers',
  replay: 'replayed',
  live: 'live',
  simulated: 'simulated',
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
  cooperation:
    'share of valid answers that chose the cooperative option (C); for numeric answers the mean answer as a ' +
    'share of the maximum. Answers that could not be parsed are counted apart, never as D.',
  'paper-improvement':
    "the paper's metric: per scenario 100 * (p_student - p_base) / (p_teacher - p_base) on cooperation shares of " +
    'valid answers (mean answers for numeric games), then the plain mean over scenarios. Signed and unbounded: ' +
    'it swings where teacher and base barely differ, rewards overshoot, and credits a student that shifts ' +
    'the same way everywhere.',
  'paper-improvement-as-published':
    'the same formula on answer counts instead of shares, as the paper computed it (46.26 % in-sample and 17.90 ' +
    '% on new contexts on its data, where a few rows hold 295 or 299 answers; 46.65 % and 18.26 % on shares). ' +
    'Shown only where it differs from the shares value: with unequal sample sizes counts mix the sample size ' +
    'into the ratio (a student sampled 900 times against 300 reads -1274.96 % instead of 46.65 %).',
  'pooled-gap-closure':
    '100 * sum(p_student - p_base) / sum(p_teacher - p_base) over the scenarios of the group, on cooperation ' +
    'shares; scenarios weigh by the size of their gap.',
  'absolute-gap-closure':
    '100 * (1 - sum|p_teacher - p_student| / sum|p_teacher - p_base|), pooled over the scenarios, on cooperation ' +
    'shares: overshooting the teacher is not rewarded, moving away from it counts against.',
  'mean-absolute-closure':
    'plain mean over scenarios of 100 * (1 - |p_teacher - p_student| / |p_teacher - p_base|); unbounded below ' +
    'where the gap is small (DESIGN.md quotes 33.6 % in-sample for the paper).',
  'tv-distance':
    "total variation distance between the model's and the teacher's answer distributions (half the L1 distance, " +
    '0..1), averaged over scenarios. Computed on observed shares (plug-in) it is biased upwards: answer noise ' +
    'alone makes two identical models look about 0.03 apart per two-option scenario with 300 answers each, ' +
    'and about 0.1 apart over 11 donation amounts. Two-option scenarios show the plug-in |p_model - ' +
    'p_teacher| with an interval that accounts for this; groups and numeric games show a median-unbiased ' +
    'value (the distance whose plug-in median equals the observed one; `plugIn` in the JSON ' +
    'keeps the plug-in).',
  'share-difference':
    "two-option games: P(C) of the model minus the teacher's, with the Miettinen-Nurminen score interval (both " +
    "shares estimated) or the score interval of the model's share (teacher exact).",
  'js-distance':
    'Jensen-Shannon distance: square root of the Jensen-Shannon divergence computed with base-2 logarithms ' +
    '(bits), 0..1, averaged over scenarios. Plug-in, and biased upwards like the TV distance.',
  'profile-correlation':
    "Pearson correlation across the group's scenarios between the model's cooperation and the teacher's: does it " +
    "rise and fall where the teacher's does. A uniform shift does not raise it. Answer noise pulls it towards " +
    '0, so the observed value understates the true one.',
  'gap-significance':
    'two-sided test of the base-teacher difference in cooperation (two-proportion z-test; Welch t-test for ' +
    'numeric answers); scenarios where it is not significant are flagged "n.s. gap": their paper improvement ' +
    'is mostly noise.',
  'payoff-sensitivity':
    'for scenarios present with doubled payoffs: a two-proportion z-test per model of cooperation at x1 against ' +
    'x2, and how many scenarios changed significantly.',
  'parse-rate':
    'valid answers / (valid answers + recorded parse failures). "n/a (not recorded)" when the data could not ' +
    'record parse failures (a counts table without failure columns, replayed recorded choices): the rate is ' +
    'unknown, not 100 %, and a gate on it fails.',
  'rule-read-rate':
    "answers the parser's rules read / received answers; answers the optional audited extractor read count in " +
    'the parse rate but not here (ruleReadRate and extractorRead in the JSON groups; the parse-quality lines ' +
    'give each route and the failure kinds). Null where parse failures were not recorded.',
  intervals: [
    'Shares (default): Wilson score with the Clopper-Pearson end within 10 answers of 0 or n (coverage at least ' +
      '93 % at every share with 300 answers; plain Wilson falls to 85 % near the ends); --interval wilson or ' +
      'exact for the others. Means: Student-t (stratified by scenario over a group); none for fewer than 2 ' +
      'answers; an exact bound over the answer range when every answer is the same.',
    "The teacher's answers are a sample like the models', so every interval that compares a model with the " +
      "teacher carries the teacher's noise too (two-sample methods); --teacher-exact drops it, for a reference " +
      'that really has no sampling noise.',
    'TV distance, two-option scenarios: TV = |p_model - p_teacher|; its interval inverts a score test of |d| = ' +
      'tau whose critical value is calibrated at each tau so that it covers at its level at every distance (the ' +
      'folded interval for d would cover 97 % near 0.02) and whose upper end falls below a tolerance equal to ' +
      'the truth (1 - level) / 2 of the time. Groups and numeric games: a test-inversion parametric ' +
      'bootstrap, the upper end computed under the spread of the difference that makes the plug-in ' +
      "smallest (so 'within' claims hold their error rate however the difference is spread), the lower " +
      'end under the sparse spread the data support best.',
    'Closures, JS distance and profile correlations: basic (reverse-percentile) intervals of a seeded parametric ' +
      "multinomial bootstrap (each model's answers redrawn from its observed shares; a share of exactly 0 or 1 " +
      'redraws to itself). The basic interval corrects for the upward bias of plug-in statistics, which a ' +
      'percentile interval would add a second time; it is widened where needed to contain the estimate and cut ' +
      "to the metric's range (distances 0..1, absolute closure at most 100 %).",
    "'(at range end)': the observed value is below what answer noise alone produces, so the interval ends at 0. " +
      "'(no spread)': every resample gave the same value, e.g. both models always chose D.",
    'Profile correlations get the hull of the basic and the percentile interval, cut to -1..1: over a few ' +
      'scenarios their resamples are skewed by the ends at -1 and 1 more than shifted by a bias, and the basic ' +
      'interval alone would read far too sure near 1.',
    'An interval is withheld when the statistic is undefined in more than 5 % of resamples.',
    'Scope: every interval is conditional on the scenarios in the data and reflects answer noise only (which ' +
      'answers the models happened to give); it says nothing about how a metric would vary over other scenarios, ' +
      'contexts or games.',
  ].join(' '),
};
