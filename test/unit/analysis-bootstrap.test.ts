import { describe, expect, it } from 'vitest';
import { bootstrapHyperparameter, quantile, type ScoredRun } from '../../src/analysis/bootstrap.ts';
import { createRandom } from '../../src/core/random.ts';
import { normal } from './analysis-fixtures.ts';

const scored = (scores: [string | number | boolean, number][]): ScoredRun[] =>
  scores.map(([value, score], i) => ({ runId: `run-${i}`, value, score }));

const sumOfWinRates = (values: Record<string, { win_rate: number }>): number =>
  Object.values(values).reduce((sum, stats) => sum + stats.win_rate, 0);

/** 40 runs of a knob with three values, the planted one (0.25) better by `gap`, noise 0.05. */
function plantedSweep(seed: number, gap: number): ScoredRun[] {
  const random = createRandom(seed);
  return Array.from({ length: 40 }, (_, i) => {
    const value = random.pick([0.1, 0.25, 1]);
    return { runId: `run-${i}`, value, score: 0.5 + (value === 0.25 ? gap : 0) + 0.05 * normal(random) };
  });
}

describe('the bootstrap over runs', () => {
  it('gives most resamples to a planted best value', () => {
    const { values } = bootstrapHyperparameter(plantedSweep(1, 0.1), { resamples: 1000, seed: 7 });
    expect(values['0.25']!.win_rate).toBeGreaterThan(0.9);
    expect(values['0.25']!.t_mean!).toBeGreaterThan(values['1']!.t_hi!);
    expect(values['0.25']!.t_mean!).toBeGreaterThan(values['0.1']!.t_hi!);
  });

  it('weights runs by 1/n_h, so a rarely sampled value is drawn as often as a common one', () => {
    // Two runs with b beat twenty with a. Drawn in proportion to their numbers, b would be missing
    // from (20/22)^22 = 12% of resamples; drawn with weights 1/n_h, from (1/2)^22 of them.
    const runs = scored([
      ...Array.from({ length: 20 }, (): [string, number] => ['a', 0.2]),
      ['b', 0.9],
      ['b', 0.8],
    ]);
    const { values } = bootstrapHyperparameter(runs, { resamples: 2000, seed: 3 });
    expect(values['b']!.win_rate).toBeGreaterThan(0.995);
    expect(values['a']!.runs).toBe(20);
    expect(values['b']!.runs).toBe(2);
  });

  it('shares a resample between runs tied for best, so the win rates sum to 1', () => {
    const tied = bootstrapHyperparameter(
      scored([
        [true, 0.5],
        [false, 0.5],
        [false, 0.5],
        [true, 0.2],
      ]),
      { resamples: 1000, seed: 1 },
    );
    expect(sumOfWinRates(tied.values)).toBeCloseTo(1, 12);
    expect(tied.values['true']!.win_rate).toBeGreaterThan(0.3);
    expect(tied.values['false']!.win_rate).toBeGreaterThan(0.3);

    const untied = bootstrapHyperparameter(plantedSweep(2, 0.02), { resamples: 500, seed: 2 });
    expect(sumOfWinRates(untied.values)).toBeCloseTo(1, 12);
  });

  it('shares a tie between distinct runs, however often each was drawn', () => {
    // a has one run, b two, all tied. Three draws, each value drawn with probability 1/2: by the
    // number of a's draws j (j = 3, 2, 1: 1/8, 3/8, 3/8), a's share is 1, 1/2, and 1/2 or 1/3 as b's
    // two draws are the same run or not, so a wins 1/8 + 3/16 + (3/8)(5/12) = 0.46875. Shared by
    // draws instead, a would win 1/2.
    const runs = scored([
      ['a', 1],
      ['b', 1],
      ['b', 1],
    ]);
    const { values } = bootstrapHyperparameter(runs, { resamples: 20_000, seed: 9 });
    expect(values['a']!.win_rate).toBeCloseTo(0.46875, 2);
  });

  it('gives the same figures for the same seed and other resamples for another', () => {
    const runs = plantedSweep(3, 0.02);
    const first = bootstrapHyperparameter(runs, { resamples: 300, seed: 'a' });
    expect(bootstrapHyperparameter(runs, { resamples: 300, seed: 'a' })).toEqual(first);
    expect(bootstrapHyperparameter(runs, { resamples: 300, seed: 'b' })).not.toEqual(first);
  });

  it('gives a value that no resample drew no T_h, and no win', () => {
    // One resample of two runs misses one of the two values half the time: some seed below shows it.
    const runs = scored([
      ['x', 0.3],
      ['y', 0.6],
    ]);
    const missing = Array.from({ length: 20 }, (_, seed) =>
      bootstrapHyperparameter(runs, { resamples: 1, seed }),
    ).find(({ values }) => values['x']!.t_mean === null || values['y']!.t_mean === null);
    expect(missing).toBeDefined();
    for (const stats of Object.values(missing!.values)) {
      if (stats.t_mean === null) {
        expect(stats.win_rate).toBe(0);
        expect([stats.t_lo, stats.t_hi]).toEqual([null, null]);
      } else {
        expect(stats.win_rate).toBe(1);
      }
    }
  });

  it('reads percentiles between order statistics', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([0, 10], 0.025)).toBeCloseTo(0.25, 12);
    expect(quantile([0, 10], 0.975)).toBeCloseTo(9.75, 12);
    expect(quantile([4], 0.975)).toBe(4);
  });
});

/**
 * How often the 95% percentile interval of T_h covers the truth over many synthetic sweeps. The
 * truth: the expected best score among the runs with H = h of a fresh sweep of the same design
 * (n = 30 runs, three values drawn uniformly, scores normal around each value's mean).
 *
 * Measured: about 50%, not 95%. A resample's best run with h is one of the sweep's own runs, so the
 * interval never reaches above the best run the sweep happened to get with h; the truth lies above it
 * whenever that run fell short of the expected best, which is about half the sweeps. This is the
 * paper's method (a percentile interval of a maximum) read faithfully; the test pins the rate so a
 * change to it is seen, the misses' side and the cap at the best run so the reason stays the one above.
 * The interval that is calibrated for this truth, under normal scores, is expected_best's
 * (analysis-expected-best.test.ts).
 */
describe('the T_h intervals over many synthetic sweeps', () => {
  const MEANS = [0.4, 0.5, 0.45];
  const SIGMA = 0.1;
  const RUNS = 30;
  const SWEEPS = 200;

  function expectedBest(value: number): number {
    const random = createRandom(`truth-${value}`);
    let sum = 0;
    let count = 0;
    for (let sweep = 0; sweep < 20_000; sweep++) {
      let best = -Infinity;
      for (let run = 0; run < RUNS; run++) {
        if (random.int(0, MEANS.length - 1) === value)
          best = Math.max(best, MEANS[value]! + SIGMA * normal(random));
      }
      if (best > -Infinity) {
        sum += best;
        count++;
      }
    }
    return sum / count;
  }

  it('cover the expected best about half the time, missing it from below', () => {
    const truth = MEANS.map((_, value) => expectedBest(value));
    const random = createRandom('coverage');
    let intervals = 0;
    let covered = 0;
    let belowTruth = 0;
    let aboveBestRun = 0;
    for (let sweep = 0; sweep < SWEEPS; sweep++) {
      const runs = Array.from({ length: RUNS }, (_, i): ScoredRun => {
        const value = random.int(0, MEANS.length - 1);
        return { runId: `run-${i}`, value, score: MEANS[value]! + SIGMA * normal(random) };
      });
      const { values } = bootstrapHyperparameter(runs, { resamples: 1000, seed: sweep });
      truth.forEach((expected, value) => {
        const stats = values[String(value)];
        if (stats === undefined || stats.t_lo === null || stats.t_hi === null) return;
        const bestRun = Math.max(...runs.filter((run) => run.value === value).map((run) => run.score));
        if (stats.t_hi > bestRun) aboveBestRun++;
        intervals++;
        if (stats.t_lo <= expected && expected <= stats.t_hi) covered++;
        else if (stats.t_hi < expected) belowTruth++;
      });
    }
    const rate = covered / intervals;
    expect(rate).toBeGreaterThan(0.4);
    expect(rate).toBeLessThan(0.6);
    expect(belowTruth).toBeGreaterThan(0.95 * (intervals - covered));
    expect(aboveBestRun).toBe(0);
  }, 120_000);
});
