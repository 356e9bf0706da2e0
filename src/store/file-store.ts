import { mkdir, open, readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type {
  CheckpointInfo,
  CheckpointRecord,
  DatasetRecord,
  MetricRecord,
  RunRecord,
  SweepRecord,
  TraceRecord,
} from './records.ts';
import { importFiles, recoverImports, type StagedFile } from './file-import.ts';
import {
  appendLines,
  entryKind,
  fileError,
  listFolder,
  notAFolder,
  readBuffer,
  readJson,
  readLines,
  toJson,
  writeAtomic,
  writeJson,
  writeLines,
} from './file-io.ts';
import {
  checkId,
  checkImport,
  checkpointInfo,
  checkStep,
  datasetForStorage,
  type ImportOutcome,
  type ImportRecords,
  importWhat,
  type LabStore,
  metricOrder,
  newestFirst,
  runForStorage,
  runFromStorage,
  RunLockedError,
  type RunLock,
  plural,
  StoreInputError,
  traceForStorage,
  uniqueMetrics,
} from './store.ts';

/**
 * The lab's store for headless runs in Node (never imported by browser code): the same records as
 * DexieStore, in a folder a person can read and copy.
 *
 *   web-agent-lab-store.json          marks the folder as a store (and its layout version)
 *   datasets/<id>.json
 *   traces/<datasetId>.jsonl          one TraceRecord a line; traces/.next-id numbers them
 *   runs/<id>.json
 *   metrics/<runId>.jsonl             one MetricRecord a line
 *   checkpoints/<runId>/<step>.json   the checkpoint's info; its buffers beside it in
 *                                     <step>.weights.safetensors and <step>.optimizer.safetensors
 *   sweeps/<id>.json
 *   locks/<runId>.lock                held while the run executes: the pid and host of its process
 *   .import-<uuid>/                   an import being written, moved into place whole (file-import.ts)
 *
 * JSON files are written to a temporary file and renamed, so a crash leaves the old file or the new
 * one, never half of one. JSONL files are appended to; a line cut by a crash has no newline, is
 * ignored on reading and cut off before the next append. Writes of one FileStore run one at a time.
 */
export class FileStore implements LabStore {
  private layout: Promise<void> | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {}

  /** Nothing to release: every write is finished when its promise resolves. */
  close(): void {}

  async putDataset(dataset: DatasetRecord): Promise<void> {
    await this.write([dataset.id], async () => {
      const path = await this.path('datasets', dataset.id, '.json');
      await writeJson(path, datasetForStorage(dataset), `dataset "${dataset.name}"`);
    });
  }

  async getDataset(id: string): Promise<DatasetRecord | undefined> {
    return readJson<DatasetRecord>(await this.path('datasets', id, '.json'));
  }

  async listDatasets(): Promise<DatasetRecord[]> {
    return (await this.readAll<DatasetRecord>('datasets')).sort(newestFirst);
  }

  async deleteDataset(id: string): Promise<void> {
    // The record goes first: a crash in between leaves unlisted traces, never a dataset without them.
    await this.write([id], async () => {
      await rm(await this.path('datasets', id, '.json'), { force: true });
      await rm(await this.path('traces', id, '.jsonl'), { force: true });
    });
  }

  async addTraces(traces: readonly TraceRecord[]): Promise<void> {
    if (traces.length === 0) return;
    await this.write(
      traces.map((trace) => trace.datasetId),
      async () => {
        const what = plural(traces.length, 'trace');
        const counter = join(await this.path('traces'), '.next-id');
        const firstId = (await readJson<number>(counter)) ?? 1;
        // Ids are reserved before the traces are written: a crash may skip ids, never reuse them.
        await writeJson(counter, firstId + traces.length, what);
        const lines = traces.map((trace, i) => toJson({ id: firstId + i, ...traceForStorage(trace) }));
        for (const [datasetId, indices] of groupIndices(traces, (trace) => trace.datasetId)) {
          const path = await this.path('traces', datasetId, '.jsonl');
          await appendLines(
            path,
            indices.map((i) => lines[i] as string),
            what,
          );
        }
      },
    );
  }

  async traces(datasetId: string): Promise<TraceRecord[]> {
    return readLines<TraceRecord>(await this.path('traces', datasetId, '.jsonl'));
  }

  async putRun(run: RunRecord): Promise<void> {
    await this.write([run.id], async () => {
      await writeJson(await this.path('runs', run.id, '.json'), runForStorage(run), `run "${run.name}"`);
    });
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const run = await readJson<RunRecord>(await this.path('runs', id, '.json'));
    return run && runFromStorage(run);
  }

  async listRuns(): Promise<RunRecord[]> {
    return (await this.readAll<RunRecord>('runs')).map(runFromStorage).sort(newestFirst);
  }

  /**
   * A lock file created exclusively (O_EXCL), naming the process. A lock whose process is gone (on
   * this host: a killed command) is stale and taken over; one of another host cannot be checked, and
   * the message says which file to delete if that process is gone.
   */
  async lockRun(runId: string): Promise<RunLock> {
    const path = await this.path('locks', runId, '.lock');
    const mine: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    for (let attempt = 0; ; attempt++) {
      try {
        const file = await open(path, 'wx');
        await file.writeFile(JSON.stringify(mine));
        await file.close();
        return { release: () => rm(path, { force: true }) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = await readJson<LockOwner>(path).catch(() => undefined);
      // A file still empty is being written by its creator: held, not stale.
      if (attempt === 0 && owner !== undefined && isGone(owner)) {
        await rm(path, { force: true });
        continue;
      }
      const who = owner
        ? `by process ${owner.pid} on ${owner.host} (since ${owner.since})`
        : 'by another process';
      const hint = owner?.host === mine.host ? '' : ` If that process is gone, delete ${path}.`;
      throw new RunLockedError(runId, `${who}, on the store ${this.dir}${hint}`);
    }
  }

  async putSweep(sweep: SweepRecord): Promise<void> {
    await this.write([sweep.id], async () => {
      await writeJson(await this.path('sweeps', sweep.id, '.json'), sweep, `sweep "${sweep.name}"`);
    });
  }

  async getSweep(id: string): Promise<SweepRecord | undefined> {
    return readJson<SweepRecord>(await this.path('sweeps', id, '.json'));
  }

  async listSweeps(): Promise<SweepRecord[]> {
    return (await this.readAll<SweepRecord>('sweeps')).sort(newestFirst);
  }

  async deleteSweep(id: string): Promise<void> {
    await this.write([id], async () => {
      await rm(await this.path('sweeps', id, '.json'), { force: true });
    });
  }

  async deleteRun(id: string): Promise<void> {
    await this.write([id], async () => {
      await rm(await this.path('runs', id, '.json'), { force: true });
      await rm(await this.path('metrics', id, '.jsonl'), { force: true });
      await rm(await this.path('checkpoints', id), { recursive: true, force: true });
    });
  }

  async putMetrics(metrics: readonly MetricRecord[]): Promise<void> {
    if (metrics.length === 0) return;
    for (const metric of metrics) checkStep(metric.step, `A metric row of run ${metric.runId}`);
    await this.write(
      metrics.map((metric) => metric.runId),
      async () => {
        for (const [runId, indices] of groupIndices(metrics, (metric) => metric.runId)) {
          // Rows repeated within the call keep the last, as a replace would (and as IndexedDB does).
          const rows = uniqueMetrics(indices.map((i) => metrics[i] as MetricRecord));
          const path = await this.path('metrics', runId, '.jsonl');
          const what = `${plural(rows.length, 'metric row')} of run ${runId}`;
          const stored = new Map((await readLines<MetricRecord>(path)).map((row) => [metricKey(row), row]));
          const replaces = rows.some((row) => stored.has(metricKey(row)));
          for (const row of rows) stored.set(metricKey(row), row);
          if (replaces) await writeLines(path, [...stored.values()].sort(metricOrder), what);
          else await appendLines(path, rows.map(toJson), what);
        }
      },
    );
  }

  async importRecords(records: ImportRecords): Promise<ImportOutcome> {
    const checked = checkImport(records);
    const outcome: ImportOutcome = { runs: { added: [], skipped: [] }, sweeps: { added: [], skipped: [] } };
    const ids = [...checked.sweeps.map((sweep) => sweep.id), ...checked.runs.map(({ run }) => run.id)];
    await this.write(ids, async () => {
      const files: StagedFile[] = [];
      for (const sweep of checked.sweeps) {
        const present = (await entryKind(await this.path('sweeps', sweep.id, '.json'))) !== 'missing';
        outcome.sweeps[present ? 'skipped' : 'added'].push(sweep.id);
        if (!present) files.push({ folder: 'sweeps', name: `${sweep.id}.json`, data: toJson(sweep) });
      }
      for (const { run, metrics } of checked.runs) {
        const present = (await entryKind(await this.path('runs', run.id, '.json'))) !== 'missing';
        outcome.runs[present ? 'skipped' : 'added'].push(run.id);
        if (present) continue;
        // Rows of a run that is not stored (an older import cut after its metrics) give way to the file's.
        const lines = metrics.map((row) => `${toJson(row)}\n`).join('');
        files.push({ folder: 'metrics', name: `${run.id}.jsonl`, data: lines });
        files.push({ folder: 'runs', name: `${run.id}.json`, data: toJson(runForStorage(run)) });
      }
      if (files.length > 0) await importFiles(this.dir, files, importWhat(checked));
    });
    return outcome;
  }

  async metrics(runId: string, kind?: MetricRecord['kind']): Promise<MetricRecord[]> {
    const rows = await readLines<MetricRecord>(await this.path('metrics', runId, '.jsonl'));
    return rows.filter((row) => kind === undefined || row.kind === kind).sort(metricOrder);
  }

  async deleteMetricsAfter(runId: string, afterStep: number): Promise<void> {
    await this.write([runId], async () => {
      const path = await this.path('metrics', runId, '.jsonl');
      const rows = await readLines<MetricRecord>(path);
      const kept = rows.filter((row) => row.step <= afterStep);
      if (kept.length < rows.length) {
        await writeLines(path, kept.sort(metricOrder), `the deletion of metrics of run ${runId}`);
      }
    });
  }

  async putCheckpoint(checkpoint: CheckpointRecord): Promise<void> {
    const { runId, step, weights, optimizer } = checkpoint;
    checkStep(step, `A checkpoint of run ${runId}`);
    const what = `the checkpoint at step ${step} of run ${runId}`;
    await this.write([runId], async () => {
      const dir = await this.path('checkpoints', runId);
      await mkdir(dir, { recursive: true }).catch((error: unknown) => {
        throw fileError(error, what, dir);
      });
      const files = checkpointFiles(dir, step);
      // The info file is what makes a checkpoint exist: it goes first when replacing and comes last
      // when writing, so a crash leaves the checkpoint whole or absent, never old info on new weights.
      await rm(files.info, { force: true });
      await writeAtomic(files.weights, new Uint8Array(weights), what);
      if (optimizer === null) await rm(files.optimizer, { force: true });
      else await writeAtomic(files.optimizer, new Uint8Array(optimizer), what);
      const stored: StoredCheckpoint = {
        checkpoint: checkpointInfo(checkpoint),
        files: { weights: weights.byteLength, optimizer: optimizer?.byteLength ?? null },
      };
      await writeJson(files.info, stored, what);
    });
  }

  async getCheckpoint(runId: string, step: number): Promise<CheckpointRecord | undefined> {
    if (!Number.isSafeInteger(step) || step < 0) return undefined;
    const files = checkpointFiles(await this.path('checkpoints', runId), step);
    const stored = await readJson<StoredCheckpoint>(files.info);
    if (stored === undefined) return undefined;
    const weights = await readBuffer(files.weights, stored.files.weights);
    const optimizer =
      stored.files.optimizer === null ? null : await readBuffer(files.optimizer, stored.files.optimizer);
    const { bytes: _bytes, ...info } = stored.checkpoint;
    return { ...info, weights, optimizer };
  }

  async latestCheckpoint(runId: string): Promise<CheckpointRecord | undefined> {
    const steps = await this.checkpointSteps(runId);
    const last = steps.at(-1);
    return last === undefined ? undefined : this.getCheckpoint(runId, last);
  }

  async listCheckpoints(runId: string): Promise<CheckpointInfo[]> {
    const dir = await this.path('checkpoints', runId);
    const infos: CheckpointInfo[] = [];
    for (const step of await this.checkpointSteps(runId)) {
      const stored = await readJson<StoredCheckpoint>(checkpointFiles(dir, step).info);
      if (stored !== undefined) infos.push(stored.checkpoint);
    }
    return infos;
  }

  async deleteCheckpointsAfter(runId: string, afterStep: number): Promise<void> {
    await this.write([runId], async () => {
      const dir = await this.path('checkpoints', runId);
      for (const step of await this.checkpointSteps(runId)) {
        if (step <= afterStep) continue;
        const files = checkpointFiles(dir, step);
        await rm(files.info, { force: true });
        await rm(files.weights, { force: true });
        await rm(files.optimizer, { force: true });
      }
    });
  }

  /** Steps with an info file, ascending. */
  private async checkpointSteps(runId: string): Promise<number[]> {
    const names = await listFolder(await this.path('checkpoints', runId));
    return names
      .filter((name) => /^\d+\.json$/.test(name))
      .map((name) => Number(name.slice(0, -'.json'.length)))
      .sort((a, b) => a - b);
  }

  private async readAll<T>(folder: Folder): Promise<T[]> {
    const dir = await this.path(folder);
    const names = (await listFolder(dir)).filter((name) => name.endsWith('.json') && !name.startsWith('.'));
    const records = await Promise.all(names.map((name) => readJson<T>(join(dir, name))));
    return records.filter((record) => record !== undefined);
  }

  /**
   * Runs `body` after every earlier write of this store, so read-modify-write of a file never
   * interleaves; the ids it names are checked first, so a bad one fails before anything is queued.
   */
  private write(ids: readonly string[], body: () => Promise<void>): Promise<void> {
    for (const id of ids) checkId(id);
    const result = this.writes.then(body);
    this.writes = result.catch(() => undefined);
    return result;
  }

  /** A file or folder of the store, after checking (once) that the store's folders are in place. */
  private async path(folder: Folder, id?: string, extension = ''): Promise<string> {
    this.layout ??= ensureLayout(this.dir).catch((error: unknown) => {
      this.layout = undefined;
      throw error;
    });
    await this.layout;
    return id === undefined ? join(this.dir, folder) : join(this.dir, folder, checkId(id) + extension);
  }
}

const FOLDERS = ['datasets', 'traces', 'runs', 'metrics', 'checkpoints', 'sweeps', 'locks'] as const;

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/** Whether a lock's process is known to be gone: only a process of this host can be asked. */
function isGone(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
type Folder = (typeof FOLDERS)[number];
const MARKER = 'web-agent-lab-store.json';
const LAYOUT = { schema: 'web-agent-lab/store', version: 1 };

interface StoredCheckpoint {
  checkpoint: CheckpointInfo;
  /** Byte lengths of the buffer files, checked on reading so a truncated file is never loaded as weights. */
  files: { weights: number; optimizer: number | null };
}

async function ensureLayout(dir: string): Promise<void> {
  const kind = await entryKind(dir);
  if (kind === 'other') throw notAFolder(dir, 'the store');
  if (kind === 'folder' && (await entryKind(join(dir, MARKER))) === 'missing') {
    const names = (await readdir(dir)).filter((name) => !name.startsWith('.'));
    if (names.length > 0) {
      throw new StoreInputError(
        `${dir} is not empty and is not a lab store (it has no ${MARKER}; it holds ${names.slice(0, 3).join(', ')}` +
          `${names.length > 3 ? ', ...' : ''}). Choose a new or empty folder for the store.`,
      );
    }
  }
  await mkdir(dir, { recursive: true });
  const marker = await readJson<typeof LAYOUT>(join(dir, MARKER));
  if (marker === undefined) await writeJson(join(dir, MARKER), LAYOUT, 'the store marker');
  else if (marker.schema !== LAYOUT.schema || marker.version > LAYOUT.version) {
    throw new StoreInputError(
      `${join(dir, MARKER)} describes ${marker.schema} version ${marker.version}, which this lab cannot ` +
        `read (it reads ${LAYOUT.schema} version ${LAYOUT.version}). Update the lab or choose another folder.`,
    );
  }
  for (const folder of FOLDERS) {
    const path = join(dir, folder);
    const folderKind = await entryKind(path);
    if (folderKind === 'other') throw notAFolder(path, `the store's ${folder}`);
    if (folderKind === 'missing') await mkdir(path);
  }
  await recoverImports(dir);
}

function checkpointFiles(dir: string, step: number) {
  const base = join(dir, String(step));
  return {
    info: `${base}.json`,
    weights: `${base}.weights.safetensors`,
    optimizer: `${base}.optimizer.safetensors`,
  };
}

/** Positions of the items of each group, in order: writes go file by file. */
function groupIndices<T>(items: readonly T[], key: (item: T) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const group = groups.get(key(item));
    if (group === undefined) groups.set(key(item), [i]);
    else group.push(i);
  });
  return groups;
}

function metricKey(row: MetricRecord): string {
  return `${row.kind}:${row.step}`;
}
