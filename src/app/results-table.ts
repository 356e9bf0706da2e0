import type { RunRecord, Strategy } from '../store/records.ts';
import { trainingFlops } from '../train/state.ts';

/**
 * The Results page's run table: one row per stored run, finished or not, and the order a click on
 * a column heading puts them in. A run with no figure yet (no summary) sorts after every run with one.
 */

export interface RunRow {
  id: string;
  name: string;
  strategy: Strategy;
  sftAmount: number | null;
  status: RunRecord['status'];
  /** Held-out success at the selected checkpoint; null before the run has a summary. */
  goals: number | null;
  tasks: number | null;
  /** Training FLOPs of the whole run (evaluation excluded), so far for a run not finished. */
  flops: number;
}

export type RunColumn = Exclude<keyof RunRow, 'id'>;

export interface RunSort {
  column: RunColumn;
  descending: boolean;
}

export const RUN_COLUMNS: readonly { column: RunColumn; label: string; numeric: boolean }[] = [
  { column: 'name', label: 'Run', numeric: false },
  { column: 'strategy', label: 'Strategy', numeric: false },
  { column: 'sftAmount', label: 'SFT amount', numeric: true },
  { column: 'status', label: 'Status', numeric: false },
  { column: 'goals', label: 'Held-out goals', numeric: true },
  { column: 'tasks', label: 'Held-out tasks', numeric: true },
  { column: 'flops', label: 'Training FLOPs', numeric: true },
];

export function runRow(run: RunRecord): RunRow {
  return {
    id: run.id,
    name: run.name,
    strategy: run.lineage.strategy,
    sftAmount: run.lineage.sftAmount,
    status: run.status,
    goals: run.summary?.heldout_goals_success ?? null,
    tasks: run.summary?.heldout_tasks_success ?? null,
    flops: run.summary?.flops ?? trainingFlops(run.state.compute),
  };
}

/** A new order of the rows; ties keep their previous order (the store's newest first). */
export function sortRows(rows: readonly RunRow[], sort: RunSort): RunRow[] {
  const sign = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[sort.column];
    const y = b[sort.column];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return sign * order;
  });
}

/** A click on a column: the same column flips its direction; another starts with its natural one. */
export function nextSort(current: RunSort | null, column: RunColumn): RunSort {
  if (current?.column === column) return { column, descending: !current.descending };
  const numeric = RUN_COLUMNS.find((c) => c.column === column)?.numeric ?? false;
  // Numbers start from the largest (the best run first), names from A.
  return { column, descending: numeric };
}
