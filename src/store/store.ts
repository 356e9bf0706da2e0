import type {
  CheckpointInfo,
  CheckpointRecord,
  DatasetRecord,
  MetricRecord,
  RunRecord,
  TraceRecord,
} from './records.ts';

export type * from './records.ts';

/**
 * CONTRACT: the lab's storage, one interface with two implementations: DexieStore (IndexedDB, in
 * the page: survives reloads) and FileStore (a folder, for headless runs in Node). train/ and app/
 * only see this interface. Writes that exceed the storage quota reject with StoreFullError, whose
 * message says what to delete or export; nothing already stored is lost.
 */
export interface LabStore {
  putDataset(dataset: DatasetRecord): Promise<void>;
  getDataset(id: string): Promise<DatasetRecord | undefined>;
  listDatasets(): Promise<DatasetRecord[]>;
  /** The dataset and its traces. */
  deleteDataset(id: string): Promise<void>;
  addTraces(traces: readonly TraceRecord[]): Promise<void>;
  traces(datasetId: string): Promise<TraceRecord[]>;

  putRun(run: RunRecord): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Newest first. */
  listRuns(): Promise<RunRecord[]>;
  /** The run, its metrics and its checkpoints. */
  deleteRun(id: string): Promise<void>;

  /** Inserts or replaces by [runId, kind, step]. */
  putMetrics(metrics: readonly MetricRecord[]): Promise<void>;
  /** In step order. */
  metrics(runId: string, kind?: MetricRecord['kind']): Promise<MetricRecord[]>;
  /** Removes the run's metrics with step > afterStep (a resume recomputes them). */
  deleteMetricsAfter(runId: string, afterStep: number): Promise<void>;

  /** Inserts or replaces by [runId, step]. */
  putCheckpoint(checkpoint: CheckpointRecord): Promise<void>;
  getCheckpoint(runId: string, step: number): Promise<CheckpointRecord | undefined>;
  /** The checkpoint with the highest step. */
  latestCheckpoint(runId: string): Promise<CheckpointRecord | undefined>;
  /** In step order, without their buffers. */
  listCheckpoints(runId: string): Promise<CheckpointInfo[]>;
  deleteCheckpointsAfter(runId: string, afterStep: number): Promise<void>;
}

/** A write refused by the storage quota: nothing was lost, but nothing more can be saved until space is freed. */
export class StoreFullError extends Error {
  constructor(what: string) {
    super(
      `Storage is full: could not save ${what}. Nothing already stored was lost. Export and delete old ` +
        'runs or checkpoints (Results page), or delete datasets you no longer need, then resume.',
    );
    this.name = 'StoreFullError';
  }
}
