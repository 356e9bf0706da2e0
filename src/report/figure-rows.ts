import { curvePoints as evaluationsShowingStrategy } from '../analysis/pareto.ts';
import type { AnalysedRun, AnalysisSummary, HeldOutSet } from '../analysis/types.ts';
import type { Strategy } from '../store/records.ts';

/**
 * The rows each Results figure plots, shaped from the analysis summary and the analysed runs. Plain
 * data, no DOM: the figures (figures.ts) only map these rows to marks.
 */

/** The paper's strategies in the order legends list them, with the names the paper gives them. */
export const STRATEGIES: readonly Strategy[] = ['sft', 'rl', 'sft+rl'];
export const STRATEGY_LABELS: Record<Strategy, string> = { sft: 'SFT', rl: 'RL', 'sft+rl': 'SFT+RL' };

export const HELD_OUT_LABELS: Record<HeldOutSet, string> = {
  goals: 'held-out goals',
  tasks: 'held-out tasks',
};

/** One value of one hyperparameter at one SFT amount: its bootstrap figures. */
export interface ValueRow {
  amount: number;
  value: string;
  winRate: number;
  /** T_h and its interval; null where no resample drew the value. */
  tMean: number | null;
  tLow: number | null;
  tHigh: number | null;
  /** The expected best and its 95% interval under normal scores; null below 3 runs. */
  expectedBest: number | null;
  expectedBestLow: number | null;
  expectedBestHigh: number | null;
  runs: number;
}

/**
 * The hyperparameters analysed on a held-out set, in first-seen order: those the sweep varied (two
 * values or more at some SFT amount). A knob held fixed "wins" every resample and says nothing.
 */
export function analysedHyperparameters(summary: AnalysisSummary, heldOut: HeldOutSet): string[] {
  const names = new Set<string>();
  for (const analysis of summary.by_sft_amount) {
    if (analysis.held_out !== heldOut) continue;
    for (const [name, stats] of Object.entries(analysis.hyperparameters)) {
      if (Object.keys(stats.values).length > 1) names.add(name);
    }
  }
  return [...names];
}

/** The SFT amounts analysed on a held-out set, rising. */
export function analysedAmounts(summary: AnalysisSummary, heldOut: HeldOutSet): number[] {
  const amounts = summary.by_sft_amount.filter((a) => a.held_out === heldOut).map((a) => a.sft_amount);
  return [...new Set(amounts)].sort((a, b) => a - b);
}

/** Every value of a hyperparameter at every SFT amount it was analysed at, on one held-out set. */
export function valueRows(summary: AnalysisSummary, heldOut: HeldOutSet, hyperparameter: string): ValueRow[] {
  const rows: ValueRow[] = [];
  for (const analysis of summary.by_sft_amount) {
    if (analysis.held_out !== heldOut) continue;
    const stats = analysis.hyperparameters[hyperparameter];
    for (const [value, figures] of Object.entries(stats?.values ?? {})) {
      rows.push({
        amount: analysis.sft_amount,
        value,
        winRate: figures.win_rate,
        tMean: figures.t_mean,
        tLow: figures.t_lo,
        tHigh: figures.t_hi,
        expectedBest: figures.expected_best,
        expectedBestLow: figures.expected_best_lo,
        expectedBestHigh: figures.expected_best_hi,
        runs: figures.runs,
      });
    }
  }
  return rows;
}

/** The values as an axis lists them: numerically when every one is a number, else as first seen. */
export function valueOrder(rows: readonly { value: string }[]): string[] {
  const values = [...new Set(rows.map((row) => row.value))];
  const numeric = values.every((value) => value.trim() !== '' && Number.isFinite(Number(value)));
  return numeric ? values.sort((a, b) => Number(a) - Number(b)) : values;
}

export interface RunPoint {
  runId: string;
  name: string;
  strategy: Strategy;
  flops: number;
  success: number;
}

export interface FrontierPoint {
  strategy: Strategy;
  flops: number;
  success: number;
}

/** A log axis has no place for zero compute, nor a number that is not one. */
const onLogAxis = (flops: number, success: number): boolean =>
  Number.isFinite(flops) && flops > 0 && Number.isFinite(success);

/** The Pareto frontier of each strategy as the analysis found it, by rising compute. */
export function frontierPoints(summary: AnalysisSummary, heldOut: HeldOutSet): FrontierPoint[] {
  return STRATEGIES.flatMap((strategy) =>
    (summary.pareto[heldOut][strategy] ?? [])
      .map(([flops, success]) => ({ strategy, flops, success }))
      .filter((point) => onLogAxis(point.flops, point.success))
      .sort((a, b) => a.flops - b.flops),
  );
}

/** Every evaluation of every run on the held-out set: one learning curve per run. */
export function curvePoints(runs: readonly AnalysedRun[], heldOut: HeldOutSet): RunPoint[] {
  return runs.flatMap((run) =>
    run.curve
      .map((point) => ({
        runId: run.runId,
        name: run.name,
        strategy: run.strategy,
        flops: point.flops,
        success: point[heldOut],
      }))
      .filter((point) => onLogAxis(point.flops, point.success)),
  );
}

/**
 * The evaluations the Pareto frontier is built from, by the analysis's own rule (an RL run's count
 * once it has made an RL update), with the run each one belongs to.
 */
export function frontierCandidates(runs: readonly AnalysedRun[], heldOut: HeldOutSet): RunPoint[] {
  return runs.flatMap((run) =>
    evaluationsShowingStrategy([run], heldOut)
      .map(([flops, success]) => ({
        runId: run.runId,
        name: run.name,
        strategy: run.strategy,
        flops,
        success,
      }))
      .filter((point) => onLogAxis(point.flops, point.success)),
  );
}

export interface TaskCell {
  /** The run's row label: its name, with its id's start where two runs share a name. */
  run: string;
  task: string;
  success: number;
}

/** Success per task of each run at its selected checkpoint; rows by strategy, then name. */
export function taskCells(runs: readonly AnalysedRun[]): {
  cells: TaskCell[];
  runs: string[];
  tasks: string[];
} {
  const ordered = [...runs].sort(
    (a, b) => STRATEGIES.indexOf(a.strategy) - STRATEGIES.indexOf(b.strategy) || a.name.localeCompare(b.name),
  );
  const nameCounts = new Map<string, number>();
  for (const run of ordered) nameCounts.set(run.name, (nameCounts.get(run.name) ?? 0) + 1);
  const labelOf = (run: AnalysedRun): string =>
    (nameCounts.get(run.name) ?? 0) > 1 ? `${run.name} (${run.runId.slice(0, 6)})` : run.name;
  const cells = ordered.flatMap((run) =>
    Object.entries(run.perTask)
      .filter(([, success]) => Number.isFinite(success))
      .map(([task, success]) => ({ run: labelOf(run), task, success })),
  );
  const tasks = [...new Set(cells.map((cell) => cell.task))].sort();
  const rows = [...new Set(cells.map((cell) => cell.run))];
  return { cells, runs: rows, tasks };
}
