// (k) Coverage of the report's intervals where gates decide, at full size: binomial shares and
// the two-option distance exactly (enumeration over every count), the distance of numeric games
// and of groups by seeded simulation. Every number is computed in this run.
import jStat from 'jstat';
import { createRng } from '../src/shared/random.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import { buildReport } from '../src/report/build-report.js';
import { sampleBinomial, sampleMultinomial } from '../src/stats/bootstrap.js';
import { stratifiedDifferenceInterval } from '../src/stats/stratified-difference.js';
import { distanceTest, type DistancePair } from '../src/stats/distance-inversion.js';
import { makeUniforms, scenarioNull, type NullShape } from '../src/stats/distance-nulls.js';
import { totalVariation } from '../src/stats/distance.js';
import { proportionInterval, type ProportionMethod } from '../src/stats/proportion.js';
import { acceptsAbsoluteDifference, scoreStatistic, type ShareSide } from '../src/stats/share-difference.js';
import type { BenchRow } from './format-table.js';

const N = 300;
const LEVEL = 0.95;

/** Exact coverage of a share interval at p: the binomial mass of the counts whose interval holds p. */
function shareCoverage(method: ProportionMethod, n: number): { min: number; mean: number; at: number } {
  const intervals = Array.from({ length: n + 1 }, (_, k) => proportionInterval(k, n, method, LEVEL));
  const grid: number[] = [];
  for (let i = 1; i < 2000; i++) grid.push(i / 2000);
  for (let i = 1; i <= 400; i++) grid.push(i / 20000, 1 - i / 20000);
  let min = 1;
  let at = 0;
  let sum = 0;
  grid.forEach((p, i) => {
    let c = 0;
    intervals.forEach((iv, k) => {
      if (iv.low <= p && p <= iv.high) c += jStat.binomial.pdf(k, n, p);
    });
    if (c < min) [min, at] = [c, p];
    // The mean is over the evenly spaced shares only; the extra ones near 0 and 1 find the minimum.
    if (i < 1999) sum += c;
  });
  return { min, mean: sum / 1999, at };
}

function support(p: number): { k: number; mass: number }[] {
  const sd = Math.sqrt(N * p * (1 - p));
  const out: { k: number; mass: number }[] = [];
  for (let k = Math.max(0, Math.floor(N * p - 6 * sd - 1)); k <= Math.min(N, Math.ceil(N * p + 6 * sd + 1)); k++)
    out.push({ k, mass: jStat.binomial.pdf(k, N, p) });
  return out;
}

/** Exact probability over the student's (and, unless exact, the teacher's) counts. */
function exactly(p: number, q: number, teacherExact: boolean, holds: (a: ShareSide, b: ShareSide) => boolean): number {
  let total = 0;
  for (const s of support(p)) {
    if (teacherExact) {
      if (holds({ k: s.k, n: N }, { exact: q })) total += s.mass;
    } else for (const t of support(q)) if (holds({ k: s.k, n: N }, { k: t.k, n: N })) total += s.mass * t.mass;
  }
  return total;
}

// The paper's in-sample P(C), teacher and fine-tuned student, in the scenario order of
// datasets/recordings/lfb-counts.csv (C of 300 answers): realistic shares for the group simulations.
const PAPER_TEACHER = [
  77, 106, 120, 109, 94, 137, 105, 104, 246, 208, 196, 231, 125, 157, 139, 114, 200, 230, 220, 202,
].map((k) => k / 300);
const PAPER_STUDENT = [
  221, 225, 216, 214, 223, 221, 214, 223, 225, 236, 214, 228, 190, 208, 196, 186, 225, 223, 221, 209,
].map((k) => k / 300);

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const range = (xs: number[]) => `${pct(Math.min(...xs))}-${pct(Math.max(...xs))}`;

export async function benchIntervalCoverage(
  opts: { dir: string; quick?: boolean; progress?: (what: string) => void } = { dir: '' },
): Promise<BenchRow[]> {
  const quick = opts.quick ?? false;
  const rows: BenchRow[] = [];
  const progress = opts.progress ?? (() => {});

  progress('binomial share intervals, exact coverage at 300 answers');
  const hybrid = shareCoverage('hybrid', N);
  const wilson = shareCoverage('wilson', N);
  const exact = shareCoverage('exact', N);
  rows.push({
    comparison: 'share interval, 300 answers: lowest exact coverage over all shares, default vs plain Wilson',
    subject: {
      label: 'hybrid (Wilson, Clopper-Pearson ends within 10 answers of 0 or n)',
      value: 100 * hybrid.min,
      unit: '% coverage',
    },
    baseline: { label: 'plain Wilson', value: 100 * wilson.min, unit: '% coverage' },
    note:
      `exact coverage over 2,800 shares (finer near 0 and 1; means over the 1,999 evenly spaced ones): ` +
      `hybrid lowest at p = ${hybrid.at.toFixed(5)}, mean ${pct(hybrid.mean)}; Wilson lowest at p = ` +
      `${wilson.at.toFixed(5)}, mean ${pct(wilson.mean)}; Clopper-Pearson lowest ${pct(exact.min)}, mean ` +
      `${pct(exact.mean)} (never under, wider). Required: >= 93 % at every share.`,
  });

  progress('two-option distance |d| and difference d, exact coverage');
  const taus = quick ? [0.02, 0.1, 0.3] : [0.02, 0.05, 0.1, 0.2, 0.3];
  const teachers = quick ? [0.4] : [0.1, 0.4, 0.75];
  for (const teacherExact of [false, true]) {
    const coverages: number[] = [];
    const diffCoverages: number[] = [];
    for (const q of teachers) {
      for (const tau of taus) {
        const p = q + tau <= 1 ? q + tau : q - tau;
        coverages.push(exactly(p, q, teacherExact, (a, b) => acceptsAbsoluteDifference(a, b, tau, LEVEL)));
        diffCoverages.push(exactly(p, q, teacherExact, (a, b) => Math.abs(scoreStatistic(a, b, p - q)) <= 1.959964));
      }
    }
    const claims = teachers.map((q) =>
      exactly(
        q + 0.1,
        q,
        teacherExact,
        (a, b) =>
          Math.abs(('k' in a ? a.k / a.n : 0) - ('k' in b ? b.k / b.n : b.exact)) < 0.1 &&
          !acceptsAbsoluteDifference(a, b, 0.1, LEVEL),
      ),
    );
    const who = teacherExact ? 'teacher exact' : 'teacher from 300 answers';
    rows.push({
      comparison: `two-option TV |d|, ${who}: coverage range over true distances ${taus.join(', ')}`,
      subject: { label: 'lowest exact coverage', value: 100 * Math.min(...coverages), unit: '%' },
      baseline: { label: 'nominal', value: 95, unit: '%' },
      note:
        `teacher shares ${teachers.join(', ')}; coverage ${range(coverages)} (required within 2 points of 95 ` +
        `%); the difference d itself (Miettinen-Nurminen / score) ${range(diffCoverages)}. A student exactly 0.1 ` +
        `away is called "within 0.1" (upper end below 0.1) in ${range(claims)} of scenarios (required <= 4 %).`,
    });
  }

  progress("the paper's metric with the student sampled 900 times, base and teacher 300");
  rows.push(paperMetricRow());

  const differenceRuns = quick ? 300 : 4000;
  progress(`group mean difference P(C)model - P(C)teacher, stratified score: ${differenceRuns} seeded runs per case`);
  rows.push(...groupDifferenceRows(differenceRuns));

  // The interval holds tau exactly when neither of the two tests it inverts rejects tau
  // (distanceTest, the same nulls and levels): one test per run instead of a search over tau, so
  // the section finishes in minutes; every figure carries its simulation s.e.
  const numericRuns = quick ? 40 : 400;
  const groupRuns = quick ? 60 : 400;
  const resamples = 400;
  progress(
    `numeric (0..10) distances: ${numericRuns} seeded runs per truth; groups: ${groupRuns}; ${resamples} ` +
      `resamples each`,
  );
  const rng = createRng('bench-h');
  const coverageOf = (truth: [number[], number[]][], times: number) => {
    const tau = truth.reduce((a, [p, q]) => a + totalVariation(p, q), 0) / truth.length;
    let miss = 0;
    let within = 0;
    let above = 0;
    for (let r = 0; r < times; r++) {
      const pairs: DistancePair[] = truth.map(([p, q]) => ({
        model: { counts: sampleMultinomial(N, p, rng) },
        teacher: { counts: sampleMultinomial(N, q, rng) },
      }));
      const t = distanceTest(pairs, tau, { level: LEVEL, resamples, rng });
      if (t.belowLow || t.aboveHigh) miss++;
      if (t.aboveHigh) within++;
      if (t.belowLow) above++;
    }
    return {
      tau,
      coverage: 1 - miss / times,
      aboveHigh: within / times,
      belowLow: above / times,
      se: Math.sqrt(((1 - miss / times) * (miss / times) || 0.05 * 0.95) / times),
    };
  };
  const withSe = (c: { coverage: number; se: number }) => `${pct(c.coverage)} ±${(100 * c.se).toFixed(1)}`;
  // A teacher spread over donations 5..10 like the paper's; students mix in a distribution centred lower.
  const teacher = [0, 0, 0, 0, 0, 0.1, 0.2, 0.3, 0.25, 0.1, 0.05];
  const other = [0, 0, 0, 0, 0.05, 0.5, 0.3, 0.1, 0.05, 0, 0];
  // A student at true distance tau from the teacher on the way to another profile.
  const mixingIn = (profile: number[]) => {
    const full = totalVariation(teacher, profile);
    return (tau: number) => teacher.map((x, i) => (1 - tau / full) * x + (tau / full) * profile[i]!);
  };
  const mixture = mixingIn(other);
  const toUniform = mixingIn(teacher.map(() => 1 / teacher.length));
  const oneCell = (tau: number) => teacher.map((x, i) => (i === 6 ? x + tau : i === 7 ? x - tau : x));
  for (const [shape, student, shapeTaus] of [
    ['a student mixing in another donation profile', mixture, taus],
    ['a student mixing in uniform answers', toUniform, taus],
    ['a student moving mass between two amounts', oneCell, taus.filter((t) => t <= 0.2)],
  ] as const) {
    const numeric = shapeTaus.map((tau) => coverageOf([[student(tau), teacher]], numericRuns));
    const pooled = numeric.reduce((a, c) => a + c.coverage, 0) / numeric.length;
    rows.push({
      comparison:
        `numeric game (donations 0..10) TV, teacher from 300 answers, ${shape}: coverage over true ` +
        `distances ${shapeTaus.join(', ')}`,
      subject: {
        label: 'lowest simulated coverage',
        value: 100 * Math.min(...numeric.map((c) => c.coverage)),
        unit: '%',
      },
      baseline: { label: 'nominal', value: 95, unit: '%' },
      note:
        `test-inversion bootstrap, ${numericRuns} runs per truth (± is the simulation s.e.): ` +
        `${numeric
          .map((c) => `${c.tau.toFixed(2)}: ${withSe(c)} (upper end below the truth ` + `${pct(c.aboveHigh)})`)
          .join(', ')}; mean over the truths ${pct(pooled)} ` +
        `±${(100 * Math.sqrt((0.05 * 0.95) / (numericRuns * numeric.length))).toFixed(1)}. Required within 2 ` +
        `points of 95 %, "within" error at the tolerance <= 4 %.`,
    });
  }

  // Its own random numbers, so the coverage figures around it do not move with it.
  const spreadRng = createRng('bench-k-spreads');
  rows.push(
    spreadInflationRow('a student mixing in another donation profile', teacher, mixture(0.2), 0.2, quick, spreadRng),
    spreadInflationRow('a student mixing in uniform answers', teacher, toUniform(0.1), 0.1, quick, spreadRng),
  );

  const teacherShares = PAPER_TEACHER;
  const studentShares = PAPER_STUDENT;
  const two = (p: number, q: number): [number[], number[]] => [
    [p, 1 - p],
    [q, 1 - q],
  ];
  const groups = [
    ...taus.map((tau) => ({
      name: `20 scenarios all at ${tau}`,
      truth: teacherShares.map((q) => two(q + tau <= 1 ? q + tau : q - tau, q)),
    })),
    { name: "the paper's in-sample student", truth: studentShares.map((p, i) => two(p, teacherShares[i]!)) },
    { name: 'half at 0, half at 0.1', truth: teacherShares.map((q, i) => two(q + (i % 2 ? 0.1 : 0), q)) },
    { name: 'a quarter at 0.2, the rest at 0', truth: teacherShares.map((q, i) => two(q + (i % 4 ? 0 : 0.2), q)) },
    {
      name: 'spread evenly from 0 to 0.2',
      truth: teacherShares.map((q, i) => two(Math.min(1, q + (0.2 * i) / 19), q)),
    },
  ].map((g) => ({ ...g, ...coverageOf(g.truth, groupRuns) }));
  rows.push({
    comparison: 'group mean TV (20 two-option scenarios), teacher from 300 answers: coverage',
    subject: { label: 'lowest simulated coverage', value: 100 * Math.min(...groups.map((g) => g.coverage)), unit: '%' },
    baseline: { label: 'nominal', value: 95, unit: '%' },
    note:
      `${groupRuns} runs per truth (± is the simulation s.e.): ` +
      `${groups
        .map((g) => `${g.name} (${g.tau.toFixed(3)}): ${withSe(g)} (${pct(g.belowLow)} low, ${pct(g.aboveHigh)} high)`)
        .join('; ')}. Upper end below a mean ` +
      `of 0.1 when every scenario sits at 0.1: ` +
      `${pct(groups.find((g) => g.name.endsWith('at 0.1'))?.aboveHigh ?? Number.NaN)}.`,
  });
  return rows;
}

/**
 * Why each end assumes the spread it does: the mean plug-in distance (truth tau plus the answer
 * noise's inflation) of the true pair, beside the mean plug-in the interval's null pair at tau gives
 * under each spread, averaged over datasets drawn from the truth. The upper end needs a spread
 * whose plug-in is not above the truth's, the lower end one whose plug-in is not below it.
 */
function spreadInflationRow(
  who: string,
  teacher: number[],
  student: number[],
  tau: number,
  quick: boolean,
  rng: () => number,
): BenchRow {
  const datasets = quick ? 40 : 200;
  const draws = 1000;
  const plugIn = (a: number[], b: number[]) =>
    totalVariation(
      a.map((x) => x / N),
      b.map((x) => x / N),
    );
  let truth = 0;
  for (let r = 0; r < 4 * draws; r++)
    truth += plugIn(sampleMultinomial(N, student, rng), sampleMultinomial(N, teacher, rng)) / (4 * draws);
  const shapes: NullShape[] = ['even', 'dense', 'sparse', 'concentrated'];
  const under = Object.fromEntries(shapes.map((shape) => [shape, 0])) as Record<NullShape, number>;
  for (let d = 0; d < datasets; d++) {
    const model = { counts: sampleMultinomial(N, student, rng) };
    const null_ = scenarioNull(model, { counts: sampleMultinomial(N, teacher, rng) }, makeUniforms(11, draws, rng));
    for (const shape of shapes) {
      const sample = null_.distanceDraws(null_.pairAt(tau, shape), draws);
      under[shape] += sample.reduce((a, b) => a + b, 0) / draws / datasets;
    }
  }
  const f = (x: number) => x.toFixed(4);
  return {
    comparison: `numeric game, ${who} at ${tau}: mean plug-in distance, the even spread's null vs the truth`,
    subject: { label: 'even spread (upper end)', value: under.even, unit: '' },
    baseline: { label: 'the true pair', value: truth, unit: '' },
    note:
      `${datasets} datasets x ${draws} draws per null, ${4 * draws} draws of the truth: truth ${f(truth)}; nulls at ` +
      `${tau}: even ${f(under.even)}, observed shape ${f(under.dense)}, soft threshold ${f(under.sparse)}, ` +
      `concentrated ${f(under.concentrated)}. An upper end built on a null above the truth is too low.`,
  };
}

/** Done-when check: the paper's metric on shares does not move when the student has three times the answers. */
export function paperMetricRow(): BenchRow {
  const catalogue = defaultCatalogue();
  const file = 'datasets/recordings/lfb-counts.csv';
  const paper = readCountsTable(file, catalogue);
  const tripled = paper.map((t) =>
    t.role === 'fine-tuned'
      ? { ...t, counts: Object.fromEntries(Object.entries(t.counts).map(([a, c]) => [a, 3 * c])) }
      : t,
  );
  const inSample = (tallies: typeof paper) => {
    const r = buildReport(
      { tallies, inputs: [{ file, kind: 'counts-table' }] },
      { models: {}, proportionInterval: 'hybrid', resamples: 200, seed: 'bench-k' },
      catalogue,
    );
    return r.groups.find((g) => g.label === 'split=in-sample')!.students[0]!.paperImprovement;
  };
  const even = inSample(paper);
  const unequal = inSample(tripled);
  return {
    comparison: "paper's metric, in-sample: student sampled 900 times (base, teacher 300) vs every model 300 times",
    subject: { label: 'on shares, student x3', value: unequal.value!, unit: '%' },
    baseline: { label: 'on shares, equal samples', value: even.value!, unit: '%' },
    note:
      `on counts, as the paper published it: ${even.asPublished.value!.toFixed(2)} % with equal samples, ` +
      `${unequal.asPublished.value!.toFixed(2)} % with the student x3; on shares ${even.value!.toFixed(2)} % and ` +
      `${unequal.value!.toFixed(2)} % (required: equal).`,
  };
}

/** Coverage of the group interval for the mean of P(C)model − P(C)teacher over 20 two-option scenarios. */
export function groupDifferenceRows(runs: number): BenchRow[] {
  const teacher = PAPER_TEACHER;
  const student = PAPER_STUDENT;
  const cases = [
    { name: "the paper's student", model: student, teacher },
    { name: 'every scenario +0.1', model: teacher.map((q) => Math.min(0.99, q + 0.1)), teacher },
    { name: 'the teacher itself', model: teacher, teacher },
    { name: 'shares 0.02 vs 0.05', model: teacher.map(() => 0.02), teacher: teacher.map(() => 0.05) },
    {
      name: '±0.2 alternating',
      model: teacher.map((q, i) => (i % 2 ? Math.min(1, q + 0.2) : Math.max(0, q - 0.2))),
      teacher,
    },
  ];
  const rng = createRng('bench-k-difference');
  return [false, true].map((exact) => {
    const results = cases.map((c) => {
      const truth = c.model.reduce((a, p, i) => a + p - c.teacher[i]!, 0) / c.model.length;
      let miss = 0;
      let below = 0;
      for (let r = 0; r < runs; r++) {
        const strata = c.model.map((p, i) => ({
          model: { k: sampleBinomial(N, p, rng), n: N },
          teacher: exact ? { exact: c.teacher[i]! } : { k: sampleBinomial(N, c.teacher[i]!, rng), n: N },
        }));
        const iv = stratifiedDifferenceInterval(strata, LEVEL);
        if (iv.low > truth || iv.high < truth) miss++;
        if (iv.high < truth) below++;
      }
      return { name: c.name, coverage: 1 - miss / runs, below: below / runs };
    });
    return {
      comparison:
        `group mean difference P(C)model - P(C)teacher (20 two-option scenarios, stratified score), ` +
        `teacher ${exact ? 'exact' : 'from 300 answers'}: coverage`,
      subject: {
        label: 'lowest simulated coverage',
        value: 100 * Math.min(...results.map((x) => x.coverage)),
        unit: '%',
      },
      baseline: { label: 'nominal', value: 95, unit: '%' },
      note:
        `${runs} runs per case (simulation s.e. about ${(100 * Math.sqrt((0.05 * 0.95) / runs)).toFixed(1)} ` +
        `points): ${results
          .map((x) => `${x.name}: ${pct(x.coverage)} (upper end below the truth ${pct(x.below)})`)
          .join('; ')}. Required within 2 points of 95 %.`,
    };
  });
}
