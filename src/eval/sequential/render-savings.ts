import { sanitizeForTerminal } from '../../shared/terminal.js';
import type { DecisionShares, SavingsReport, SavingsSummary } from './savings.js';

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const shares = (s: DecisionShares) => `${pct(s.correct)} / ${pct(s.wrong)} / ${pct(s.unsettled)}`;

/** Plain-text tables for `stratalign sequential-savings`; model and scenario names are untrusted text. */
export function renderSavings(report: SavingsReport, options: { perScenario: boolean }): string {
  const o = report.options;
  const counted = report.countedAction;
  const out = [
    `Sequential sampling on RECORDED distributions (${sanitizeForTerminal(o.origin)}) with SIMULATED draws; no ` +
      `model was called.`,
    `Gate: |P(${counted}) - reference| <= ${o.tolerance}, ${designText(o.design ?? 'always-valid', o.level)}, a ` +
      `look every ${o.batch} answers, cap ${o.cap} calls.`,
    `Reference: ${sanitizeForTerminal(report.referenceModel)}'s recorded share, ` +
      `${
        o.teacherAnswers
          ? `redrawn from ${o.teacherAnswers} answers in every run (its noise is in ` + `the decisions)`
          : 'held fixed as if exact (--teacher-answers adds its noise)'
      }. Truth: each model's ` +
      `recorded share. ${o.runs} runs per model and scenario, seed ${sanitizeForTerminal(String(o.seed))}.`,
    `Fixed design: ${o.fixedCalls} calls, one ${pct(o.level)} Wilson interval (exact binomial probabilities, ` +
      `not simulated).`,
    `Decisions are judged against the recorded truth: correct / wrong / unsettled.`,
    '',
  ];
  const header = [
    'model',
    'scenarios',
    'mean calls',
    'exact mean',
    `/ ${o.fixedCalls}`,
    'sequential correct / wrong / unsettled',
    `fixed ${o.fixedCalls} correct / wrong / unsettled`,
  ];
  const summaries = [...report.models, ...(report.gated ? [report.gated] : []), report.all];
  out.push(...table(header, summaries.map(summaryCells)));
  if (report.gated) {
    const g = report.gated;
    const verdict = g.callRatio <= 0.5 ? 'at most half' : 'MORE than half';
    out.push(
      '',
      `Gated models (${sanitizeForTerminal(g.label)}): ${g.meanCalls.toFixed(1)} mean calls per scenario = ` +
        `${g.callRatio.toFixed(3)} of the fixed ${o.fixedCalls} (${verdict}; ${pct(1 - g.callRatio)} of ` +
        `the calls saved).`,
    );
    out.push(
      `The price: ${pct(g.sequential.unsettled)} of their decisions are left open (at the ${o.cap}-call cap or ` +
        `stopped as futile), against ${pct(g.fixed.unsettled)} with the fixed ${o.fixedCalls} and its single ` +
        `look; wrong decisions ${pct(g.sequential.wrong)} vs ${pct(g.fixed.wrong)}.`,
    );
  }
  out.push(
    `All models, the reference's own rows included: ${report.all.meanCalls.toFixed(1)} = ` +
      `${report.all.callRatio.toFixed(3)} of the fixed ${o.fixedCalls}. A model compared with itself sits at ` +
      `distance 0 and needs the interval to shrink inside ±${o.tolerance}, the costliest case.`,
  );
  if (report.skipped.length)
    out.push(
      `Skipped ${report.skipped.length} row(s): ` +
        `${[...new Set(report.skipped.map((s) => s.reason))].map(sanitizeForTerminal).join('; ')}.`,
    );
  if (options.perScenario) {
    out.push('');
    const rows = report.scenarios.map((s) => [
      sanitizeForTerminal(s.model),
      sanitizeForTerminal(`${s.split} ${s.scenario}`),
      s.truth.toFixed(3),
      s.reference.toFixed(3),
      `${s.distance.toFixed(3)} ${s.side}`,
      s.sequential.meanCalls.toFixed(1),
      shares(s.sequential),
      shares(s.fixed),
    ]);
    out.push(
      ...table(
        [
          'model',
          'scenario',
          `P(${counted})`,
          'reference',
          '|distance| side',
          'mean calls',
          'sequential c / w / u',
          `fixed ${o.fixedCalls} c / w / u`,
        ],
        rows,
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

function designText(design: string, level: number): string {
  if (design === 'group-sequential')
    return (
      `group-sequential design (wrong-decision rate on the boundary at most ${pct(1 - level)}, exact; ` +
      `futility stops count as unsettled)`
    );
  return `anytime-valid ${pct(level)} confidence sequence (beta-binomial mixture)`;
}

function summaryCells(s: SavingsSummary): string[] {
  return [
    sanitizeForTerminal(s.label),
    String(s.scenarios),
    s.meanCalls.toFixed(1),
    s.exactMeanCalls === null ? 'n/a' : s.exactMeanCalls.toFixed(1),
    s.callRatio.toFixed(3),
    shares(s.sequential),
    shares(s.fixed),
  ];
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
