import type { DatasetStats, MetricRecord } from '../store/records.ts';

/**
 * The rows the Train and Data pages plot, shaped from stored records. Every curve is against
 * cumulative FLOPs on a log axis, so a row with no FLOPs yet (nothing spent) has no place on it.
 */

/** The metric names the run records (MetricRecord.values). */
export const METRIC = {
  loss: 'loss',
  reward: 'reward',
  heldOutGoalSuccess: 'heldOutGoalSuccess',
  heldOutGoalStderr: 'heldOutGoalStderr',
  heldOutTaskSuccess: 'heldOutTaskSuccess',
  heldOutTaskStderr: 'heldOutTaskStderr',
} as const;

/** What a curve runs along: training compute (the paper's axis), optimizer steps, or wall time. */
export type CurveAxis = 'flops' | 'step' | 'wall';

export interface CurvePoint {
  flops: number;
  step: number;
  /** Wall time of the run when the row was recorded, in seconds. */
  wall: number;
  phase: MetricRecord['phase'];
  value: number;
}

export type HeldOutKind = 'held-out goals' | 'held-out tasks';

export interface SuccessPoint {
  flops: number;
  step: number;
  wall: number;
  kind: HeldOutKind;
  success: number;
  /** success -/+ one standard error, kept inside [0, 1]. */
  low: number;
  high: number;
}

const onLogAxis = (row: MetricRecord): boolean => Number.isFinite(row.flops) && row.flops > 0;

/** One training value (loss, reward) per training row that has it. */
export function trainingCurve(metrics: readonly MetricRecord[], name: string): CurvePoint[] {
  return metrics.flatMap((row) => {
    const value = row.values[name];
    return row.kind === 'train' && onLogAxis(row) && value !== undefined && Number.isFinite(value)
      ? [{ flops: row.flops, step: row.step, wall: row.wallMs / 1000, phase: row.phase, value }]
      : [];
  });
}

/**
 * An exponential moving average of a training curve, as TensorBoard smooths (weight 0: the raw
 * values; 0.9: heavy), restarted at each phase so SFT's loss does not leak into RL's.
 */
export function smoothed(points: readonly CurvePoint[], weight: number): CurvePoint[] {
  if (weight <= 0) return [...points];
  let last: CurvePoint | null = null;
  return points.map((point) => {
    const value: number =
      last?.phase === point.phase ? weight * last.value + (1 - weight) * point.value : point.value;
    last = { ...point, value };
    return last;
  });
}

/** One run's held-out success at one evaluation, for curves of several runs on one chart. */
export interface OverlayPoint {
  run: string;
  flops: number;
  step: number;
  wall: number;
  kind: HeldOutKind;
  success: number;
}

/** The held-out curves of several runs, each labelled with its name. */
export function overlayCurves(
  runs: readonly { name: string; metrics: readonly MetricRecord[] }[],
): OverlayPoint[] {
  return runs.flatMap(({ name, metrics }) =>
    heldOutCurves(metrics).map(({ flops, step, wall, kind, success }) => ({
      run: name,
      flops,
      step,
      wall,
      kind,
      success,
    })),
  );
}

/** Held-out-goal and held-out-task success of every evaluation, with their standard-error bands. */
export function heldOutCurves(metrics: readonly MetricRecord[]): SuccessPoint[] {
  const kinds: [HeldOutKind, string, string][] = [
    ['held-out goals', METRIC.heldOutGoalSuccess, METRIC.heldOutGoalStderr],
    ['held-out tasks', METRIC.heldOutTaskSuccess, METRIC.heldOutTaskStderr],
  ];
  const points: SuccessPoint[] = [];
  for (const row of metrics) {
    if (row.kind !== 'eval' || !onLogAxis(row)) continue;
    for (const [kind, successName, stderrName] of kinds) {
      const success = row.values[successName];
      if (success === undefined || !Number.isFinite(success)) continue;
      const stderr = row.values[stderrName] ?? 0;
      points.push({
        flops: row.flops,
        step: row.step,
        wall: row.wallMs / 1000,
        kind,
        success,
        low: Math.max(0, success - stderr),
        high: Math.min(1, success + stderr),
      });
    }
  }
  return points;
}

export interface HeatmapCell {
  task: string;
  step: number;
  /** Which evaluation (1, 2, ...): columns are evaluations, evenly spaced whatever their steps. */
  evaluation: number;
  success: number;
}

/** Success per task (rows) and evaluation (columns), from the evaluations' per-task tables. */
export function taskHeatmap(metrics: readonly MetricRecord[]): { cells: HeatmapCell[]; tasks: string[] } {
  const cells: HeatmapCell[] = [];
  const tasks = new Set<string>();
  let evaluation = 0;
  for (const row of metrics) {
    if (row.kind !== 'eval' || !row.perTask) continue;
    evaluation++;
    for (const [task, success] of Object.entries(row.perTask)) {
      tasks.add(task);
      cells.push({ task, step: row.step, evaluation, success });
    }
  }
  return { cells, tasks: [...tasks].sort() };
}

export interface TaskSuccess {
  task: string;
  success: number;
  episodes: number;
}

/** A dataset's success per task, worst first (what the teacher struggles with stands out). */
export function datasetTaskSuccess(stats: DatasetStats): TaskSuccess[] {
  return Object.entries(stats.perTask)
    .map(([task, { episodes, successes }]) => ({
      task,
      episodes,
      success: episodes > 0 ? successes / episodes : 0,
    }))
    .sort((a, b) => a.success - b.success || a.task.localeCompare(b.task));
}

/** The latest held-out successes, for a run's one-line summary while it has no final summary. */
export function latestEvaluation(
  metrics: readonly MetricRecord[],
): { step: number; goals: number | null; tasks: number | null } | null {
  for (let i = metrics.length - 1; i >= 0; i--) {
    const row = metrics[i] as MetricRecord;
    if (row.kind !== 'eval') continue;
    return {
      step: row.step,
      goals: row.values[METRIC.heldOutGoalSuccess] ?? null,
      tasks: row.values[METRIC.heldOutTaskSuccess] ?? null,
    };
  }
  return null;
}
