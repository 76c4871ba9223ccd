import { REGION_LABELS } from '../../catalogue/games/payoff-region.js';
import { PARAMETER_LABELS, type ChoiceParameters } from '../../catalogue/scenarios/choice-covariates.js';
import type { ProbesReport } from '../probes/probes-report.js';
import type { EvalSummary } from '../eval-summary.js';
import { fixed, percentagePoints, withInterval } from '../format.js';
import { sanitizeForTerminal } from '../../shared/terminal.js';

const clean = sanitizeForTerminal;

/** "inside" or "OUTSIDE": whether a simulated truth lies in the estimate's interval. */
function against(truth: number, low: number | null, high: number | null, digits: number, scale = 1, unit = ''): string {
  const shown = `${fixed(scale * truth, digits)}${unit}`;
  if (low === null || high === null) return `simulated truth ${shown}`;
  // Compared at the digits shown, so a line never says OUTSIDE next to numbers that read inside.
  const round = (v: number) => Number(fixed(scale * v, digits));
  const inside = round(low) <= round(truth) && round(truth) <= round(high);
  return `simulated truth ${shown}: ${inside ? 'inside' : 'OUTSIDE'} the interval`;
}

/**
 * The probes part of the end-of-eval summary: per split and model, cooperation under each label
 * variant, the label bias and how often the letter beat the action; each model's fingerprint; per
 * payoff region the students' distance and gap closure. Simulated players' true values are shown
 * beside the estimates, with whether the interval holds them.
 */
export function renderProbesSummary(
  probes: ProbesReport,
  regions: EvalSummary['regions'] | undefined,
  resamples: number,
): string[] {
  const out: string[] = [];
  const entries = probes.labelBias.filter(
    (e) =>
      e.key.split !== undefined &&
      e.key.game === undefined &&
      e.key.context === undefined &&
      e.key.region === undefined,
  );
  if (entries.length) {
    out.push('', LABELS_HEAD);
    for (const e of entries) out.push(...labelBiasLines(e));
    out.push(
      `  Label-bias intervals: simultaneous bootstrap intervals over every pair of variants, ${resamples} resamples;`,
    );
    out.push('  the point value (the largest of several noisy differences) is biased upwards.');
  }
  if (probes.fingerprints.length) {
    out.push('', FINGERPRINT_HEAD);
    for (const entry of probes.fingerprints) out.push(...fingerprintLines(entry));
    for (const c of probes.comparisons) {
      const parts = c.differences.map(
        (d) => `${d.label} ${d.difference === null ? 'n/a' : coefficient(d.difference, d.low, d.high)}`,
      );
      out.push(`  ${clean(c.split)}, ${clean(c.model)} minus teacher (Wald): ${parts.join('; ')}`);
    }
  }
  if (regions?.length) {
    out.push('', REGIONS_HEAD);
    for (const r of regions) {
      const name = r.region in REGION_LABELS ? REGION_LABELS[r.region as keyof typeof REGION_LABELS] : r.region;
      const students = r.students.map((s) => regionText(probes, r, s));
      out.push(`  ${clean(r.split)}, ${name} (${r.scenarios} scenarios): ${students.join('; ') || 'no student'}`);
    }
  }
  return out;
}

const LABELS_HEAD =
  'label variants (cooperation [95 %] over the scenarios answered under every variant; ' +
  'label bias = largest difference between two variants):';
const FINGERPRINT_HEAD =
  'fingerprint: P(C) = logistic(cooperation bias + a (R-T) + b (S-P) + label bias x letter ' +
  '+ position bias x position); ' +
  'log-odds, per payoff point:';
const REGIONS_HEAD =
  'payoff regions (every 2x2 scenario classified from its payoffs): ' +
  'per student TV distance to the teacher and pooled gap closure [95 %]:';

function coefficient(value: number, low: number | null, high: number | null): string {
  return `${fixed(value, 3)} [${low === null ? '-inf' : fixed(low, 3)}, ${high === null ? 'inf' : fixed(high, 3)}]`;
}

function labelBiasLines(e: ProbesReport['labelBias'][number]): string[] {
  const s = e.stats;
  const variants = s.variants.map((v) => `${clean(v.labels)} ${withInterval(v.cooperation, 'share')}`).join('; ');
  const truth = e.truth === undefined ? '' : `; ${against(e.truth, s.labelBias.low, s.labelBias.high, 1, 100, ' pp')}`;
  const f = s.followsLetter;
  const follows = f
    ? `; follows the letter, not the action, in ${f.letter} of ${f.compared} scenarios ` +
      `(${withInterval(f.share, 'share')}; ${f.action} keep the action, ${f.undecided} undecided)`
    : '';
  const between = s.between ? ` (${s.between.map(clean).join(' vs ')})` : '';
  return [
    `  ${clean(e.key.split!)}, ${clean(e.model)}: ${variants} (${s.balancedScenarios} scenarios)`,
    `    label bias ${percentagePoints(s.labelBias)}${between}${truth}${follows}`,
  ];
}

function fingerprintLines({ split, fingerprint: f, truth }: ProbesReport['fingerprints'][number]): string[] {
  const how = `${f.method}, ${f.interval} ${fixed(100 * f.level, 0)} % intervals`;
  const size = `${f.scenarios} scenarios, ${f.answers} answers; deviance ${fixed(f.fit.deviance, 1)} on ${f.fit.df} df`;
  const out = [`  ${clean(split)}, ${clean(f.model)} (${how}; ${size}):`];
  for (const p of f.parameters) {
    const value = p.estimate === null ? `not identified (${p.note})` : coefficient(p.estimate, p.low, p.high);
    const t =
      truth && p.estimate !== null ? `; ${against(truth[p.name as keyof ChoiceParameters], p.low, p.high, 3)}` : '';
    out.push(`    ${PARAMETER_LABELS[p.name].padEnd(20)} ${value}${t}`);
  }
  return out;
}

type RegionRow = NonNullable<EvalSummary['regions']>[number];

function regionText(probes: ProbesReport, r: RegionRow, s: RegionRow['students'][number]): string {
  const truth = probes.regionTruths?.find((t) => t.split === r.split && t.region === r.region && t.model === s.model);
  const tv = truth && s.tv ? ` (${against(truth.tv, s.tv.low, s.tv.high, 3)})` : '';
  const g = s.student.pooledGapClosure;
  const closure =
    truth && truth.pooledGapClosure !== null ? ` (${against(truth.pooledGapClosure, g.low, g.high, 1, 1, ' %')})` : '';
  return `${clean(s.model)} TV ${withInterval(s.tv, 'plain', 3)}${tv}, closure ${withInterval(g, 'percent')}${closure}`;
}
