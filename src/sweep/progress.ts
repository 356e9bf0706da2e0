import type { RunRecord, RunStatus } from '../store/records.ts';
import { trainingFlops } from '../train/state.ts';
import type { PlannedRun } from './types.ts';

/**
 * Progress of a sweep, per run and as a whole, with an ETA. A run's progress is its training
 * FLOPs (evaluation excluded, as on every curve) over its planned estimate, capped below 1 until it
 * finishes. The ETA divides the FLOPs left (each unfinished run's estimate less what it has done)
 * by the rate measured in this session: training FLOPs done since the queue started (summed from
 * metric rows) over the wall time since then. The wall time includes evaluations, rollouts and checkpoints, so their cost is
 * in the rate, spread in proportion to training FLOPs; runs that hold more or less evaluation per
 * FLOP than the ones measured so far make it drift. No ETA until some FLOPs are measured.
 */

export interface SweepRunProgress {
  key: string;
  runId: string;
  name: string;
  status: RunStatus | 'waiting';
  /** Owned by this shard (exported), or trained here only as a parent of an owned run. */
  role: 'own' | 'prerequisite';
  /** Training FLOPs done so far. */
  flops: number;
  estimatedFlops: number;
  /** 0..1: FLOPs over the estimate while it runs (at most 0.99), 1 once finished. */
  fraction: number;
}

export interface SweepProgress {
  runs: SweepRunProgress[];
  /** Runs of this shard finished, of its own. */
  finished: number;
  total: number;
  /** 0..1 over every run this queue trains, by estimated FLOPs. */
  fraction: number;
  /** Training FLOPs per second measured in this session; null before the first measure. */
  flopsPerSecond: number | null;
  etaMs: number | null;
}

/** The largest fraction an unfinished run shows: the estimate is an estimate. */
const UNFINISHED_CAP = 0.99;

export class ProgressTracker {
  private readonly entries = new Map<string, SweepRunProgress>();
  /**
   * Each run's FLOPs at its last metric row in this session. The rate sums the growth between rows,
   * so neither a resumed run's earlier work nor a branched run's inherited SFT counts as done now.
   */
  private readonly lastRowFlops = new Map<string, number>();
  private measured = 0;
  private readonly startedAt: number;

  constructor(
    runs: readonly { planned: PlannedRun; role: 'own' | 'prerequisite' }[],
    private readonly now: () => number,
  ) {
    this.startedAt = now();
    for (const { planned, role } of runs) {
      this.entries.set(planned.runId, {
        key: planned.key,
        runId: planned.runId,
        name: planned.name,
        status: 'waiting',
        role,
        flops: 0,
        estimatedFlops: planned.estimatedFlops,
        fraction: 0,
      });
    }
  }

  /** A stored record: its status and FLOPs as they stand. */
  fromRecord(run: RunRecord): void {
    this.update(run.id, { status: run.status, flops: trainingFlops(run.state.compute) });
  }

  status(runId: string, status: RunStatus): void {
    this.update(runId, { status });
  }

  /** A metric row's FLOPs (the axis of every curve). */
  flops(runId: string, flops: number): void {
    const last = this.lastRowFlops.get(runId);
    if (last !== undefined) this.measured += Math.max(0, flops - last);
    this.lastRowFlops.set(runId, flops);
    this.update(runId, { flops });
  }

  snapshot(): SweepProgress {
    const runs = [...this.entries.values()].map((entry) => ({ ...entry }));
    const own = runs.filter((run) => run.role === 'own');
    const estimated = runs.reduce((sum, run) => sum + run.estimatedFlops, 0);
    const done = runs.reduce((sum, run) => sum + run.fraction * run.estimatedFlops, 0);
    const left = runs.reduce(
      (sum, run) => sum + (run.status === 'finished' ? 0 : Math.max(0, run.estimatedFlops - run.flops)),
      0,
    );
    const elapsedMs = this.now() - this.startedAt;
    const flopsPerSecond = this.measured > 0 && elapsedMs > 0 ? this.measured / (elapsedMs / 1000) : null;
    return {
      runs,
      finished: own.filter((run) => run.status === 'finished').length,
      total: own.length,
      fraction: estimated > 0 ? done / estimated : runs.every((run) => run.status === 'finished') ? 1 : 0,
      flopsPerSecond,
      etaMs: flopsPerSecond === null ? null : (left / flopsPerSecond) * 1000,
    };
  }

  private update(runId: string, changes: Partial<Pick<SweepRunProgress, 'status' | 'flops'>>): void {
    const entry = this.entries.get(runId);
    if (!entry) return;
    Object.assign(entry, changes);
    entry.fraction =
      entry.status === 'finished'
        ? 1
        : entry.estimatedFlops > 0
          ? Math.min(UNFINISHED_CAP, entry.flops / entry.estimatedFlops)
          : 0;
  }
}
