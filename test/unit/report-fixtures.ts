import type { AmountAnalysis, AnalysedRun, AnalysisSummary, HeldOutSet } from '../../src/analysis/types.ts';
import { EXPECTED_BEST_METHOD } from '../../src/analysis/expected-best.ts';
import type { Strategy } from '../../src/store/records.ts';

/**
 * A hand-made analysis of a small sweep: two SFT amounts, two hyperparameters (three learning rates,
 * two temperatures), runs of the three strategies. The figures only read these shapes, so they are
 * tested without running the analysis.
 */

const stats = (win_rate: number, t_mean: number, runs: number) => ({
  win_rate,
  t_mean,
  t_lo: t_mean - 0.1,
  t_hi: t_mean + 0.05,
  expected_best: t_mean + 0.05,
  expected_best_lo: t_mean - 0.05,
  expected_best_hi: t_mean + 0.2,
  runs,
});

function amountAnalysis(sft_amount: number, held_out: HeldOutSet): AmountAnalysis {
  return {
    sft_amount,
    held_out,
    runs: 6,
    hyperparameters: {
      learning_rate: {
        values: { '0.001': stats(0.2, 0.4, 2), '0.0001': stats(0.1, 0.3, 2), '0.0003': stats(0.7, 0.6, 2) },
      },
      temperature: { values: { '0.7': stats(0.55, 0.6, 3), '1': stats(0.45, 0.55, 3) } },
    },
    importance: { learning_rate: 0.6, temperature: 0.1 },
    coverage: [],
  };
}

export function fixtureSummary(): AnalysisSummary {
  const pooled = amountAnalysis(0, 'goals').hyperparameters;
  return {
    runs: 8,
    sft_amounts: [100, 300],
    bootstrap: { resamples: 1000, seed: 1 },
    expected_best: { ...EXPECTED_BEST_METHOD },
    hyperparameters: { goals: pooled, tasks: pooled },
    recommended: {
      goals: { learning_rate: '0.0003', temperature: '0.7' },
      tasks: { learning_rate: '0.0003', temperature: '0.7' },
    },
    by_sft_amount: [
      amountAnalysis(300, 'goals'),
      amountAnalysis(100, 'goals'),
      amountAnalysis(100, 'tasks'),
      amountAnalysis(300, 'tasks'),
    ],
    pareto: {
      goals: {
        sft: [
          [1e9, 0.2],
          [4e9, 0.45],
        ],
        'sft+rl': [
          [2e9, 0.3],
          [3e9, 0.5],
          [8e9, 0.7],
        ],
        rl: [[5e9, 0.1]],
      },
      tasks: { sft: [[4e9, 0.2]], 'sft+rl': [[3e9, 0.25]] },
    },
    compute_to_match_sft: {
      goals: { sft_peak: 0.45, sft_peak_flops: 4e9, sft_rl_flops: 3e9, fraction: 0.75 },
      tasks: null,
    },
  };
}

const phaseOf = (strategy: Strategy): 'sft' | 'rl' => (strategy === 'sft' ? 'sft' : 'rl');

function run(id: string, strategy: Strategy, flops: number, goals: number, tasks: number): AnalysedRun {
  return {
    runId: id,
    name: `run ${id}`,
    sweepId: 'sweep-1',
    strategy,
    sftAmount: strategy === 'rl' ? 0 : 100,
    hyperparameters: { learning_rate: 0.0003, temperature: 0.7 },
    flops,
    success: { goals, tasks },
    curve: [
      // An SFT+RL run's first evaluation is of its SFT checkpoint, before any RL update.
      {
        step: 10,
        phase: strategy === 'sft+rl' ? 'sft' : phaseOf(strategy),
        flops: flops / 2,
        goals: goals / 2,
        tasks: tasks / 2,
      },
      { step: 20, phase: phaseOf(strategy), flops, goals, tasks },
    ],
    perTask: { 'click-test': goals, 'focus-text': tasks, 'enter-text': (goals + tasks) / 2 },
  };
}

/** Runs whose selected points include the frontier's, and some it dominates. */
export function fixtureRuns(): AnalysedRun[] {
  return [
    run('a1', 'sft', 1e9, 0.2, 0.1),
    run('a2', 'sft', 4e9, 0.45, 0.2),
    run('a3', 'sft', 6e9, 0.4, 0.15),
    run('b1', 'sft+rl', 2e9, 0.3, 0.1),
    run('b2', 'sft+rl', 3e9, 0.5, 0.25),
    run('b3', 'sft+rl', 8e9, 0.7, 0.2),
    run('b4', 'sft+rl', 9e9, 0.6, 0.2),
    run('c1', 'rl', 5e9, 0.1, 0.05),
  ];
}
