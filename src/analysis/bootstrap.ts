import { createRandom } from '../core/random.ts';
import type { HyperparameterValue } from '../store/records.ts';
import { expectedBestInterval } from './expected-best.ts';
import type { HyperparameterStats, ValueStats } from './types.ts';

/**
 * The bootstrap over runs of PAPER.md, for one hyperparameter H on one score.
 *
 * Each of the B resamples draws n runs (n = the runs that have a value of H) with replacement, run i
 * with probability proportional to 1 / n_h, n_h being the runs that share its value h. Normalised,
 * that probability is 1 / (K n_h) for K values: the same as picking a value uniformly, then one of its
 * runs uniformly, which is how it is drawn here. Every value is then as likely to be drawn however
 * unevenly random search sampled it.
 *
 * Win rate: in each resample the best run's value wins. Distinct runs tied for the best score share
 * that resample's win equally (a run drawn twice counts once), so a hyperparameter's win rates sum to 1.
 *
 * T_h: in each resample, the best score among the resampled runs with H = h. A value that no run of a
 * resample has gives that resample no T_h: its mean and 95% percentile interval are taken over the
 * resamples that drew it (all but a share (1 - 1/K)^n of them), and are null if none did. Counting
 * an absent value as a score of 0 instead would drag T_h towards 0 by how rare the value is, which
 * the 1 / n_h weights exist to undo.
 *
 * Beside T_h, and not part of the paper: the expected best score with h and its 95% interval under
 * normal scores (expected-best.ts), read from the value's runs alone, with no resampling.
 */

export interface ScoredRun {
  runId: string;
  value: HyperparameterValue;
  score: number;
}

export interface BootstrapOptions {
  resamples: number;
  /** Seeds the resamples; the same seed gives the same figures on every machine. */
  seed: string | number;
}

/** A value as summary.json keys it: "0.25", "true", "grouped". */
export function valueKey(value: HyperparameterValue): string {
  return String(value);
}

/** Values in a readable order: false before true, numbers rising, then text. */
export function compareValues(a: HyperparameterValue, b: HyperparameterValue): number {
  const rank = (value: HyperparameterValue): number =>
    typeof value === 'boolean' ? 0 : typeof value === 'number' ? 1 : 2;
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (typeof a === 'string' || typeof b === 'string') return String(a).localeCompare(String(b));
  return Number(a) - Number(b);
}

export function bootstrapHyperparameter(
  runs: readonly ScoredRun[],
  { resamples, seed }: BootstrapOptions,
): HyperparameterStats {
  const groups = groupByValue(runs);
  const n = runs.length;
  const k = groups.length;
  // The runs' scores laid out value by value: a run is its index in this array.
  const scores = Float64Array.from(groups.flatMap((group) => group.runs.map((run) => run.score)));
  const start = new Int32Array(k);
  const size = new Int32Array(k);
  groups.forEach((group, index) => {
    size[index] = group.runs.length;
    start[index] = index === 0 ? 0 : start[index - 1]! + size[index - 1]!;
  });
  const valueOf = new Int32Array(n);
  groups.forEach((_, index) => valueOf.fill(index, start[index], start[index]! + size[index]!));

  const random = createRandom(seed);
  const wins = new Float64Array(k);
  const t = groups.map((): number[] => []);
  const bestOfValue = new Float64Array(k);
  const tied: number[] = [];
  for (let b = 0; b < resamples; b++) {
    bestOfValue.fill(-Infinity);
    let best = -Infinity;
    tied.length = 0;
    for (let draw = 0; draw < n; draw++) {
      // One uniform number picks the value (its whole part) and the run within it (its fraction).
      const u = random.next() * k;
      const index = Math.floor(u);
      const run = start[index]! + Math.floor((u - index) * size[index]!);
      const score = scores[run]!;
      if (score > bestOfValue[index]!) bestOfValue[index] = score;
      if (score > best) {
        best = score;
        tied.length = 0;
      }
      if (score === best && !tied.includes(run)) tied.push(run);
    }
    for (const run of tied) wins[valueOf[run]!]! += 1 / tied.length;
    bestOfValue.forEach((score, index) => {
      if (score > -Infinity) t[index]!.push(score);
    });
  }
  const values: Record<string, ValueStats> = {};
  groups.forEach((group, index) => {
    const samples = t[index]!.sort((a, b) => a - b);
    const drawn = samples.length > 0;
    const expectedBest = expectedBestInterval(group.runs.map((run) => run.score));
    values[valueKey(group.value)] = {
      win_rate: resamples > 0 ? wins[index]! / resamples : 0,
      t_mean: drawn ? samples.reduce((sum, x) => sum + x, 0) / samples.length : null,
      t_lo: drawn ? quantile(samples, 0.025) : null,
      t_hi: drawn ? quantile(samples, 0.975) : null,
      expected_best: expectedBest?.estimate ?? null,
      expected_best_lo: expectedBest?.lo ?? null,
      expected_best_hi: expectedBest?.hi ?? null,
      runs: group.runs.length,
    };
  });
  return { values };
}

function groupByValue(runs: readonly ScoredRun[]): { value: HyperparameterValue; runs: ScoredRun[] }[] {
  const byKey = new Map<string, { value: HyperparameterValue; runs: ScoredRun[] }>();
  for (const run of runs) {
    const key = valueKey(run.value);
    const group = byKey.get(key) ?? { value: run.value, runs: [] };
    group.runs.push(run);
    byKey.set(key, group);
  }
  return [...byKey.values()].sort((a, b) => compareValues(a.value, b.value));
}

/** The q-quantile of sorted samples, interpolating linearly between order statistics. */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const lower = sorted[below]!;
  return lower + (sorted[above]! - lower) * (position - below);
}
