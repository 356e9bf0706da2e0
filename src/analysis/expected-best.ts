/**
 * A calibrated interval for the best score reachable with a hyperparameter value, beside the paper's
 * T_h (bootstrap.ts), under an assumption the paper does not make: the scores of the runs with one
 * value are independent draws from a normal distribution N(mu, sigma^2).
 *
 * The quantity: E[max of n normal scores] = mu + c(n) sigma, with n the runs the sweep has with the
 * value and c(n) the expected maximum of n standard normals. It is the expected best score a fresh
 * sweep with as many runs of the value would get (the truth, conditional on the observed n).
 *
 * Why an assumed shape: from n runs, nothing but the shape of the score distribution says how far
 * above the runs seen the expected best of n lies (types.ts, ValueStats). Why this interval: with
 * mean m and standard deviation s of the n scores,
 *
 *   T = sqrt(n) (m - mu - c sigma) / s = (Z - c sqrt(n)) / sqrt(V / (n - 1)),
 *
 * Z standard normal and V chi-squared with n - 1 degrees of freedom, independent: T follows the
 * noncentral t distribution with n - 1 degrees of freedom and noncentrality -c sqrt(n), whatever mu
 * and sigma are. So m - q s / sqrt(n), q running over T's quantiles, is an exact interval for every
 * n >= 2 under the assumption, with no resampling error; a percentile parametric bootstrap of
 * m + c s is not (s is biased low at n ~ 5, and the percentile interval of a skewed statistic is
 * off-centre), and a seeded one would be noisy where this is exact. The estimate is T's median read
 * the same way: median-unbiased, and always inside its interval.
 */

export interface ExpectedBest {
  estimate: number;
  lo: number;
  hi: number;
}

/** Fewer runs give no interval: one run has no spread, and two give one so loose it says nothing. */
export const EXPECTED_BEST_MIN_RUNS = 3;

/** What summary.json says about the figures, beside them. */
export const EXPECTED_BEST_METHOD = {
  assumption:
    "the scores of the runs with one value are independent and normal (not the paper's: its T_h assumes no shape)",
  truth: 'the expected best score among as many fresh runs of the value as the sweep has (mu + c(n) sigma)',
  interval:
    '95%, exact under the assumption: the noncentral t pivot of the mean and standard deviation of the runs',
  estimate: 'the median of the same pivot: median-unbiased, always inside the interval',
  min_runs: EXPECTED_BEST_MIN_RUNS,
  null_when: `fewer than ${EXPECTED_BEST_MIN_RUNS} runs have the value`,
};

/** The expected best of the scores' value and its 95% interval; null below the minimum runs. */
export function expectedBestInterval(scores: readonly number[]): ExpectedBest | null {
  const n = scores.length;
  if (n < EXPECTED_BEST_MIN_RUNS) return null;
  const mean = scores.reduce((sum, x) => sum + x, 0) / n;
  const sd = Math.sqrt(scores.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1));
  const { low, median, high } = pivotQuantiles(n);
  const standardError = sd / Math.sqrt(n);
  // T <= high with probability 0.975, so the truth is at least m - high s / sqrt(n).
  return {
    estimate: mean - median * standardError,
    lo: mean - high * standardError,
    hi: mean - low * standardError,
  };
}

const pivotCache = new Map<number, { low: number; median: number; high: number }>();

/** The 2.5%, 50% and 97.5% points of T for n runs: they depend on n alone. */
function pivotQuantiles(n: number): { low: number; median: number; high: number } {
  let cached = pivotCache.get(n);
  if (cached === undefined) {
    const df = n - 1;
    const shift = -expectedMaxOfNormals(n) * Math.sqrt(n);
    const at = (p: number): number => noncentralTQuantile(p, df, shift);
    cached = { low: at(0.025), median: at(0.5), high: at(0.975) };
    pivotCache.set(n, cached);
  }
  return cached;
}

const maxCache = new Map<number, number>();

/**
 * c(n) = E[max of n standard normals] = integral of x n phi(x) Phi(x)^(n-1) dx, by Simpson's rule
 * on [-12, 12]: the density is smooth and negligible outside for any n a sweep has.
 */
export function expectedMaxOfNormals(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`c(n) needs a whole number of runs n >= 1, not ${n}.`);
  let cached = maxCache.get(n);
  if (cached === undefined) {
    cached = simpson((x) => x * n * normalDensity(x) * normalCdf(x) ** (n - 1), -12, 12, 6000);
    maxCache.set(n, cached);
  }
  return cached;
}

/**
 * P(T <= t) for T = (Z + shift) / W, W = sqrt(V / df): E[Phi(t W - shift)] over W's density,
 * proportional to w^(df-1) exp(-df w^2 / 2). The density is normalised on the same grid, which
 * cancels most of the rule's error.
 */
export function noncentralTCdf(t: number, df: number, shift: number): number {
  const spread = 10 / Math.sqrt(df);
  const low = Math.max(0, 1 - spread);
  const high = 1 + spread;
  const mode = Math.sqrt(Math.max(df - 1, 0.5) / df);
  const logPeak = (df - 1) * Math.log(mode) - (df * mode * mode) / 2;
  const weight = (w: number): number =>
    w <= 0 ? 0 : Math.exp((df - 1) * Math.log(w) - (df * w * w) / 2 - logPeak);
  const intervals = 1000;
  const total = simpson(weight, low, high, intervals);
  return simpson((w) => weight(w) * normalCdf(t * w - shift), low, high, intervals) / total;
}

/**
 * The p-quantile of T: a bracket widened until it holds it, then the Illinois method (regula falsi
 * that halves the weight of an end kept twice), which needs a handful of evaluations, not bisection's
 * forty.
 */
function noncentralTQuantile(p: number, df: number, shift: number): number {
  const excess = (t: number): number => noncentralTCdf(t, df, shift) - p;
  let below = shift - 1;
  let above = shift + 1;
  let fBelow = excess(below);
  let fAbove = excess(above);
  while (fBelow > 0) {
    below -= 2 * (above - below);
    fBelow = excess(below);
  }
  while (fAbove < 0) {
    above += 2 * (above - below);
    fAbove = excess(above);
  }
  let side = 0;
  for (
    let iteration = 0;
    iteration < 200 && above - below > 1e-12 * Math.max(1, Math.abs(below));
    iteration++
  ) {
    const guess = (below * fAbove - above * fBelow) / (fAbove - fBelow);
    const fGuess = excess(guess);
    if (fGuess === 0) return guess;
    if (fGuess < 0) {
      below = guess;
      fBelow = fGuess;
      if (side === -1) fAbove /= 2;
      side = -1;
    } else {
      above = guess;
      fAbove = fGuess;
      if (side === 1) fBelow /= 2;
      side = 1;
    }
  }
  return (below + above) / 2;
}

function simpson(f: (x: number) => number, from: number, to: number, intervals: number): number {
  const h = (to - from) / intervals;
  let sum = f(from) + f(to);
  for (let i = 1; i < intervals; i++) sum += (i % 2 === 1 ? 4 : 2) * f(from + i * h);
  return (sum * h) / 3;
}

export function normalDensity(x: number): number {
  return Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);
}

/**
 * Phi(x) to about 1e-15. Near the centre, the series Phi(x) = 1/2 + phi(x) sum x^(2k+1) / (2k+1)!!,
 * whose terms are all of one sign; in the tails, Laplace's continued fraction for the upper tail,
 * phi(x) / (x + 1/(x + 2/(x + 3/(x + ...)))), which converges fast there and keeps relative accuracy.
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x);
  if (z < 3) {
    let term = x;
    let sum = x;
    for (let k = 1; Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
      term *= (x * x) / (2 * k + 1);
      sum += term;
    }
    return 0.5 + normalDensity(x) * sum;
  }
  let fraction = z;
  for (let k = 60; k >= 1; k--) fraction = z + k / fraction;
  const tail = normalDensity(z) / fraction;
  return x > 0 ? 1 - tail : tail;
}
