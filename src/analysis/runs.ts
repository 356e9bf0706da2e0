import type { MetricRecord, RunRecord } from '../store/records.ts';
import type { AnalysedRun, CurvePoint } from './types.ts';

/**
 * The runs the analysis reads: finished runs with a summary, each with its reported selection (RL's
 * when the run made RL updates, SFT's otherwise) and its evaluation curve. Runs still going, failed
 * or without a summary have no score to compare and are left out.
 */
export function analysedRunsOf(
  runs: readonly RunRecord[],
  metrics: ReadonlyMap<string, readonly MetricRecord[]>,
): AnalysedRun[] {
  const analysed: AnalysedRun[] = [];
  for (const run of runs) {
    const summary = run.summary;
    if (run.status !== 'finished' || summary === null) continue;
    // The summary's top-level flops is the whole run's; the selected checkpoint's is its phase's.
    const reported = summary.rl ?? summary.sft;
    const { strategy, sftAmount, sweepId, hyperparameters } = run.lineage;
    analysed.push({
      runId: run.id,
      name: run.name,
      sweepId,
      strategy,
      // RL from the base student started by hand belongs to amount 0. A sweep's RL runs without an
      // amount are its baselines (sweep/plan.ts): the recommended configuration trained to the
      // largest compute, not samples of the search, so no amount's bootstrap may count them.
      sftAmount: sftAmount ?? (strategy === 'rl' && sweepId === null ? 0 : null),
      hyperparameters: { ...hyperparameters },
      flops: reported?.flops ?? summary.flops,
      success: { goals: summary.heldout_goals_success, tasks: summary.heldout_tasks_success },
      curve: curveOf(metrics.get(run.id) ?? [], run),
      perTask: { ...summary.per_task },
    });
  }
  return analysed;
}

/** Evaluation rows in step order; a row missing either held-out success (NaN included) is skipped. */
function curveOf(rows: readonly MetricRecord[], run: RunRecord): CurvePoint[] {
  // The run's own record of which evaluations came after an RL update (checkpoint selection reads it):
  // a row's phase says 'rl' already for the evaluation at the switch, made before any RL update.
  const afterRlUpdate = new Set(
    run.state.heldOutGoalHistory.filter((entry) => entry.phase === 'rl').map((entry) => entry.step),
  );
  const curve: CurvePoint[] = [];
  for (const row of rows) {
    if (row.kind !== 'eval') continue;
    const goals = row.values.heldOutGoalSuccess;
    const tasks = row.values.heldOutTaskSuccess;
    if (!Number.isFinite(goals) || !Number.isFinite(tasks)) continue;
    curve.push({
      step: row.step,
      phase: afterRlUpdate.has(row.step) ? 'rl' : 'sft',
      flops: row.flops,
      goals: goals as number,
      tasks: tasks as number,
    });
  }
  return curve.sort((a, b) => a.step - b.step);
}

/** A sweep's RL baseline (sweep/plan.ts): RL alone, its recommended configuration, no SFT amount. */
export function isSweepBaseline(run: Pick<AnalysedRun, 'strategy' | 'sftAmount'>): boolean {
  return run.strategy === 'rl' && run.sftAmount === null;
}
