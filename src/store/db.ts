import Dexie, { type Table, type Transaction, type TransactionMode } from 'dexie';
import type {
  CheckpointInfo,
  CheckpointRecord,
  DatasetRecord,
  MetricRecord,
  RunRecord,
  SweepRecord,
  TraceRecord,
} from './records.ts';
import {
  checkpointInfo,
  checkStep,
  checkImport,
  datasetForStorage,
  type ImportOutcome,
  type ImportRecords,
  importWhat,
  type LabStore,
  METRIC_KINDS,
  metricOrder,
  newestFirst,
  runForStorage,
  runFromStorage,
  RunLockedError,
  type RunLock,
  plural,
  StoreFullError,
  traceForStorage,
} from './store.ts';

/** A checkpoint's parameters and optimizer moments, kept apart from its info so listings never read them. */
interface CheckpointBuffers {
  runId: string;
  step: number;
  weights: ArrayBuffer;
  optimizer: ArrayBuffer | null;
}

/**
 * The schema, one entry per version. A later version appends an entry with the tables it changes
 * and an `upgrade` that rewrites old records; Dexie runs every upgrade between the stored version and
 * the newest, so a browser that skipped versions still migrates.
 */
const SCHEMA_VERSIONS: {
  version: number;
  stores: Record<string, string>;
  upgrade?: (transaction: Transaction) => Promise<void>;
}[] = [
  {
    version: 1,
    stores: {
      datasets: 'id',
      traces: '++id, datasetId',
      runs: 'id, updatedAt',
      metrics: '[runId+kind+step], runId',
      checkpoints: '[runId+step], runId',
      checkpointBuffers: '[runId+step], runId',
    },
  },
  // Sweeps get their own table; runs stored before lineage existed get theirs when read (runFromStorage).
  { version: 2, stores: { sweeps: 'id, updatedAt' } },
];

export class LabDatabase extends Dexie {
  // `declare`, not fields: class fields would overwrite the tables Dexie sets up in its constructor.
  declare datasets: Table<DatasetRecord, string>;
  declare traces: Table<TraceRecord, number>;
  declare runs: Table<RunRecord, string>;
  declare metrics: Table<MetricRecord, [string, string, number]>;
  declare checkpoints: Table<CheckpointInfo, [string, number]>;
  declare checkpointBuffers: Table<CheckpointBuffers, [string, number]>;
  declare sweeps: Table<SweepRecord, string>;

  constructor(name: string, options: DexieStoreOptions) {
    super(name, options);
    for (const { version, stores, upgrade } of SCHEMA_VERSIONS) {
      const declared = this.version(version).stores(stores);
      if (upgrade !== undefined) declared.upgrade(upgrade);
    }
  }
}

export interface DexieStoreOptions {
  /** Another IndexedDB (fake-indexeddb in Node tests); the page's by default. */
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
}

/** The lab's store in the page: IndexedDB through Dexie, surviving reloads. */
export class DexieStore implements LabStore {
  /** Exposed for tests (middleware) and for migrations run by hand. */
  readonly db: LabDatabase;

  constructor(name = 'web-agent-lab', options: DexieStoreOptions = {}) {
    this.db = new LabDatabase(name, options);
  }

  close(): void {
    this.db.close();
  }

  /** One read-write transaction; a quota refusal becomes StoreFullError naming `what`. */
  private async write(what: string, tables: Table[], body: () => Promise<void>): Promise<void> {
    await this.transaction('rw', tables, body).catch((error: unknown) => {
      throw isQuotaError(error) ? new StoreFullError(what) : error;
    });
  }

  private transaction<T>(mode: TransactionMode, tables: Table[], body: () => Promise<T>): Promise<T> {
    return this.db.transaction(mode, tables, body);
  }

  async putDataset(dataset: DatasetRecord): Promise<void> {
    await this.write(`dataset "${dataset.name}"`, [this.db.datasets], async () => {
      await this.db.datasets.put(datasetForStorage(dataset));
    });
  }

  getDataset(id: string): Promise<DatasetRecord | undefined> {
    return this.db.datasets.get(id);
  }

  async listDatasets(): Promise<DatasetRecord[]> {
    return (await this.db.datasets.toArray()).sort(newestFirst);
  }

  async deleteDataset(id: string): Promise<void> {
    await this.write(`the deletion of dataset ${id}`, [this.db.datasets, this.db.traces], async () => {
      await this.db.traces.where('datasetId').equals(id).delete();
      await this.db.datasets.delete(id);
    });
  }

  async addTraces(traces: readonly TraceRecord[]): Promise<void> {
    if (traces.length === 0) return;
    const datasets = [...new Set(traces.map((trace) => trace.datasetId))].join(', ');
    await this.write(
      `${plural(traces.length, 'trace')} of dataset ${datasets}`,
      [this.db.traces],
      async () => {
        await this.db.traces.bulkAdd(traces.map(traceForStorage));
      },
    );
  }

  traces(datasetId: string): Promise<TraceRecord[]> {
    // The primary key is auto-incremented, so sorting by it gives the order of addition.
    return this.db.traces.where('datasetId').equals(datasetId).sortBy('id');
  }

  async putRun(run: RunRecord): Promise<void> {
    await this.write(`run "${run.name}"`, [this.db.runs], async () => {
      await this.db.runs.put(runForStorage(run));
    });
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const run = await this.db.runs.get(id);
    return run && runFromStorage(run);
  }

  async listRuns(): Promise<RunRecord[]> {
    return (await this.db.runs.toArray()).map(runFromStorage).sort(newestFirst);
  }

  /**
   * A Web Lock named after the database and the run: the browser frees it when its tab closes or
   * reloads, so a run cut off that way can be resumed at once. Without Web Locks (Node tests on
   * fake-indexeddb), a lock of this JavaScript realm.
   */
  async lockRun(runId: string): Promise<RunLock> {
    const name = `web-agent-lab:${this.db.name}:run:${runId}`;
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    if (locks === undefined) return realmLock(name, runId);
    return new Promise<RunLock>((resolve, reject) => {
      locks
        .request(name, { ifAvailable: true }, async (lock) => {
          if (lock === null) throw new RunLockedError(runId, 'in another tab or window of this browser');
          await new Promise<void>((released) => resolve({ release: async () => released() }));
        })
        .catch(reject);
    });
  }

  async putSweep(sweep: SweepRecord): Promise<void> {
    await this.write(`sweep "${sweep.name}"`, [this.db.sweeps], async () => {
      await this.db.sweeps.put(sweep);
    });
  }

  getSweep(id: string): Promise<SweepRecord | undefined> {
    return this.db.sweeps.get(id);
  }

  async listSweeps(): Promise<SweepRecord[]> {
    return (await this.db.sweeps.toArray()).sort(newestFirst);
  }

  async deleteSweep(id: string): Promise<void> {
    await this.write(`the deletion of sweep ${id}`, [this.db.sweeps], async () => {
      await this.db.sweeps.delete(id);
    });
  }

  async deleteRun(id: string): Promise<void> {
    const { runs, metrics, checkpoints, checkpointBuffers } = this.db;
    await this.write(
      `the deletion of run ${id}`,
      [runs, metrics, checkpoints, checkpointBuffers],
      async () => {
        await metrics.where('runId').equals(id).delete();
        await checkpoints.where('runId').equals(id).delete();
        await checkpointBuffers.where('runId').equals(id).delete();
        await runs.delete(id);
      },
    );
  }

  async putMetrics(metrics: readonly MetricRecord[]): Promise<void> {
    if (metrics.length === 0) return;
    for (const metric of metrics) checkStep(metric.step, `A metric row of run ${metric.runId}`);
    const runs = [...new Set(metrics.map((metric) => metric.runId))].join(', ');
    await this.write(
      `${plural(metrics.length, 'metric row')} of run ${runs}`,
      [this.db.metrics],
      async () => {
        await this.db.metrics.bulkPut([...metrics]);
      },
    );
  }

  /** One read-write transaction over sweeps, runs and metrics: a failure anywhere in it undoes all of it. */
  async importRecords(records: ImportRecords): Promise<ImportOutcome> {
    const checked = checkImport(records);
    const { sweeps, runs, metrics } = this.db;
    const outcome: ImportOutcome = { runs: { added: [], skipped: [] }, sweeps: { added: [], skipped: [] } };
    await this.write(importWhat(checked), [sweeps, runs, metrics], async () => {
      const storedSweeps = await sweeps.bulkGet(checked.sweeps.map((sweep) => sweep.id));
      const newSweeps = checked.sweeps.filter((sweep, i) => {
        outcome.sweeps[storedSweeps[i] === undefined ? 'added' : 'skipped'].push(sweep.id);
        return storedSweeps[i] === undefined;
      });
      const storedRuns = await runs.bulkGet(checked.runs.map(({ run }) => run.id));
      const newRuns = checked.runs.filter(({ run }, i) => {
        outcome.runs[storedRuns[i] === undefined ? 'added' : 'skipped'].push(run.id);
        return storedRuns[i] === undefined;
      });
      await sweeps.bulkAdd(newSweeps);
      for (const { run } of newRuns) {
        // Rows of a run that is not stored (an older import cut after its metrics) give way to the file's.
        await metrics.where('runId').equals(run.id).delete();
      }
      await metrics.bulkAdd(newRuns.flatMap(({ metrics: rows }) => rows));
      await runs.bulkAdd(newRuns.map(({ run }) => runForStorage(run)));
    });
    return outcome;
  }

  async metrics(runId: string, kind?: MetricRecord['kind']): Promise<MetricRecord[]> {
    const index = this.db.metrics.where('[runId+kind+step]');
    if (kind !== undefined) {
      return index.between([runId, kind, Dexie.minKey], [runId, kind, Dexie.maxKey]).toArray();
    }
    const rows = await index
      .between([runId, Dexie.minKey, Dexie.minKey], [runId, Dexie.maxKey, Dexie.maxKey])
      .toArray();
    return rows.sort(metricOrder);
  }

  async deleteMetricsAfter(runId: string, afterStep: number): Promise<void> {
    await this.write(`the deletion of metrics of run ${runId}`, [this.db.metrics], async () => {
      for (const kind of METRIC_KINDS) {
        await this.db.metrics
          .where('[runId+kind+step]')
          .between([runId, kind, afterStep], [runId, kind, Dexie.maxKey], false, true)
          .delete();
      }
    });
  }

  async putCheckpoint(checkpoint: CheckpointRecord): Promise<void> {
    const { runId, step, weights, optimizer } = checkpoint;
    checkStep(step, `A checkpoint of run ${runId}`);
    const what = `the checkpoint at step ${step} of run ${runId}`;
    await this.write(what, [this.db.checkpoints, this.db.checkpointBuffers], async () => {
      await this.db.checkpointBuffers.put({ runId, step, weights, optimizer });
      await this.db.checkpoints.put(checkpointInfo(checkpoint));
    });
  }

  getCheckpoint(runId: string, step: number): Promise<CheckpointRecord | undefined> {
    return this.transaction('r', [this.db.checkpoints, this.db.checkpointBuffers], async () => {
      const info = await this.db.checkpoints.get([runId, step]);
      return info === undefined ? undefined : this.withBuffers(info);
    });
  }

  latestCheckpoint(runId: string): Promise<CheckpointRecord | undefined> {
    return this.transaction('r', [this.db.checkpoints, this.db.checkpointBuffers], async () => {
      const info = await this.db.checkpoints
        .where('[runId+step]')
        .between([runId, Dexie.minKey], [runId, Dexie.maxKey])
        .last();
      return info === undefined ? undefined : this.withBuffers(info);
    });
  }

  listCheckpoints(runId: string): Promise<CheckpointInfo[]> {
    return this.db.checkpoints
      .where('[runId+step]')
      .between([runId, Dexie.minKey], [runId, Dexie.maxKey])
      .toArray();
  }

  async deleteCheckpointsAfter(runId: string, afterStep: number): Promise<void> {
    const { checkpoints, checkpointBuffers } = this.db;
    await this.write(
      `the deletion of checkpoints of run ${runId}`,
      [checkpoints, checkpointBuffers],
      async () => {
        for (const table of [checkpoints, checkpointBuffers]) {
          await table
            .where('[runId+step]')
            .between([runId, afterStep], [runId, Dexie.maxKey], false, true)
            .delete();
        }
      },
    );
  }

  /** Inside a transaction over both checkpoint tables. */
  private async withBuffers(info: CheckpointInfo): Promise<CheckpointRecord> {
    const buffers = await this.db.checkpointBuffers.get([info.runId, info.step]);
    if (buffers === undefined) {
      throw new Error(
        `The checkpoint at step ${info.step} of run ${info.runId} has lost its weights: delete it ` +
          '(or resume from an earlier one).',
      );
    }
    const { bytes: _bytes, ...rest } = info;
    return { ...rest, weights: buffers.weights, optimizer: buffers.optimizer };
  }
}

/**
 * Browsers report a full quota as a QuotaExceededError, which Dexie may wrap (an AbortError of the
 * transaction with the cause as `inner`, or a BulkError listing failures), so the cause is searched.
 */
export function isQuotaError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { name, inner, cause, failures } = error as {
    name?: unknown;
    inner?: unknown;
    cause?: unknown;
    failures?: unknown;
  };
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
  const nested = [inner, cause, ...(Array.isArray(failures) ? failures : [])];
  return nested.some((candidate) => isQuotaError(candidate, depth + 1));
}

const realmLocks = new Set<string>();

function realmLock(name: string, runId: string): RunLock {
  if (realmLocks.has(name)) throw new RunLockedError(runId, 'in this page');
  realmLocks.add(name);
  return { release: async () => void realmLocks.delete(name) };
}
