import { isMeaningSwap, type LabelVariant } from '../../catalogue/games/label-variant.js';
import type { Estimate } from '../estimate.js';
import { quantileType7 } from '../../stats/bootstrap.js';
import { wilsonInterval } from '../../stats/proportion.js';
import { twoProportionTest } from '../../stats/two-proportion.js';
import { pooledShare, type ChoiceCell } from './choice-cells.js';

export type VariantCooperation = { labels: string; scenarios: number; answers: number; cooperation: Estimate };

/**
 * Does the model keep its letter or its action when the meanings of the letters are exchanged?
 * Per scenario and meaning-swap pair (the paper's C/D against `swapped`): `action` when the
 * majority action is the same under both, `letter` when it flips (the same letter wins) and the
 * difference is significant, `undecided` when it flips without significance or a share is 1/2.
 */
export type LetterFollowing = {
  pairs: string[];
  compared: number;
  letter: number;
  action: number;
  undecided: number;
  share: Estimate;
};

export type LabelBiasStats = {
  variants: VariantCooperation[];
  /** Scenarios answered under every variant: only they are compared, so variants differ in their labels alone. */
  balancedScenarios: number;
  /** Scenarios left out because some variant is missing for them. */
  unbalancedScenarios: number;
  /** Largest difference in cooperation between two variants (a share, 0..1), with the pair. */
  labelBias: Estimate;
  between: [string, string] | null;
  followsLetter: LetterFollowing | null;
};

export type LabelBiasSettings = { level: number; resamples: number; alpha: number };

/**
 * Label-bias statistics of one model's cells in one group of scenarios; null with fewer than two
 * label variants (nothing to compare). Intervals: Wilson for each variant's cooperation;
 * simultaneous bootstrap intervals of the pairwise differences for the label bias (see
 * largestDifference); Wilson for the share of scenarios following the letter.
 */
export function labelBiasOf(
  cells: readonly ChoiceCell[],
  variantOrder: readonly LabelVariant[],
  settings: LabelBiasSettings,
): LabelBiasStats | null {
  const split = balance(cells, variantOrder);
  if (!split) return null;
  const { present, balanced, bases } = split;
  const { level, resamples } = settings;
  const shares = present.map((v) => {
    const own = balanced.flatMap((b) => b.get(v.id)!);
    return { variant: v, cells: own, pooled: pooledShare(own, resamples) };
  });
  const variants = shares.map(({ variant, cells: own, pooled }): VariantCooperation => {
    const k = own.reduce((a, c) => a + c.k, 0);
    const n = own.reduce((a, c) => a + c.n, 0);
    const interval = wilsonInterval(k, n, level);
    return {
      labels: variant.id,
      scenarios: balanced.length,
      answers: n,
      cooperation: pooled ? { value: pooled.value, low: interval.low, high: interval.high, method: 'wilson' } : none(),
    };
  });

  const { labelBias, between } = largestDifference(
    shares.filter((x) => x.pooled !== null) as Pooled[],
    level,
    resamples,
  );
  return {
    variants,
    balancedScenarios: balanced.length,
    unbalancedScenarios: bases - balanced.length,
    labelBias,
    between,
    followsLetter: followsLetter(balanced, present, settings),
  };
}

type Pooled = { variant: LabelVariant; pooled: { value: number; replicates: Float64Array } };

/**
 * The largest absolute difference between two variants' cooperation, with an interval from
 * simultaneous bootstrap intervals for every pairwise difference (max-t: one critical value for
 * all pairs, so all hold together about 95 % of the time). If they all hold, the true largest
 * difference lies between the largest lower end of |difference| and the largest upper end. A
 * plain bootstrap of the maximum fails where two differences are equally large (the paper's
 * letters against swapped ones, and order-swapped against swapped, for a pure letter bias): it
 * covered 71 % for the letter-biased player of test/probes-statistics.test.ts and 92.5 % at the
 * demo's size (`npm run bench -- --only g`), this 99 % (conservative where one pair stands out).
 */
function largestDifference(
  shares: readonly Pooled[],
  level: number,
  resamples: number,
): { labelBias: Estimate; between: [string, string] | null } {
  if (shares.length < 2) return { labelBias: none(), between: null };
  type Pair = { a: Pooled; b: Pooled; d: number; se: number };
  const pairs: Pair[] = [];
  for (let i = 0; i < shares.length; i++) {
    for (let j = i + 1; j < shares.length; j++) {
      const a = shares[i]!;
      const b = shares[j]!;
      let sum = 0;
      let sq = 0;
      for (let r = 0; r < resamples; r++) {
        const x = a.pooled.replicates[r]! - b.pooled.replicates[r]!;
        sum += x;
        sq += x * x;
      }
      const mean = sum / resamples;
      pairs.push({
        a,
        b,
        d: a.pooled.value - b.pooled.value,
        se: Math.sqrt(Math.max(0, sq / resamples - mean * mean)),
      });
    }
  }
  const best = pairs.reduce((x, y) => (Math.abs(y.d) > Math.abs(x.d) ? y : x));
  const value = Math.abs(best.d);
  const between: [string, string] = [best.a.variant.id, best.b.variant.id];
  const spread = pairs.filter((p) => p.se > 0);
  if (spread.length === 0)
    return {
      labelBias: {
        value,
        low: value,
        high: value,
        method: 'simultaneous-bootstrap',
        note: 'no spread: every answer is the same under each variant',
      },
      between,
    };
  const maxT = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let m = 0;
    for (const p of spread)
      m = Math.max(m, Math.abs(p.a.pooled.replicates[r]! - p.b.pooled.replicates[r]! - p.d) / p.se);
    maxT[r] = m;
  }
  const critical = quantileType7(maxT.sort(), level);
  let low = 0;
  let high = 0;
  for (const p of pairs) {
    const lo = p.d - critical * p.se;
    const hi = p.d + critical * p.se;
    low = Math.max(low, lo > 0 ? lo : hi < 0 ? -hi : 0);
    high = Math.max(high, Math.abs(lo), Math.abs(hi));
  }
  return {
    labelBias: {
      value,
      low: Math.min(low, value),
      high: Math.min(1, Math.max(high, value)),
      method: 'simultaneous-bootstrap',
    },
    between,
  };
}

type Balanced = { present: LabelVariant[]; balanced: Map<string, ChoiceCell[]>[]; bases: number };

/** Variants present and the scenarios answered under all of them (cells by variant); null with under two variants. */
function balance(cells: readonly ChoiceCell[], variantOrder: readonly LabelVariant[]): Balanced | null {
  const present = variantOrder.filter((v) => cells.some((c) => c.labels.id === v.id));
  if (present.length < 2) return null;
  const byBase = new Map<string, Map<string, ChoiceCell[]>>();
  for (const c of cells) {
    const variants = byBase.get(c.baseId) ?? new Map<string, ChoiceCell[]>();
    byBase.set(c.baseId, variants);
    variants.set(c.labels.id, [...(variants.get(c.labels.id) ?? []), c]);
  }
  return {
    present,
    balanced: [...byBase.values()].filter((v) => present.every((p) => v.has(p.id))),
    bases: byBase.size,
  };
}

/**
 * The label bias a player with known answer probabilities has on the same scenarios and answer
 * counts as the data: what labelBiasOf estimates, for checking it against a simulation's truth.
 */
export function labelBiasTruth(
  cells: readonly ChoiceCell[],
  variantOrder: readonly LabelVariant[],
  probability: (cell: ChoiceCell) => number,
): number | null {
  const split = balance(cells, variantOrder);
  if (!split || split.balanced.length === 0) return null;
  const shares = split.present.map((v) => {
    const own = split.balanced.flatMap((b) => b.get(v.id)!);
    return own.reduce((a, c) => a + c.n * probability(c), 0) / own.reduce((a, c) => a + c.n, 0);
  });
  let best = 0;
  for (let i = 0; i < shares.length; i++)
    for (let j = i + 1; j < shares.length; j++) best = Math.max(best, Math.abs(shares[i]! - shares[j]!));
  return best;
}

function followsLetter(
  balanced: readonly Map<string, ChoiceCell[]>[],
  present: readonly LabelVariant[],
  settings: LabelBiasSettings,
): LetterFollowing | null {
  const pairs: [LabelVariant, LabelVariant][] = [];
  for (let i = 0; i < present.length; i++)
    for (let j = i + 1; j < present.length; j++)
      if (isMeaningSwap(present[i]!, present[j]!)) pairs.push([present[i]!, present[j]!]);
  if (pairs.length === 0) return null;
  let letter = 0;
  let action = 0;
  let undecided = 0;
  const sum = (cells: readonly ChoiceCell[]) => ({
    k: cells.reduce((s, c) => s + c.k, 0),
    n: cells.reduce((s, c) => s + c.n, 0),
  });
  for (const base of balanced) {
    for (const [a, b] of pairs) {
      const x = sum(base.get(a.id)!);
      const y = sum(base.get(b.id)!);
      const majority = (s: { k: number; n: number }) => Math.sign(s.k / s.n - 0.5);
      const ma = majority(x);
      const mb = majority(y);
      if (ma === 0 || mb === 0) undecided++;
      else if (ma === mb) action++;
      else if (twoProportionTest(x.k, x.n, y.k, y.n).pValue < settings.alpha) letter++;
      else undecided++;
    }
  }
  const compared = letter + action + undecided;
  const interval = wilsonInterval(letter, compared, settings.level);
  return {
    pairs: pairs.map(([a, b]) => `${a.id}/${b.id}`),
    compared,
    letter,
    action,
    undecided,
    share: compared ? { value: letter / compared, low: interval.low, high: interval.high, method: 'wilson' } : none(),
  };
}

function none(): Estimate {
  return { value: null, low: null, high: null, method: 'none' };
}
