import type { EpisodeStep } from '../env/episode.ts';
import type {
  CheckpointInfo,
  CheckpointRecord,
  DatasetRecord,
  MetricRecord,
  RunLineage,
  RunRecord,
  StoredSettings,
  SweepRecord,
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
  /** Newest first. */
  listDatasets(): Promise<DatasetRecord[]>;
  /** The dataset and its traces. */
  deleteDataset(id: string): Promise<void>;
  /** Each trace gets a new id (its `id` is ignored); a model's token samples are dropped from its steps. */
  addTraces(traces: readonly TraceRecord[]): Promise<void>;
  /** In the order they were added, with their ids. */
  traces(datasetId: string): Promise<TraceRecord[]>;

  putRun(run: RunRecord): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Newest first. */
  listRuns(): Promise<RunRecord[]>;
  /** The run, its metrics and its checkpoints. */
  deleteRun(id: string): Promise<void>;

  /** Inserts or replaces by [runId, kind, step]. */
  putMetrics(metrics: readonly MetricRecord[]): Promise<void>;
  /** In step order; at one step, the training row before the evaluation. */
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

  putSweep(sweep: SweepRecord): Promise<void>;
  getSweep(id: string): Promise<SweepRecord | undefined>;
  /** Newest first. */
  listSweeps(): Promise<SweepRecord[]>;
  /** The sweep record only: its runs stay (delete them with deleteRun). */
  deleteSweep(id: string): Promise<void>;

  /**
   * Holds a run while it executes, so a second execution of it (another tab, another lab command on
   * the same store folder) is refused with RunLockedError instead of both writing its rows. A holder
   * that died (a closed tab, a killed process) leaves no lock behind.
   */
  lockRun(runId: string): Promise<RunLock>;

  /**
   * Adds the sweeps and runs (each with its metric rows) that the store lacks, all or nothing: a
   * sweep or run whose id is already stored is skipped and left as it is, its metrics included; a
   * run's rows that share [kind, step] keep the last one. Checked first (checkImport), so a bad
   * record fails before anything is written; a failure while writing (StoreFullError) leaves the
   * store as it was.
   */
  importRecords(records: ImportRecords): Promise<ImportOutcome>;
}

export interface RunLock {
  release(): Promise<void>;
}

/** What an import writes: sweeps, and runs with their metric rows. */
export interface ImportRecords {
  sweeps: readonly SweepRecord[];
  runs: readonly { run: RunRecord; metrics: readonly MetricRecord[] }[];
}

/** The ids an import wrote, and those it skipped because the store already held them. */
export interface ImportOutcome {
  runs: { added: string[]; skipped: string[] };
  sweeps: { added: string[]; skipped: string[] };
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

/**
 * What the store was given or found cannot be used as it is: an id that is no file name, a file where
 * a folder belongs, a record not written by the lab. The message says what to move, fix or delete; it
 * is the user's to act on, not a bug in the lab.
 */
export class StoreInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreInputError';
  }
}

/** The run is executing elsewhere: the user waits for it, or pauses it there. */
export class RunLockedError extends StoreInputError {
  constructor(runId: string, where: string) {
    super(
      `Run ${runId} is already executing ${where}. Wait for it to end, or pause it there, then resume it; ` +
        'two executions of one run would each write its metric rows and checkpoints.',
    );
    this.name = 'RunLockedError';
  }
}

/*
 * What both implementations share, so they keep the same records in the same order.
 */

/** Newest first; ties (same millisecond) by id, so listings are stable. */
export function newestFirst(
  a: { createdAt: number; id: string },
  b: { createdAt: number; id: string },
): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const KIND_ORDER: Record<MetricRecord['kind'], number> = { train: 0, eval: 1 };
export const METRIC_KINDS = Object.keys(KIND_ORDER) as MetricRecord['kind'][];

/** Step order; the evaluation at a step comes after that step's training row. */
export function metricOrder(a: MetricRecord, b: MetricRecord): number {
  return a.step - b.step || KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
}

/** Keys are checked before anything is written, so a bad step never reaches a file name or an index. */
export function checkStep(step: number, what: string): void {
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new Error(`${what} has step ${step}: steps are whole numbers from 0 (optimizer steps).`);
  }
}

/**
 * Ids of imported records must be usable as file names in either store (FileStore names files by
 * them), so a file imports into the page exactly when it imports into a folder.
 */
export function checkId(id: string, what?: string): string {
  if (!isStorableId(id)) {
    throw new StoreInputError(
      `${what === undefined ? '' : `${what} `}"${id}" cannot be stored as a file name: ids are letters, digits, '.', '_' and '-' (not ` +
        "first), at most 200 characters, like the lab's own ids (crypto.randomUUID()).",
    );
  }
  return id;
}

export function isStorableId(id: string): boolean {
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(id) && id.length <= 200;
}

/** One row per [kind, step], the last given winning (as a put replaces), in step order. */
export function uniqueMetrics(rows: readonly MetricRecord[]): MetricRecord[] {
  const byKey = new Map(rows.map((row) => [`${row.kind}:${row.step}`, row]));
  return [...byKey.values()].sort(metricOrder);
}

/**
 * The rules both stores apply to an import before writing anything: ids that can be file names and
 * appear once, steps that are keys, rows filed under their own run. Returns the records to write,
 * each run's rows made unique.
 */
export function checkImport(records: ImportRecords): ImportRecords {
  const seen = new Set<string>();
  for (const [kind, ids] of [
    ['sweep', records.sweeps.map((sweep) => sweep.id)],
    ['run', records.runs.map(({ run }) => run.id)],
  ] as const) {
    seen.clear();
    for (const id of ids) {
      checkId(id, `The ${kind} id`);
      if (seen.has(id))
        throw new StoreInputError(`The import holds ${kind} ${id} twice: give each ${kind} once.`);
      seen.add(id);
    }
  }
  const runs = records.runs.map(({ run, metrics }) => {
    for (const row of metrics) {
      checkStep(row.step, `A metric row of run ${row.runId}`);
      if (row.runId !== run.id) {
        throw new StoreInputError(
          `A metric row of run ${row.runId} is filed under run ${run.id}: each run carries only its own rows.`,
        );
      }
    }
    return { run, metrics: uniqueMetrics(metrics) };
  });
  return { sweeps: records.sweeps, runs };
}

/** "2 runs and 1 sweep": what an import names when it cannot be saved. */
export function importWhat(records: ImportRecords): string {
  const rows = records.runs.reduce((sum, { metrics }) => sum + metrics.length, 0);
  return `the import of ${plural(records.runs.length, 'run')} (${plural(rows, 'metric row')}) and ${plural(records.sweeps.length, 'sweep')}`;
}

/** Settings as they are stored: every field named apiKey blanked, at any depth. */
export function withoutApiKeys(settings: StoredSettings): StoredSettings {
  const blank = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(blank);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, field]) => [key, key === 'apiKey' ? '' : blank(field)]),
    );
  };
  return blank(settings) as StoredSettings;
}

/** A run as it is stored: an LLM key never reaches storage, whoever calls putRun. */
export function runForStorage(run: RunRecord): RunRecord {
  return { ...run, config: withoutApiKeys(run.config) };
}

/**
 * The lineage a stored configuration implies outside a sweep: RL that branches from an SFT checkpoint
 * or trains after its own SFT phase is SFT+RL, RL alone is RL, no RL is SFT. The store reads the
 * configuration loosely (train/ owns its schema); createRun adds a sweep's facts on top.
 */
export function derivedLineage(config: StoredSettings): RunLineage {
  const field = (section: string, name: string): unknown =>
    (config[section] as Record<string, unknown> | undefined)?.[name];
  const branch = config['branch'] as { runId?: unknown; step?: unknown } | null | undefined;
  const parent =
    branch && typeof branch.runId === 'string' && typeof branch.step === 'number'
      ? { runId: branch.runId, step: branch.step }
      : null;
  const rl = Number(field('rl', 'iterations') ?? 0) > 0;
  const sft = Number(field('sft', 'steps') ?? 0) > 0 || parent !== null;
  return {
    sweepId: null,
    strategy: !rl ? 'sft' : sft ? 'sft+rl' : 'rl',
    parent,
    sftAmount: null,
    hyperparameters: {},
  };
}

/** A run as read back: records stored before lineage existed get the one their configuration implies. */
export function runFromStorage(run: RunRecord): RunRecord {
  return (run as Partial<RunRecord>).lineage ? run : { ...run, lineage: derivedLineage(run.config) };
}

export function datasetForStorage(dataset: DatasetRecord): DatasetRecord {
  return { ...dataset, teacher: withoutApiKeys(dataset.teacher) };
}

/** A trace as it is stored: text only, even when the caller passes a model's steps with their samples. */
export function traceForStorage(trace: TraceRecord): TraceRecord {
  const { id: _id, ...rest } = trace;
  return {
    ...rest,
    steps: trace.steps.map((step) => {
      const { sample: _sample, ...text } = step as EpisodeStep;
      return text;
    }),
  };
}

export function checkpointInfo(checkpoint: CheckpointRecord): CheckpointInfo {
  const { weights, optimizer, ...info } = checkpoint;
  return { ...info, bytes: weights.byteLength + (optimizer?.byteLength ?? 0) };
}

/** "1 metric row", "3 metric rows": for messages naming what could not be saved. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
