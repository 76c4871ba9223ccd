/**
 * Game-theoretic facts of a symmetric 2x2 game, computed from its payoff matrix so that a new
 * game needs no hand-typed analysis. Payoffs are to the row player: CC = R (reward),
 * CD = S (sucker), DC = T (temptation), DD = P (punishment).
 */
export type Payoffs2x2 = { CC: number; CD: number; DC: number; DD: number };
export type Move = 'C' | 'D';
export type Profile = `${Move}${Move}`;

export type OrderingClass = 'prisoners-dilemma' | 'stag-hunt' | 'snowdrift' | 'prisoners-delight' | 'other';

export type MatrixAnalysis = {
  /** Payoff letters from largest to smallest, e.g. 'T>R>P>S'; ties shown with '='. */
  ordering: string;
  orderingClass: OrderingClass;
  /** Profiles (my move, coplayer's move) where neither player gains by deviating alone. */
  pureNash: Profile[];
  /** A move that is a best reply to every coplayer move, if one exists. */
  dominant: { move: Move; strict: boolean } | null;
  /** Profiles not Pareto-dominated by another profile. */
  paretoOptimal: Profile[];
  /** The profile with the largest joint payoff (the first in CC, CD, DC, DD order on ties). */
  welfareBest: Profile;
  /** The better of the two symmetric profiles (CC or DD) for both players; CC on a tie. */
  symmetricBest: 'CC' | 'DD';
};

const MOVES: Move[] = ['C', 'D'];
const PROFILES: Profile[] = ['CC', 'CD', 'DC', 'DD'];

/** Payoff to me for my move and the coplayer's move. */
function pay(p: Payoffs2x2, mine: Move, theirs: Move): number {
  return p[`${mine}${theirs}`];
}

/** Both players' payoffs for a profile; symmetry means the coplayer's is the mirrored cell. */
function payPair(p: Payoffs2x2, profile: Profile): [number, number] {
  const [a, b] = profile.split('') as [Move, Move];
  return [pay(p, a, b), pay(p, b, a)];
}

const CLASS_BY_ORDERING: Record<string, OrderingClass> = {
  'T>R>P>S': 'prisoners-dilemma',
  'R>T>P>S': 'stag-hunt',
  'T>R>S>P': 'snowdrift',
  'R>T>S>P': 'prisoners-delight',
};

export function orderingOf(p: Payoffs2x2): string {
  const named: [string, number][] = [
    ['T', p.DC],
    ['R', p.CC],
    ['P', p.DD],
    ['S', p.CD],
  ];
  // Stable sort keeps the conventional letter order among ties.
  named.sort((x, y) => y[1] - x[1]);
  let out = named[0]![0];
  for (let i = 1; i < named.length; i++) out += `${named[i]![1] === named[i - 1]![1] ? '=' : '>'}${named[i]![0]}`;
  return out;
}

function isBestReply(p: Payoffs2x2, mine: Move, theirs: Move): boolean {
  return MOVES.every((alt) => pay(p, mine, theirs) >= pay(p, alt, theirs));
}

export function analyseMatrix(p: Payoffs2x2): MatrixAnalysis {
  const ordering = orderingOf(p);
  const pureNash = PROFILES.filter((profile) => {
    const [a, b] = profile.split('') as [Move, Move];
    return isBestReply(p, a, b) && isBestReply(p, b, a);
  });

  let dominant: MatrixAnalysis['dominant'] = null;
  for (const move of MOVES) {
    const other: Move = move === 'C' ? 'D' : 'C';
    const weak = MOVES.every((theirs) => pay(p, move, theirs) >= pay(p, other, theirs));
    const strict = MOVES.every((theirs) => pay(p, move, theirs) > pay(p, other, theirs));
    const differs = MOVES.some((theirs) => pay(p, move, theirs) !== pay(p, other, theirs));
    if (weak && differs) dominant = { move, strict };
  }

  const paretoOptimal = PROFILES.filter((profile) => {
    const [mine, theirs] = payPair(p, profile);
    return !PROFILES.some((alt) => {
      const [a, b] = payPair(p, alt);
      return a >= mine && b >= theirs && (a > mine || b > theirs);
    });
  });

  let welfareBest: Profile = 'CC';
  for (const profile of PROFILES) {
    const sum = (pr: Profile) => payPair(p, pr)[0] + payPair(p, pr)[1];
    if (sum(profile) > sum(welfareBest)) welfareBest = profile;
  }

  const symmetricBest = p.DD > p.CC ? 'DD' : 'CC';
  return {
    ordering,
    orderingClass: CLASS_BY_ORDERING[ordering] ?? 'other',
    pureNash,
    dominant,
    paretoOptimal,
    welfareBest,
    symmetricBest,
  };
}

export function scalePayoffs(p: Payoffs2x2, scale: number): Payoffs2x2 {
  return { CC: p.CC * scale, CD: p.CD * scale, DC: p.DC * scale, DD: p.DD * scale };
}
