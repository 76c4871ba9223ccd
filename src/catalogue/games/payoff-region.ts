import { analyseMatrix, type MatrixAnalysis, type Payoffs2x2 } from './matrix-analysis.js';

/** The four social-dilemma regions of the payoff plane (with R > P), as gate scopes name them. */
export const REGIONS = ['prisoners-dilemma', 'stag-hunt', 'snowdrift', 'harmony'] as const;
export type Region = (typeof REGIONS)[number];

export type RegionClass =
  | { region: Region; boundary: null }
  /** On a line between regions (T = R or S = P): a dominance is only weak, or equilibria merge. */
  | { region: 'boundary'; boundary: Region[] }
  /** R <= P: mutual cooperation is no better than mutual defection, so no social dilemma. */
  | { region: 'other'; boundary: null };

/**
 * Classifies a symmetric 2x2 game from the equilibrium analysis of its payoffs, not from a name:
 * - C strictly dominant: Harmony (Prisoner's Delight);
 * - D strictly dominant: Prisoner's Dilemma;
 * - no dominant move, pure equilibria (C,C) and (D,D): Stag Hunt (coordination);
 * - no dominant move, pure equilibria (C,D) and (D,C): Snowdrift (anti-coordination).
 * All four need R > P; otherwise the game is 'other'. Where T = R or S = P one comparison ties:
 * a move is weakly dominant, or three profiles are equilibria, and the point is a 'boundary'
 * between the regions on either side (all four at T = R and S = P together). For strict
 * orderings this agrees with the ordering class (T>R>P>S is a Prisoner's Dilemma, and so on).
 */
export function classifyPayoffs(p: Payoffs2x2, analysis: MatrixAnalysis = analyseMatrix(p)): RegionClass {
  if (!(p.CC > p.DD)) return { region: 'other', boundary: null };
  const { dominant, pureNash } = analysis;
  if (dominant?.strict) return { region: dominant.move === 'C' ? 'harmony' : 'prisoners-dilemma', boundary: null };
  const nash = [...pureNash].sort().join(',');
  if (!dominant && nash === 'CC,DD') return { region: 'stag-hunt', boundary: null };
  if (!dominant && nash === 'CD,DC') return { region: 'snowdrift', boundary: null };
  return { region: 'boundary', boundary: neighbours(p) };
}

/** Regions on either side of a tie: T vs R decides PD/Snowdrift vs Stag Hunt/Harmony, S vs P the other split. */
function neighbours(p: Payoffs2x2): Region[] {
  const temptation = Math.sign(p.DC - p.CC);
  const fear = Math.sign(p.DD - p.CD);
  const sides = (s: number) => (s === 0 ? [1, -1] : [s]);
  const out: Region[] = [];
  for (const t of sides(temptation)) {
    for (const f of sides(fear)) {
      out.push(t > 0 ? (f > 0 ? 'prisoners-dilemma' : 'snowdrift') : f > 0 ? 'stag-hunt' : 'harmony');
    }
  }
  return REGIONS.filter((r) => out.includes(r));
}

/** Short names for tables and maps. */
export const REGION_LABELS: Record<Region | 'boundary' | 'other', string> = {
  'prisoners-dilemma': "Prisoner's Dilemma",
  'stag-hunt': 'Stag Hunt',
  snowdrift: 'Snowdrift',
  harmony: 'Harmony',
  boundary: 'boundary',
  other: 'no dilemma (R <= P)',
};

/** `stag-hunt`, or `boundary prisoners-dilemma/stag-hunt`: the region as rows and ids show it. */
export function describeRegion(rc: RegionClass): string {
  return rc.region === 'boundary' ? `boundary ${rc.boundary.join('/')}` : rc.region;
}
