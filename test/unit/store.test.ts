import { runConfigOf, teacherOf } from '../../src/train/config.ts';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir, appendFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DexieStore, isQuotaError } from '../../src/store/db.ts';
import { FileStore } from '../../src/store/file-store.ts';
import type { CheckpointRecord, DatasetRecord, RunRecord, TraceRecord } from '../../src/store/records.ts';
import { type LabStore, RunLockedError, StoreFullError } from '../../src/store/store.ts';
import { TeacherSettingsSchema } from '../../src/train/config.ts';
import { initialRunState } from '../../src/train/state.ts';
import { makeMetric, makeRun, makeSweep, SECRET } from './store-fixtures.ts';
import { refuseWritesWhen } from '../fixtures/full-quota.ts';

/** Makes writes of node:fs/promises fail with ENOSPC while `fs.full` is set, to test a full disk. */
const fs = vi.hoisted(() => ({ full: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const noSpace = () => Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
  return {
    ...real,
    open: (async (...args: Parameters<typeof real.open>) => {
      const handle = await real.open(...args);
      if (fs.full && args[1] === 'w') {
        return Object.assign(Object.create(handle), { writeFile: () => Promise.reject(noSpace()) });
      }
      return handle;
    }) as typeof real.open,
    writeFile: ((...args: Parameters<typeof real.writeFile>) =>
      fs.full ? Promise.reject(noSpace()) : real.writeFile(...args)) as typeof real.writeFile,
  };
});

function makeDataset(id: string, createdAt: number): DatasetRecord {
  return {
    id,
    name: `dataset ${id}`,
    createdAt,
    status: 'complete',
    error: null,
    teacher: TeacherSettingsSchema.parse({ kind: 'llm', llm: { apiKey: SECRET } }),
    split: 'micro',
    tasks: ['click-test'],
    observationFormat: 'axtree',
    maxSteps: 10,
    stats: {
      episodes: 1,
      successes: 1,
      kept: 1,
      keptSteps: 1,
      steps: 1,
      tokens: 10,
      teacherFlops: 1e9,
      teacherFlopsBasis: 'declared 7e9 parameters',
      perTask: { 'click-test': { episodes: 1, successes: 1 } },
    },
  };
}

function makeTrace(datasetId: string, seed: number): TraceRecord {
  const step = {
    observation: `[1] button "ONE" seed ${seed}`,
    utterance: 'Click the button.',
    lastError: null,
    thought: 'The button is [1].',
    action: 'click [1]',
    reward: 1,
    error: null,
  };
  return { datasetId, task: 'click-test', seed, success: true, reward: 1, steps: [step] };
}

function makeCheckpoint(
  runId: string,
  step: number,
  weightBytes = 64,
  withOptimizer = true,
): CheckpointRecord {
  const weights = new Uint8Array(weightBytes).map((_, i) => (i * 7 + step) % 251);
  return {
    runId,
    step,
    phase: 'sft',
    flops: step * 1e6,
    createdAt: 1000 + step,
    weights: weights.buffer,
    optimizer: withOptimizer ? new Float32Array([step, -step, 0.5]).buffer : null,
    tokenizer: { kind: 'bytes' },
    state: { ...initialRunState(), step },
  };
}

const bytes = (buffer: ArrayBuffer | null | undefined) => (buffer ? [...new Uint8Array(buffer)] : buffer);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  fs.full = false;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A fresh store and a function that opens the same storage again (as a reload would). */
interface Opened {
  store: LabStore & { close(): void };
  reopen(): LabStore & { close(): void };
}

function openDexie(): Opened {
  const options = { indexedDB: new IDBFactory(), IDBKeyRange };
  const open = () => {
    const store = new DexieStore('lab-test', options);
    cleanups.push(() => store.close());
    return store;
  };
  return { store: open(), reopen: open };
}

async function temporaryFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lab-store-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function openFiles(): Promise<Opened> {
  const dir = join(await temporaryFolder(), 'store');
  return { store: new FileStore(dir), reopen: () => new FileStore(dir) };
}

describe.each([
  ['DexieStore on fake-indexeddb', async () => openDexie()],
  ['FileStore in a temporary folder', openFiles],
])('%s keeps the LabStore contract', (_name, open: () => Promise<Opened>) => {
  it('stores datasets newest first, without the LLM key, and replaces by id', async () => {
    const { store } = await open();
    await store.putDataset(makeDataset('a', 1));
    await store.putDataset(makeDataset('b', 3));
    await store.putDataset(makeDataset('c', 2));
    await store.putDataset({ ...makeDataset('c', 2), status: 'failed', error: 'teacher unreachable' });
    expect((await store.listDatasets()).map((d) => d.id)).toEqual(['b', 'c', 'a']);
    const c = await store.getDataset('c');
    expect(c?.status).toBe('failed');
    expect(teacherOf(c!).llm.apiKey).toBe('');
    expect(c?.stats).toEqual(makeDataset('c', 2).stats);
    expect(await store.getDataset('missing')).toBeUndefined();
  });

  it('numbers traces, keeps them in order per dataset, drops samples, and deletes them with their dataset', async () => {
    const { store } = await open();
    await store.putDataset(makeDataset('d1', 1));
    await store.putDataset(makeDataset('d2', 2));
    const sampled = makeTrace('d1', 0);
    const sample = {
      prompt: new Int32Array([1]),
      tokens: new Int32Array([2]),
      logProbs: new Float32Array([0]),
    };
    sampled.steps = [
      { ...sampled.steps[0]!, sample: { ...sample, truncated: false } } as TraceRecord['steps'][0],
    ];
    await store.addTraces([sampled, makeTrace('d2', 10), makeTrace('d1', 1)]);
    await store.addTraces([makeTrace('d1', 2)]);
    const d1 = await store.traces('d1');
    expect(d1.map((t) => t.seed)).toEqual([0, 1, 2]);
    const ids = d1.map((t) => t.id as number);
    expect(ids[0]).toBeLessThan(ids[1]!);
    expect(ids[1]).toBeLessThan(ids[2]!);
    expect(d1[0]!.steps[0]).toEqual(makeTrace('d1', 0).steps[0]);
    expect(d1[0]!.steps[0]).not.toHaveProperty('sample');
    await store.deleteDataset('d1');
    expect(await store.getDataset('d1')).toBeUndefined();
    expect(await store.traces('d1')).toEqual([]);
    expect((await store.traces('d2')).map((t) => t.seed)).toEqual([10]);
  });

  it('lists runs newest first and never stores the LLM key', async () => {
    const { store } = await open();
    await store.putRun(makeRun('old', 100));
    await store.putRun(makeRun('new', 300));
    await store.putRun(makeRun('mid', 200));
    await store.putRun({ ...makeRun('mid', 200), status: 'paused', updatedAt: 400 });
    expect((await store.listRuns()).map((r) => r.id)).toEqual(['new', 'mid', 'old']);
    const mid = await store.getRun('mid');
    expect(mid?.status).toBe('paused');
    expect(runConfigOf(mid!).teacher.llm.apiKey).toBe('');
    expect(runConfigOf(mid!).teacher.kind).toBe('llm');
    expect(mid?.state).toEqual(initialRunState());
  });

  it('keeps sweeps newest first, replaces by id, and deletes one without touching runs', async () => {
    const { store } = await open();
    const sweep = makeSweep;
    await store.putSweep(sweep('s1', 1));
    await store.putSweep(sweep('s2', 2));
    await store.putSweep({ ...sweep('s1', 1), status: 'paused', error: 'storage full' });
    await store.putRun({ ...makeRun('r', 5), lineage: { ...makeRun('r', 5).lineage, sweepId: 's1' } });
    expect((await store.listSweeps()).map((s) => s.id)).toEqual(['s2', 's1']);
    expect(await store.getSweep('s1')).toEqual({
      ...sweep('s1', 1),
      status: 'paused',
      error: 'storage full',
    });
    await store.deleteSweep('s1');
    expect(await store.getSweep('s1')).toBeUndefined();
    expect((await store.getRun('r'))?.lineage.sweepId).toBe('s1');
  });

  it('holds a run for one execution at a time, and frees it on release', async () => {
    const { store, reopen } = await open();
    const lock = await store.lockRun('r1');
    await expect(store.lockRun('r1')).rejects.toThrow(RunLockedError);
    await expect(reopen().lockRun('r1')).rejects.toThrow(/Run r1 is already executing/);
    const other = await store.lockRun('r2');
    await lock.release();
    const again = await store.lockRun('r1');
    await again.release();
    await other.release();
  });

  it('reads a run stored before lineage existed with the lineage its configuration implies', async () => {
    const { store } = await open();
    const branched = makeRun('b', 1);
    const { lineage: _lineage, ...old } = {
      ...branched,
      config: {
        ...branched.config,
        rl: { ...(branched.config.rl as object), iterations: 3 },
        branch: { runId: 'p', step: 7 },
      },
    };
    await store.putRun(old as unknown as RunRecord);
    expect((await store.getRun('b'))?.lineage).toEqual({
      sweepId: null,
      strategy: 'sft+rl',
      parent: { runId: 'p', step: 7 },
      sftAmount: null,
      hyperparameters: {},
    });
    expect((await store.listRuns())[0]?.lineage.strategy).toBe('sft+rl');
  });

  it('reads metrics in step order, by kind, replaces by [runId, kind, step] and cuts after a step', async () => {
    const { store } = await open();
    await store.putMetrics([makeMetric('r', 'train', 3, 0.3), makeMetric('r', 'eval', 2, 0.9)]);
    await store.putMetrics([makeMetric('r', 'train', 1, 0.1), makeMetric('r', 'train', 2, 0.2)]);
    await store.putMetrics([makeMetric('other', 'train', 1, 5)]);
    await store.putMetrics([makeMetric('r', 'train', 3, Number.NaN)]);
    const rows = await store.metrics('r');
    expect(rows.map((m) => `${m.kind}${m.step}`)).toEqual(['train1', 'train2', 'eval2', 'train3']);
    expect(rows[3]!.values.loss).toBeNaN();
    expect(rows[1]).toEqual(makeMetric('r', 'train', 2, 0.2));
    expect((await store.metrics('r', 'eval')).map((m) => m.step)).toEqual([2]);
    await store.deleteMetricsAfter('r', 1);
    expect((await store.metrics('r')).map((m) => `${m.kind}${m.step}`)).toEqual(['train1']);
    expect(await store.metrics('other')).toHaveLength(1);
  });

  it('keeps checkpoints with their buffers, lists them without, and cuts after a step', async () => {
    const { store } = await open();
    await store.putCheckpoint(makeCheckpoint('r', 20));
    await store.putCheckpoint(makeCheckpoint('r', 10, 64, false));
    await store.putCheckpoint(makeCheckpoint('r', 30, 100));
    await store.putCheckpoint(makeCheckpoint('r', 30, 80));
    const ten = await store.getCheckpoint('r', 10);
    expect(bytes(ten?.weights)).toEqual(bytes(makeCheckpoint('r', 10).weights));
    expect(ten?.optimizer).toBeNull();
    expect(ten?.state.step).toBe(10);
    const latest = await store.latestCheckpoint('r');
    expect(latest?.step).toBe(30);
    expect(bytes(latest?.weights)).toEqual(bytes(makeCheckpoint('r', 30, 80).weights));
    expect(bytes(latest?.optimizer)).toEqual(bytes(new Float32Array([30, -30, 0.5]).buffer));
    const infos = await store.listCheckpoints('r');
    expect(infos.map((c) => [c.step, c.bytes])).toEqual([
      [10, 64],
      [20, 64 + 12],
      [30, 80 + 12],
    ]);
    expect(infos[0]).not.toHaveProperty('weights');
    await store.deleteCheckpointsAfter('r', 10);
    expect((await store.listCheckpoints('r')).map((c) => c.step)).toEqual([10]);
    expect(await store.getCheckpoint('r', 20)).toBeUndefined();
    expect((await store.latestCheckpoint('r'))?.step).toBe(10);
    expect(await store.latestCheckpoint('none')).toBeUndefined();
  });

  it("deletes a run with its metrics and checkpoints, and nothing of another run's", async () => {
    const { store } = await open();
    for (const id of ['gone', 'kept']) {
      await store.putRun(makeRun(id, 1));
      await store.putMetrics([makeMetric(id, 'train', 1, 1)]);
      await store.putCheckpoint(makeCheckpoint(id, 1));
    }
    await store.deleteRun('gone');
    expect(await store.getRun('gone')).toBeUndefined();
    expect(await store.metrics('gone')).toEqual([]);
    expect(await store.listCheckpoints('gone')).toEqual([]);
    expect(await store.getCheckpoint('gone', 1)).toBeUndefined();
    expect(await store.getRun('kept')).toBeDefined();
    expect(await store.metrics('kept')).toHaveLength(1);
    expect((await store.latestCheckpoint('kept'))?.step).toBe(1);
  });

  it('reads everything back after being closed and opened again', async () => {
    const { store, reopen } = await open();
    await store.putRun(makeRun('r', 1));
    await store.putMetrics([makeMetric('r', 'train', 1, 0.5)]);
    await store.putCheckpoint(makeCheckpoint('r', 1, 4096));
    await store.putDataset(makeDataset('d', 1));
    await store.addTraces([makeTrace('d', 7)]);
    store.close();
    const again = reopen();
    expect((await again.getRun('r'))?.name).toBe('run r');
    expect(await again.metrics('r')).toEqual([makeMetric('r', 'train', 1, 0.5)]);
    expect(bytes((await again.getCheckpoint('r', 1))?.weights)).toEqual(
      bytes(makeCheckpoint('r', 1, 4096).weights),
    );
    expect((await again.traces('d')).map((t) => t.seed)).toEqual([7]);
    await again.addTraces([makeTrace('d', 8)]);
    const ids = (await again.traces('d')).map((t) => t.id as number);
    expect(ids[1]).toBeGreaterThan(ids[0]!);
  });
});

describe('DexieStore', () => {
  it('turns a quota refusal into StoreFullError naming what was saved, keeping earlier records', async () => {
    const { store } = openDexie();
    let full = false;
    refuseWritesWhen(store as DexieStore, () => full);
    await store.putRun(makeRun('r', 1));
    await store.putCheckpoint(makeCheckpoint('r', 1));
    full = true;
    const refused = store.putCheckpoint(makeCheckpoint('r', 2));
    await expect(refused).rejects.toBeInstanceOf(StoreFullError);
    await expect(refused).rejects.toThrow(/could not save the checkpoint at step 2 of run r/);
    await expect(store.putMetrics([makeMetric('r', 'train', 2, 1)])).rejects.toThrow(
      /could not save 1 metric row of run r/,
    );
    full = false;
    expect((await store.getRun('r'))?.id).toBe('r');
    expect((await store.listCheckpoints('r')).map((c) => c.step)).toEqual([1]);
    expect(bytes((await store.getCheckpoint('r', 1))?.weights)).toEqual(
      bytes(makeCheckpoint('r', 1).weights),
    );
  });

  it('finds a quota error wrapped by Dexie', () => {
    const quota = new DOMException('quota', 'QuotaExceededError');
    expect(isQuotaError({ name: 'AbortError', inner: quota })).toBe(true);
    expect(isQuotaError({ name: 'BulkError', failures: [new Error('x'), quota] })).toBe(true);
    expect(isQuotaError(new DOMException('no', 'ConstraintError'))).toBe(false);
  });
});

describe('FileStore', () => {
  it('lays records out as readable files', async () => {
    const dir = join(await temporaryFolder(), 'store');
    const store = new FileStore(dir);
    await store.putRun(makeRun('r', 1));
    await store.putMetrics([makeMetric('r', 'train', 1, 0.5), makeMetric('r', 'train', 2, 0.4)]);
    await store.putCheckpoint(makeCheckpoint('r', 2));
    await store.putDataset(makeDataset('d', 1));
    await store.addTraces([makeTrace('d', 1), makeTrace('d', 2)]);
    expect((await readdir(dir)).sort()).toEqual(
      [
        'checkpoints',
        'datasets',
        'locks',
        'metrics',
        'runs',
        'sweeps',
        'traces',
        'web-agent-lab-store.json',
      ].sort(),
    );
    expect(JSON.parse(await readFile(join(dir, 'runs/r.json'), 'utf8')).config.teacher.llm.apiKey).toBe('');
    expect((await readFile(join(dir, 'metrics/r.jsonl'), 'utf8')).split('\n')).toHaveLength(3);
    expect((await readFile(join(dir, 'traces/d.jsonl'), 'utf8')).split('\n')).toHaveLength(3);
    expect((await readdir(join(dir, 'checkpoints/r'))).sort()).toEqual([
      '2.json',
      '2.optimizer.safetensors',
      '2.weights.safetensors',
    ]);
    expect(
      bytes((await readFile(join(dir, 'checkpoints/r/2.weights.safetensors'))).buffer as ArrayBuffer),
    ).toEqual(bytes(makeCheckpoint('r', 2).weights));
  });

  it("takes over the lock of a process that is gone, and names another host's lock file", async () => {
    const dir = join(await temporaryFolder(), 'store');
    const store = new FileStore(dir);
    const held = await store.lockRun('r');
    await held.release();
    // A killed command leaves its lock file: a pid that no longer runs on this host.
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    await writeFile(
      join(dir, 'locks', 'r.lock'),
      JSON.stringify({ pid: gone, host: hostname(), since: 'then' }),
    );
    const taken = await store.lockRun('r');
    await taken.release();
    await writeFile(
      join(dir, 'locks', 'r.lock'),
      JSON.stringify({ pid: gone, host: 'elsewhere', since: 'then' }),
    );
    await expect(store.lockRun('r')).rejects.toThrow(
      new RegExp(`by process ${gone} on elsewhere .*If that process is gone, delete .*r\\.lock`),
    );
  });

  it('ignores a line cut by a crash and appends after it cleanly', async () => {
    const dir = join(await temporaryFolder(), 'store');
    const store = new FileStore(dir);
    await store.putMetrics([makeMetric('r', 'train', 1, 0.5)]);
    await appendFile(join(dir, 'metrics/r.jsonl'), '{"runId":"r","kind":"tr');
    expect(await store.metrics('r')).toEqual([makeMetric('r', 'train', 1, 0.5)]);
    await store.putMetrics([makeMetric('r', 'train', 2, 0.4)]);
    expect((await store.metrics('r')).map((m) => m.step)).toEqual([1, 2]);
  });

  it('turns a full disk into StoreFullError and keeps what was stored', async () => {
    const dir = join(await temporaryFolder(), 'store');
    const store = new FileStore(dir);
    await store.putRun(makeRun('r', 1));
    await store.putMetrics([makeMetric('r', 'train', 1, 0.5)]);
    fs.full = true;
    await expect(store.putRun({ ...makeRun('r', 1), status: 'failed' })).rejects.toBeInstanceOf(
      StoreFullError,
    );
    await expect(store.putMetrics([makeMetric('r', 'train', 2, 0.4)])).rejects.toThrow(
      /could not save 1 metric row of run r/,
    );
    await expect(store.putCheckpoint(makeCheckpoint('r', 1))).rejects.toBeInstanceOf(StoreFullError);
    fs.full = false;
    expect((await store.getRun('r'))?.status).toBe('running');
    expect(await store.metrics('r')).toEqual([makeMetric('r', 'train', 1, 0.5)]);
    expect(await store.listCheckpoints('r')).toEqual([]);
    expect((await readdir(join(dir, 'runs'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a folder that holds something else, with an error that says so', async () => {
    const base = await temporaryFolder();
    await mkdir(join(base, 'blocked'));
    await writeFile(
      join(base, 'blocked/web-agent-lab-store.json'),
      '{"schema":"web-agent-lab/store","version":1}',
    );
    await writeFile(join(base, 'blocked/runs'), 'not a folder');
    await expect(new FileStore(join(base, 'blocked')).listRuns()).rejects.toThrow(
      /runs exists but is not a folder/,
    );
    await mkdir(join(base, 'photos'));
    await writeFile(join(base, 'photos/cat.jpg'), '');
    await expect(new FileStore(join(base, 'photos')).putRun(makeRun('r', 1))).rejects.toThrow(
      /not a lab store .*cat\.jpg/,
    );
    await writeFile(join(base, 'a-file'), '');
    await expect(new FileStore(join(base, 'a-file')).listRuns()).rejects.toThrow(
      /a-file exists but is not a folder/,
    );
    await expect(new FileStore(join(base, 'ok')).putRun(makeRun('../escape', 1))).rejects.toThrow(
      /cannot be stored as a file name/,
    );
  });
});
