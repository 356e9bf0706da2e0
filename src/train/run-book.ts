import type { Tokenizer } from '../agent/tokenizer.ts';
import type { Engine } from '../engine/engine.ts';
import type { EpisodeResult } from '../env/episode.ts';
import type { MetricRecord, RunRecord, RunStatus } from '../store/records.ts';
import type { LabStore } from '../store/store.ts';
import type { RunState } from '../store/records.ts';
import { trainingFlops } from './state.ts';

/**
 * The run's bookkeeping, kept apart from its schedule (run.ts): the stored record and its status,
 * metric rows, checkpoints, wall time, and the events the page and the CLI follow. Every row and
 * checkpoint carries the state after its step, so a resumed run recomputes exactly what came after
 * its last checkpoint and each row is stored once.
 */

export type RunEvent =
  | { type: 'status'; status: RunStatus; message: string }
  | { type: 'progress'; what: string; done: number; total: number; etaMs: number | null }
  | { type: 'metric'; metric: MetricRecord }
  | { type: 'checkpoint'; step: number }
  | { type: 'notice'; message: string }
  | { type: 'episode'; result: EpisodeResult };

export class RunBook {
  /** The step of the last checkpoint saved or resumed from (-1: none yet). */
  lastCheckpointStep = -1;
  private wallBase = 0;
  private segmentStart: number;

  constructor(
    public run: RunRecord,
    private readonly store: LabStore,
    private readonly now: () => number,
    private readonly onEvent?: (event: RunEvent) => void,
  ) {
    this.segmentStart = now();
  }

  /** Wall time counts from the state's own, so pauses between segments are left out. */
  resumeClock(state: RunState): void {
    this.wallBase = state.wallMs;
    this.segmentStart = this.now();
  }

  syncWall(state: RunState): void {
    state.wallMs = this.wallBase + (this.now() - this.segmentStart);
  }

  /**
   * One curve row at the state's step: against training compute (evaluation excluded, as in the
   * paper), with the whole compute breakdown beside it.
   */
  async metric(
    state: RunState,
    kind: MetricRecord['kind'],
    values: Record<string, number>,
    perTask?: Record<string, number>,
  ): Promise<void> {
    this.syncWall(state);
    state.rowsRecorded++;
    const metric: MetricRecord = {
      runId: this.run.id,
      kind,
      step: state.step,
      phase: state.phase,
      flops: trainingFlops(state.compute),
      compute: { ...state.compute },
      wallMs: state.wallMs,
      values,
      ...(perTask ? { perTask } : {}),
    };
    await this.store.putMetrics([metric]);
    this.emit({ type: 'metric', metric });
  }

  /** Saves the model, the optimizer and the state after this step; a resume starts here. */
  async checkpoint(state: RunState, engine: Engine, tokenizer: Tokenizer): Promise<void> {
    this.syncWall(state);
    const saved = await engine.saveCheckpoint();
    const snapshot = structuredClone(state);
    await this.store.putCheckpoint({
      runId: this.run.id,
      step: snapshot.step,
      phase: snapshot.phase,
      flops: trainingFlops(snapshot.compute),
      createdAt: this.now(),
      weights: saved.weights,
      optimizer: saved.optimizer ?? null,
      tokenizer: tokenizer.spec,
      state: snapshot,
    });
    this.lastCheckpointStep = snapshot.step;
    await this.save({ state: snapshot });
    this.emit({ type: 'checkpoint', step: snapshot.step });
  }

  /** Removes what came after `step` (-1: everything), so a recomputed row or checkpoint is stored once. */
  async forgetAfter(step: number): Promise<void> {
    await this.store.deleteMetricsAfter(this.run.id, step);
    await this.store.deleteCheckpointsAfter(this.run.id, step);
  }

  async save(changes: Partial<RunRecord>): Promise<void> {
    this.run = { ...this.run, ...changes, updatedAt: this.now() };
    await this.store.putRun(this.run);
  }

  async setStatus(status: RunStatus, message: string): Promise<void> {
    await this.save({ status, ...(status === 'running' ? { error: null } : {}) });
    this.emit({ type: 'status', status, message });
  }

  emit(event: RunEvent): void {
    this.onEvent?.(event);
  }
}
