import jStat from 'jstat';

/**
 * Logistic regression on grouped binomial data (k successes of n trials per covariate row) by
 * Newton-Raphson (= IRLS for the canonical link), with Wald and profile-likelihood intervals.
 * When the data are separated (some combination of covariates predicts every answer, so the
 * maximum-likelihood estimate runs off to infinity) the fit says so, and Firth's penalised
 * likelihood (Firth 1993; Heinze & Schemper 2002) gives finite estimates with profile
 * penalised-likelihood intervals instead.
 */
export type BinomialCell = { x: readonly number[]; k: number; n: number };

export type LogisticFit = {
  beta: number[];
  /** Log-likelihood at `beta` (penalised when `firth`). */
  logLik: number;
  /** Fisher information X'WX at `beta`. */
  information: number[][];
  converged: boolean;
  iterations: number;
  firth: boolean;
  /** Fitted probabilities at the cells: near 0 or 1 where the cell's answers are all alike. */
  fitted: number[];
};

export type FitOptions = {
  firth?: boolean;
  fixed?: { index: number; value: number };
  start?: readonly number[];
  maxIterations?: number;
};

const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Cholesky factor of a symmetric positive definite matrix; null when it is not (numerically) positive definite. */
export function cholesky(a: readonly (readonly number[])[]): number[][] | null {
  const n = a.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 1e-12 * Math.max(1, Math.abs(a[i]![i]!)))) return null;
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  }
  return l;
}

function solveCholesky(l: number[][], b: readonly number[]): number[] {
  const n = l.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
    y[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

/** Inverse of a symmetric positive definite matrix; null when singular. */
export function invertSpd(a: readonly (readonly number[])[]): number[][] | null {
  const l = cholesky(a);
  if (!l) return null;
  const n = a.length;
  const columns = Array.from({ length: n }, (_, j) =>
    solveCholesky(
      l,
      Array.from({ length: n }, (__, i) => (i === j ? 1 : 0)),
    ),
  );
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => columns[j]![i]!));
}

/**
 * Which columns of the design the data can tell apart: a column that is (numerically) a linear
 * combination of earlier ones, over the rows with answers, is not identified and must be left out
 * (e.g. a label term when every answer was given under one labelling).
 */
export function identifiableColumns(cells: readonly BinomialCell[]): boolean[] {
  const rows = cells.filter((c) => c.n > 0);
  const p = rows[0]?.x.length ?? 0;
  const kept: number[][] = [];
  const out: boolean[] = [];
  for (let j = 0; j < p; j++) {
    let v = rows.map((r) => r.x[j]!);
    const norm0 = Math.sqrt(dot(v, v));
    for (const q of kept) {
      const c = dot(v, q);
      v = v.map((x, i) => x - c * q[i]!);
    }
    const norm = Math.sqrt(dot(v, v));
    const independent = norm0 > 0 && norm > 1e-8 * Math.max(1, norm0);
    out.push(independent);
    if (independent) kept.push(v.map((x) => x / norm));
  }
  return out;
}

type State = { eta: number[]; mu: number[]; logLik: number; information: number[][]; hat: number[] | null };

function evaluate(cells: readonly BinomialCell[], beta: readonly number[], firth: boolean): State | null {
  const p = beta.length;
  const eta = cells.map((c) => dot(c.x, beta));
  const mu = eta.map(sigmoid);
  let logLik = 0;
  const information = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  cells.forEach((c, i) => {
    logLik += c.k * eta[i]! - c.n * softplus(eta[i]!);
    const w = c.n * mu[i]! * (1 - mu[i]!);
    for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) information[a]![b]! += w * c.x[a]! * c.x[b]!;
  });
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) information[b]![a] = information[a]![b]!;
  if (!firth) return { eta, mu, logLik, information, hat: null };
  const l = cholesky(information);
  if (!l) return null;
  // log det I = 2 * sum(log diag L): Firth's penalty is half of it.
  logLik += l.reduce((s, row, i) => s + Math.log(row[i]!), 0);
  const hat = cells.map((c, i) => c.n * mu[i]! * (1 - mu[i]!) * dot(c.x, solveCholesky(l, c.x)));
  return { eta, mu, logLik, information, hat };
}

/**
 * Maximises the (penalised) log-likelihood, optionally with one coefficient held fixed (for
 * profiles). Newton steps on the free coefficients, halved until the likelihood does not drop.
 */
export function fitLogistic(cells: readonly BinomialCell[], options: FitOptions = {}): LogisticFit {
  const p = cells[0]?.x.length ?? 0;
  const firth = options.firth ?? false;
  const beta = options.start ? [...options.start] : new Array<number>(p).fill(0);
  if (options.fixed) beta[options.fixed.index] = options.fixed.value;
  const free = Array.from({ length: p }, (_, j) => j).filter((j) => j !== options.fixed?.index);
  const maxIterations = options.maxIterations ?? 100;
  let state = evaluate(cells, beta, firth);
  if (!state) throw new Error('logistic fit: singular information at the start; drop unidentified columns first');
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIterations && !converged; iterations++) {
    const score = free.map((j) =>
      cells.reduce(
        (s, c, i) =>
          s + (c.k - c.n * state!.mu[i]! + (state!.hat ? state!.hat[i]! * (0.5 - state!.mu[i]!) : 0)) * c.x[j]!,
        0,
      ),
    );
    const l = cholesky(free.map((a) => free.map((b) => state!.information[a]![b]!)));
    if (!l) break;
    const step = solveCholesky(l, score);
    let scale = 1;
    let next: State | null = null;
    let candidate = beta;
    for (let halvings = 0; halvings < 30; halvings++) {
      candidate = [...beta];
      free.forEach((j, i) => {
        candidate[j] = beta[j]! + scale * step[i]!;
      });
      next = evaluate(cells, candidate, firth);
      if (next && next.logLik >= state.logLik - 1e-10) break;
      next = null;
      scale /= 2;
    }
    if (!next) break;
    const change = Math.max(...free.map((j) => Math.abs(candidate[j]! - beta[j]!)), 0);
    const gain = next.logLik - state.logLik;
    for (const j of free) beta[j] = candidate[j]!;
    state = next;
    converged = change < 1e-9 || (gain >= 0 && gain < 1e-12 && change < 1e-6);
  }
  return { beta, logLik: state.logLik, information: state.information, converged, iterations, firth, fitted: state.mu };
}

/**
 * Whether a maximum-likelihood fit ran into separation: it did not converge, or some linear
 * predictor went so far that its cell's fitted probability is 0 or 1 to machine precision.
 */
export function looksSeparated(cells: readonly BinomialCell[], fit: LogisticFit): boolean {
  if (!fit.converged) return true;
  const beta = fit.beta;
  return Math.max(...beta.map(Math.abs)) > 25 || cells.some((c) => c.n > 0 && Math.abs(dot(c.x, beta)) > 30);
}

export type CoefficientInterval = { low: number; high: number; method: 'wald' | 'profile' | 'profile-firth' };

/** Wald intervals beta +- z * sqrt(diag(I^-1)); null when the information is singular. */
export function waldIntervals(
  fit: LogisticFit,
  level: number,
): { se: number[]; intervals: CoefficientInterval[] } | null {
  const inverse = invertSpd(fit.information);
  if (!inverse) return null;
  const z = jStat.normal.inv(1 - (1 - level) / 2, 0, 1);
  const se = fit.beta.map((_, j) => Math.sqrt(Math.max(0, inverse[j]![j]!)));
  return {
    se,
    intervals: fit.beta.map((b, j) => ({ low: b - z * se[j]!, high: b + z * se[j]!, method: 'wald' as const })),
  };
}

/**
 * Profile-likelihood interval of one coefficient: the values b where twice the drop of the
 * (penalised) log-likelihood, maximised over the other coefficients with this one fixed at b,
 * equals the chi-square(1) quantile. A side that never gets there within `limit` is infinite.
 */
export function profileInterval(
  cells: readonly BinomialCell[],
  fit: LogisticFit,
  index: number,
  level: number,
  limit = 50,
): CoefficientInterval {
  const threshold = jStat.chisquare.inv(level, 1) / 2;
  const drop = (b: number) =>
    fit.logLik - fitLogistic(cells, { firth: fit.firth, fixed: { index, value: b }, start: fit.beta }).logLik;
  const wald = waldIntervals(fit, level);
  const width = Math.max(wald ? wald.se[index]! : 1, 1e-3);
  const side = (direction: 1 | -1): number => {
    const centre = fit.beta[index]!;
    let inner = centre;
    let outer = centre + direction * width;
    while (drop(outer) < threshold) {
      inner = outer;
      outer = centre + 2 * (outer - centre);
      if (Math.abs(outer - centre) > limit) return direction * Number.POSITIVE_INFINITY;
    }
    for (let i = 0; i < 60 && Math.abs(outer - inner) > 1e-4 * width; i++) {
      const mid = (inner + outer) / 2;
      if (drop(mid) < threshold) inner = mid;
      else outer = mid;
    }
    return (inner + outer) / 2;
  };
  return { low: side(-1), high: side(1), method: fit.firth ? 'profile-firth' : 'profile' };
}
