import { describe, expect, it } from 'vitest';
import { analysedRunsOf } from '../../src/analysis/runs.ts';
import { analyzeRuns, DEFAULT_RESAMPLES } from '../../src/analysis/summary.ts';
import type { AnalysedRun } from '../../src/analysis/types.ts';
import { analysedHyperparameters } from '../../src/report/figure-rows.ts';
import type { MetricRecord } from '../../src/store/records.ts';
import {
  analysedRun,
  evalRow,
  runRecord,
  selection,
  summaryOf,
  syntheticSweep,
} from './analysis-fixtures.ts';

describe('the runs the analysis reads', () => {
  it('are the finished runs with a summary, scored at their reported selection, with their eval curve', () => {
    const branched = runRecord('branched', {
      summary: summaryOf('branched', selection(4, 10, 0.3, 0.2), selection(8, 20, 0.6, 0.5)),
      lineage: { hyperparameters: { discount: 0.9 } },
      rlEvaluations: [8],
    });
    // RL from the base student, started by hand (no sweep): amount 0.
    const rlAlone = runRecord('rl-alone', {
      summary: summaryOf('rl-alone', null, selection(3, 7, 0.2, 0.1)),
      lineage: { strategy: 'rl', sftAmount: null, sweepId: null },
    });
    // A summary on a run that is not finished (resumed after it finished) is not its result yet.
    const running = runRecord('running', {
      status: 'running',
      summary: summaryOf('running', selection(1, 1, 0.9, 0.9), null),
    });
    const noSummary = runRecord('no-summary', {});
    const metrics = new Map<string, MetricRecord[]>([
      [
        'branched',
        [
          evalRow('branched', 8, 20, 0.6, 0.5),
          { ...evalRow('branched', 6, 15, 0, 0), kind: 'train', values: { loss: 1 } },
          evalRow('branched', 4, 10, 0.3, 0.2),
          { ...evalRow('branched', 5, 12, 0, 0), values: { heldOutGoalSuccess: Number.NaN } },
        ],
      ],
    ]);
    const runs = analysedRunsOf([branched, rlAlone, running, noSummary], metrics);
    expect(runs.map((run) => run.runId)).toEqual(['branched', 'rl-alone']);
    expect(runs[0]).toEqual({
      runId: 'branched',
      name: 'branched',
      sweepId: 'sweep-1',
      strategy: 'sft+rl',
      sftAmount: 100,
      hyperparameters: { discount: 0.9 },
      flops: 20,
      success: { goals: 0.6, tasks: 0.5 },
      curve: [
        { step: 4, phase: 'sft', flops: 10, goals: 0.3, tasks: 0.2 },
        { step: 8, phase: 'rl', flops: 20, goals: 0.6, tasks: 0.5 },
      ],
      perTask: { 'click-test': 0.6 },
    });
    expect(runs[1]).toMatchObject({ strategy: 'rl', sftAmount: 0, flops: 7, curve: [] });
  });
});

/** Discount's best value is planted at 0.98 from the base student and at 0.5 after SFT (PAPER.md). */
function diagnosis(): AnalysedRun[] {
  const space = { discount: [0.5, 0.9, 0.98], groupedAdvantage: [true, false] };
  const atBase = syntheticSweep({
    runs: 30,
    seed: 'base',
    space,
    noise: 0.02,
    score: (config) => 0.2 + (config.discount === 0.98 ? 0.1 : 0),
    sftAmount: 0,
  }).map((run) => ({ ...run, runId: `base-${run.runId}`, strategy: 'rl' as const }));
  const afterSft = syntheticSweep({
    runs: 30,
    seed: 'sft',
    space,
    noise: 0.02,
    score: (config) => 0.5 + (config.discount === 0.5 ? 0.1 : 0),
    sftAmount: 100,
  }).map((run) => ({ ...run, runId: `sft-${run.runId}` }));
  // An SFT-only continuation at the same amount: no RL hyperparameters, and far better than all.
  const sftOnly = analysedRun('sft-only', { strategy: 'sft', sftAmount: 100, score: 0.95 });
  return [...atBase, ...afterSft, sftOnly];
}

describe('the analysis of a sweep', () => {
  it('bootstraps each SFT amount on its own RL runs, and pools them for the recommendation', () => {
    const summary = analyzeRuns(diagnosis(), { resamples: 400 });
    expect(summary.runs).toBe(61);
    expect(summary.sft_amounts).toEqual([0, 100]);
    expect(summary.by_sft_amount.map((a) => [a.sft_amount, a.held_out, a.runs])).toEqual([
      [0, 'goals', 30],
      [0, 'tasks', 30],
      [100, 'goals', 30],
      [100, 'tasks', 30],
    ]);
    const winRate = (amount: number, value: string): number =>
      summary.by_sft_amount.find((a) => a.sft_amount === amount && a.held_out === 'goals')!.hyperparameters
        .discount!.values[value]!.win_rate;
    expect(winRate(0, '0.98')).toBeGreaterThan(0.9);
    expect(winRate(100, '0.5')).toBeGreaterThan(0.9);
    // Pooled, the runs after SFT score higher and so decide.
    expect(summary.recommended.goals.discount).toBe('0.5');
    expect(summary.hyperparameters.goals.discount!.values['0.5']!.runs).toBeGreaterThan(0);
    const importance = summary.by_sft_amount[0]!.importance;
    expect(importance.discount).toBeGreaterThan(importance.groupedAdvantage!);
  });

  it('recommends nothing for a knob the sweep held at one value, and draws no figure of it', () => {
    const runs = diagnosis().map((run) =>
      run.strategy === 'sft'
        ? run
        : { ...run, hyperparameters: { ...run.hyperparameters, curriculum: false } },
    );
    const summary = analyzeRuns(runs, { resamples: 200 });
    // The bootstrap still reports it (its one value wins every resample), but that is no finding.
    expect(summary.hyperparameters.goals.curriculum!.values['false']!.win_rate).toBe(1);
    expect(summary.recommended.goals).not.toHaveProperty('curriculum');
    expect(summary.recommended.goals.discount).toBe('0.5');
    expect(analysedHyperparameters(summary, 'goals').sort()).toEqual(['discount', 'groupedAdvantage']);
  });

  it('pools an SFT+RL run of unknown amount without giving it an amount of its own', () => {
    const byHand = analysedRun('by-hand', { sftAmount: null, hyperparameters: { discount: 0.8 } });
    const summary = analyzeRuns([...diagnosis(), byHand], { resamples: 50 });
    expect(summary.sft_amounts).toEqual([0, 100]);
    expect(summary.by_sft_amount.every((amount) => amount.runs === 30)).toBe(true);
    expect(summary.hyperparameters.goals.discount!.values['0.8']!.runs).toBe(1);
  });

  it("leaves a sweep's RL baselines out of the bootstrap, pooled and per amount, and on the frontier", () => {
    const baseline = analysedRun('rl-baseline-0', {
      strategy: 'rl',
      sftAmount: null,
      hyperparameters: { discount: 0.8 },
      success: { goals: 1, tasks: 1 },
      curve: [{ step: 60, phase: 'rl', flops: 1e20, goals: 1, tasks: 1 }],
    });
    const summary = analyzeRuns([...diagnosis(), baseline], { resamples: 50 });
    expect(summary.by_sft_amount.every((amount) => amount.runs === 30)).toBe(true);
    expect(summary.hyperparameters.goals.discount!.values['0.8']).toBeUndefined();
    expect(summary.pareto.goals.rl!.at(-1)).toEqual([1e20, 1]);
  });

  it('gives the goals and the tasks entry of an amount the same coverage flags, read from the configurations', () => {
    const thin = analysedRun('thin', { sftAmount: 0, strategy: 'rl', hyperparameters: { discount: 0.8 } });
    const runs = [...diagnosis(), { ...thin, success: { goals: 0.9, tasks: 0.1 } }];
    const atBase = analyzeRuns(runs, { resamples: 20 }).by_sft_amount.filter((a) => a.sft_amount === 0);
    expect(atBase.map((a) => a.held_out)).toEqual(['goals', 'tasks']);
    expect(atBase[0]!.coverage.map((flag) => flag.value)).toContain('0.8');
    expect(atBase[1]!.coverage).toEqual(atBase[0]!.coverage);
  });

  it('reads each held-out set on its own', () => {
    const runs = diagnosis().map((run) => ({
      ...run,
      success: { goals: run.success.goals, tasks: run.hyperparameters.groupedAdvantage === true ? 0.9 : 0.1 },
    }));
    const summary = analyzeRuns(runs, { resamples: 200 });
    expect(summary.recommended.goals.discount).toBe('0.5');
    expect(summary.recommended.tasks.groupedAdvantage).toBe('true');
    expect(summary.hyperparameters.tasks.groupedAdvantage!.values['true']!.win_rate).toBeCloseTo(1, 12);
  });

  it('writes the same summary for the same seed, other resamples for another, and plain JSON', () => {
    const runs = diagnosis();
    const summary = analyzeRuns(runs, { resamples: 100, seed: 5 });
    expect(analyzeRuns(runs, { resamples: 100, seed: 5 })).toEqual(summary);
    expect(analyzeRuns(runs, { resamples: 100, seed: 6 }).hyperparameters).not.toEqual(
      summary.hyperparameters,
    );
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
    expect(summary.bootstrap).toEqual({ resamples: 100, seed: 5 });
  });

  it('writes the same summary whatever order the runs come in (a file, a store, a merge of shards)', () => {
    const runs = diagnosis();
    const summary = analyzeRuns(runs, { resamples: 200, seed: 5 });
    expect(analyzeRuns([...runs].reverse(), { resamples: 200, seed: 5 })).toEqual(summary);
    const interleaved = [...runs.filter((_, i) => i % 2 === 1), ...runs.filter((_, i) => i % 2 === 0)];
    expect(analyzeRuns(interleaved, { resamples: 200, seed: 5 })).toEqual(summary);
  });

  it('resamples B = 1000 times by default and refuses a count that is not a whole number', () => {
    expect(DEFAULT_RESAMPLES).toBe(1000);
    expect(analyzeRuns([]).bootstrap.resamples).toBe(1000);
    expect(() => analyzeRuns([], { resamples: 0 })).toThrow(/whole number of resamples/);
    expect(() => analyzeRuns([], { resamples: 2.5 })).toThrow(/whole number of resamples/);
  });
});
