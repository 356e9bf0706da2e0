import { describe, expect, it } from 'vitest';
import { computeToMatchSft, paretoByStrategy, paretoFrontier } from '../../src/analysis/pareto.ts';
import type { CurvePoint } from '../../src/analysis/types.ts';
import { analysedRun } from './analysis-fixtures.ts';

/** A curve whose held-out-task success is half its held-out-goal success, all after an RL update unless said. */
const curve = (points: [number, number][], phase: CurvePoint['phase'] = 'rl'): CurvePoint[] =>
  points.map(([flops, goals], step) => ({ step, phase, flops, goals, tasks: goals / 2 }));

describe('the compute-performance Pareto frontier', () => {
  it('keeps the points nothing beats on both axes, by rising FLOPs', () => {
    const points: [number, number][] = [
      [5, 0.5],
      [1, 0.2],
      [2, 0.1], // more compute, less success than [1, 0.2]
      [3, 0.4],
      [3, 0.3], // as much compute as [3, 0.4], less success
      [4, 0.4], // more compute, no more success
      [6, 0.5],
      [1, 0.2], // the same point twice
    ];
    expect(paretoFrontier(points)).toEqual([
      [1, 0.2],
      [3, 0.4],
      [5, 0.5],
    ]);
    expect(paretoFrontier([])).toEqual([]);
  });

  it('takes every evaluation of every run of a strategy, on the held-out set asked for', () => {
    const runs = [
      analysedRun('sft-a', {
        strategy: 'sft',
        curve: curve([
          [1, 0.2],
          [2, 0.3],
        ]),
      }),
      analysedRun('sft-b', { strategy: 'sft', curve: curve([[1.5, 0.4]]) }),
      analysedRun('rl', { strategy: 'rl', curve: curve([[1, 0.1]]) }),
      // Before its first RL update, an RL run scores the model it started from.
      analysedRun('rl-start', { strategy: 'rl', curve: curve([[0, 0.05]], 'sft') }),
      // An SFT run's evaluations are all SFT's.
      analysedRun('sft-c', { strategy: 'sft', curve: curve([[0.5, 0.15]], 'sft') }),
    ];
    expect(paretoByStrategy(runs, 'goals')).toEqual({
      sft: [
        [0.5, 0.15],
        [1, 0.2],
        [1.5, 0.4],
      ],
      rl: [[1, 0.1]],
    });
    expect(paretoByStrategy(runs, 'tasks').sft).toEqual([
      [0.5, 0.075],
      [1, 0.1],
      [1.5, 0.2],
    ]);
  });
});

describe('the compute SFT+RL needs to match the peak of pure SFT', () => {
  const sft = analysedRun('sft', {
    strategy: 'sft',
    curve: curve([
      [2, 0.3],
      [6, 0.5],
      [11, 0.6],
      [14, 0.6], // the peak again, later: the first time counts
    ]),
  });

  it("is the least compute of an SFT+RL evaluation at or above the peak, and its share of SFT's", () => {
    const branched = [
      analysedRun('sft+rl-1', {
        strategy: 'sft+rl',
        curve: curve([
          [4, 0.4],
          [6.05, 0.6], // reaching the peak is enough
          [9, 0.7],
        ]),
      }),
      analysedRun('sft+rl-2', {
        strategy: 'sft+rl',
        curve: curve([
          [3, 0.35],
          [7, 0.61],
        ]),
      }),
      // Its own SFT phase reaches the peak sooner, but that is SFT.
      analysedRun('sft+rl-3', { strategy: 'sft+rl', curve: curve([[5, 0.6]], 'sft') }),
      // RL alone reaches the peak sooner, but it is not SFT+RL.
      analysedRun('rl', { strategy: 'rl', curve: curve([[1, 0.9]]) }),
    ];
    expect(computeToMatchSft([sft, ...branched], 'goals')).toEqual({
      sft_peak: 0.6,
      sft_peak_flops: 11,
      sft_rl_flops: 6.05,
      fraction: expect.closeTo(0.55, 12),
    });
  });

  it('is null where SFT+RL never reaches the peak, and altogether without SFT runs', () => {
    const short = analysedRun('sft+rl', { strategy: 'sft+rl', curve: curve([[4, 0.59]]) });
    expect(computeToMatchSft([sft, short], 'goals')).toEqual({
      sft_peak: 0.6,
      sft_peak_flops: 11,
      sft_rl_flops: null,
      fraction: null,
    });
    expect(computeToMatchSft([short], 'goals')).toBeNull();
  });
});
