import { proportionMethodName } from '../stats/proportion.js';
import { fixed } from './format.js';
import { isRecorded } from './labels.js';
import type { Report } from './types.js';

/**
 * The lines every rendering starts with: inputs, where the numbers come from, how intervals are
 * made. Plain text; renderers escape it.
 */
export function preambleLines(r: Report): string[] {
  const lines = [`Inputs: ${r.inputs.map((i) => `${i.file} (${i.kind})`).join(', ')}`];
  const simulated = r.models.filter((m) => m.sources.includes('simulated'));
  if (simulated.length) {
    const who = simulated.map((m) => m.label).join(', ');
    lines.push(
      `SIMULATED DATA: answers of ${who} were drawn from parametric simulated players (providers/simulated.ts); ` +
        'no language model exists behind them.',
    );
  }
  const recorded = r.models.filter((m) => isRecorded(m.sources.filter((s) => s !== 'simulated')));
  if (recorded.length) {
    const labels = [...new Set(recorded.map((m) => m.sourceLabel))].join(', ');
    lines.push(
      `RECORDED DATA: numbers of ${recorded.map((m) => m.label).join(', ')} are ${labels}; no model was called ` +
        `for them in this run.`,
    );
  }
  const b = r.settings.bootstrap;
  const teacher =
    r.settings.teacher === 'exact'
      ? "the teacher's answers are taken as EXACT (--teacher-exact): only the models' noise is in the intervals"
      : "the teacher's answers are a sample: their noise is in every interval that compares a model with the teacher";
  lines.push(
    `Intervals: ${fixed(100 * r.settings.level, 0)} %; ${teacher}. Shares: ` +
      `${proportionMethodName(r.settings.proportionInterval)}. TV to the teacher: two-option scenarios ` +
      `|difference| with a calibrated score interval; groups and numeric games a test-inversion bootstrap with ` +
      `a median-unbiased value (${b.resamples} resamples). Closures, JS and correlations: basic bootstrap ` +
      `cut to each metric's range (correlations: its hull with the percentile interval), ${b.resamples} ` +
      `parametric multinomial resamples, seed ${JSON.stringify(b.seed)}; conditional on these scenarios ` +
      `(answer noise only, not other scenarios).`,
    "paper impr. = the paper's metric (mean over scenarios of 100*(ft-base)/(teacher-base)) on cooperation " +
      "shares; 'as published' = the same on counts, as the paper computed it, shown where it differs. Closures " +
      'in %, on cooperation shares. TV and JS (square root of the JS divergence in bits) are 0..1; JS is ' +
      'biased upwards by answer noise, TV intervals account for it. n.s. gap = base-teacher difference not ' +
      'significant at ' +
      `${fixed(r.settings.alpha, 2)}: the paper's metric is mostly noise there.`,
  );
  return lines;
}

const MAX_FLAGGED = 30;

/** Scenarios flagged with a non-significant base-teacher gap, as one line per split. */
export function flaggedLines(r: Report): string[] {
  return r.groups
    .filter(
      (g) =>
        g.key.split !== undefined &&
        g.key.game === undefined &&
        g.key.context === undefined &&
        g.nonSignificantGaps.length > 0,
    )
    .filter((g) => g.key.region === undefined)
    .map((g) => {
      // Grids with label variants flag hundreds of scenarios: name the first, count the rest.
      const shown = g.nonSignificantGaps.slice(0, MAX_FLAGGED).map((u) => u.scenario);
      const more = g.nonSignificantGaps.length - shown.length;
      const rest = more > 0 ? `, and ${more} more (the JSON report lists all)` : '';
      return `n.s. gap in ${g.label}: ${shown.join(', ')}${rest}`;
    });
}
