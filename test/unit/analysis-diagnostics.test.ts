import { describe, expect, it } from 'vitest';
import { coverageFlags, MIN_RUNS_PER_VALUE } from '../../src/analysis/coverage.ts';
import { mainEffectImportance } from '../../src/analysis/importance.ts';
import { syntheticSweep } from './analysis-fixtures.ts';

describe('coverage diagnostics', () => {
  it('flag a value sampled fewer than three times, and only that one', () => {
    const configurations = [
      ...Array.from({ length: 6 }, (_, i) => ({ discount: i % 2 === 0 ? 0.9 : 0.5 })),
      { discount: 0.98 },
      { discount: 0.98 },
    ];
    const flags = coverageFlags(configurations);
    expect(MIN_RUNS_PER_VALUE).toBe(3);
    expect(flags).toEqual([
      {
        hyperparameter: 'discount',
        value: '0.98',
        runs: 2,
        message: expect.stringMatching(/discount=0\.98 has 2 runs .*sample more configurations/),
      },
    ]);
  });

  it('flag a pair of values no run combines, among the runs that set both', () => {
    const configurations = [
      ...Array.from({ length: 3 }, () => ({ curriculum: true, curriculumMean: 0.5, discount: 0.9 })),
      ...Array.from({ length: 3 }, () => ({ curriculum: true, curriculumMean: 0.75, discount: 0.5 })),
      // curriculumMean is only set with the curriculum on: that is no gap.
      ...Array.from({ length: 6 }, (_, i) => ({ curriculum: false, discount: i % 2 === 0 ? 0.9 : 0.5 })),
    ];
    const pairs = coverageFlags(configurations).map((flag) => flag.value);
    expect(pairs).toEqual(['curriculumMean=0.5, discount=0.5', 'curriculumMean=0.75, discount=0.9']);
  });
});

describe('functional ANOVA main-effect importance', () => {
  const space = {
    learningRate: [1e-4, 3e-4, 1e-3],
    discount: [0.5, 0.9, 0.98],
    errorLogFeedback: [true, false],
  };

  it('ranks a planted strong knob first and gives a knob without effect about nothing', () => {
    const runs = syntheticSweep({
      runs: 60,
      seed: 4,
      space,
      noise: 0.05,
      score: (config) =>
        0.5 + (config.learningRate === 3e-4 ? 0.2 : 0) + (config.discount === 0.9 ? 0.05 : 0),
    });
    const importance = mainEffectImportance(
      runs.map((run) => ({ hyperparameters: run.hyperparameters, score: run.success.goals })),
    );
    expect(importance.learningRate).toBeGreaterThan(0.6);
    expect(importance.learningRate).toBeGreaterThan(importance.discount! * 3);
    expect(importance.discount).toBeGreaterThan(importance.errorLogFeedback!);
    expect(importance.errorLogFeedback).toBeLessThan(0.03);
  });

  it('does not mistake the noise in a thinly sampled knob for an effect', () => {
    // Ten values over 30 runs: each value's mean rests on 3 runs, and their spread alone would
    // explain about (K - 1) / n = 30% of the variance of pure noise.
    const shares = Array.from({ length: 20 }, (_, seed) => {
      const runs = syntheticSweep({
        runs: 30,
        seed: `thin-${seed}`,
        space: { discount: [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.98, 1] },
        noise: 0.1,
        score: () => 0.5,
      });
      return mainEffectImportance(
        runs.map((run) => ({ hyperparameters: run.hyperparameters, score: run.success.goals })),
      ).discount!;
    });
    expect(shares.reduce((sum, share) => sum + share, 0) / shares.length).toBeLessThan(0.1);
  });

  it('gives nothing to every knob when every run scores the same', () => {
    const runs = syntheticSweep({ runs: 10, seed: 5, space, noise: 0, score: () => 0.4 });
    const importance = mainEffectImportance(
      runs.map((run) => ({ hyperparameters: run.hyperparameters, score: run.success.goals })),
    );
    expect(importance).toEqual({ discount: 0, errorLogFeedback: 0, learningRate: 0 });
  });
});
