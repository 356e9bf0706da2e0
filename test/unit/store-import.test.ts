import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DexieStore } from '../../src/store/db.ts';
import { ABANDONED_MS } from '../../src/store/file-import.ts';
import { FileStore } from '../../src/store/file-store.ts';
import type { RunRecord } from '../../src/store/records.ts';
import { type LabStore, StoreFullError } from '../../src/store/store.ts';
import { makeMetric, makeRun, makeSweep } from './store-fixtures.ts';
import { refuseWritesWhen } from '../fixtures/full-quota.ts';

/** Counts folders made and files opened for writing; once `writesLeft` reaches 0, they fail with ENOSPC. */
const disk = vi.hoisted(() => ({ writesLeft: Number.POSITIVE_INFINITY, raced: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const noSpace = () => Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
  return {
    ...real,
    open: (async (...args: Parameters<typeof real.open>) => {
      const handle = await real.open(...args);
      if (args[1] === 'w' && disk.writesLeft-- <= 0) {
        return Object.assign(Object.create(handle), { writeFile: () => Promise.reject(noSpace()) });
      }
      return handle;
    }) as typeof real.open,
    // `raced`: another store recovering the import moves each staged file just before this one does.
    rename: (async (...args: Parameters<typeof real.rename>) => {
      const [from] = args;
      if (disk.raced && String(from).includes('.import-') && !String(from).endsWith('.tmp')) {
        await real.rename(...args);
      }
      return real.rename(...args);
    }) as typeof real.rename,
    mkdir: ((...args: Parameters<typeof real.mkdir>) =>
      disk.writesLeft-- <= 0 ? Promise.reject(noSpace()) : real.mkdir(...args)) as typeof real.mkdir,
  };
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  disk.writesLeft = Number.POSITIVE_INFINITY;
  disk.raced = false;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Opened {
  store: LabStore & { close(): void };
  /** From now on, the write after `writes` more succeed is refused by a full storage quota. */
  fillAfter(writes: number): void;
  reopen(): LabStore & { close(): void };
}

function openDexie(): Opened {
  const options = { indexedDB: new IDBFactory(), IDBKeyRange };
  let writesLeft = Number.POSITIVE_INFINITY;
  const open = () => {
    const store = new DexieStore('lab-import-test', options);
    refuseWritesWhen(store, () => writesLeft-- <= 0);
    cleanups.push(() => store.close());
    return store;
  };
  return { store: open(), fillAfter: (writes) => (writesLeft = writes), reopen: open };
}

async function openFiles(): Promise<Opened> {
  const base = await mkdtemp(join(tmpdir(), 'lab-import-'));
  cleanups.push(() => rm(base, { recursive: true, force: true }));
  const dir = join(base, 'store');
  const store = new FileStore(dir);
  await store.listRuns(); // lays the folder out, so the writes counted are the import's
  return { store, fillAfter: (writes) => (disk.writesLeft = writes), reopen: () => new FileStore(dir) };
}

const inSweep = (run: RunRecord, sweepId: string): RunRecord => ({
  ...run,
  lineage: { ...run.lineage, sweepId },
});

const twoRuns = () => ({
  sweeps: [makeSweep('s', 1)],
  runs: [
    { run: inSweep(makeRun('a', 1), 's'), metrics: [makeMetric('a', 'train', 1, 0.5)] },
    { run: inSweep(makeRun('b', 2), 's'), metrics: [makeMetric('b', 'train', 1, 0.7)] },
  ],
});

/** Everything a store holds of runs a, b and sweep s. */
async function contents(store: LabStore) {
  return {
    runs: (await store.listRuns()).map((run) => run.id),
    sweeps: (await store.listSweeps()).map((sweep) => sweep.id),
    metrics: [...(await store.metrics('a')), ...(await store.metrics('b'))].map(
      (row) => `${row.runId}${row.kind}${row.step}=${row.values.loss}`,
    ),
  };
}

const EMPTY = { runs: [], sweeps: [], metrics: [] };

describe.each([
  ['DexieStore on fake-indexeddb', async () => openDexie()],
  ['FileStore in a temporary folder', openFiles],
])('%s imports all or nothing', (_name, open: () => Promise<Opened>) => {
  it('adds what it lacks, skips what it holds (metrics included), and says which', async () => {
    const { store } = await open();
    await store.putRun(makeRun('a', 1));
    await store.putMetrics([makeMetric('a', 'train', 1, 9)]);
    // Rows of run b without run b (an older import cut after its metrics) give way to the import's.
    await store.putMetrics([makeMetric('b', 'eval', 9, 1)]);
    expect(await store.importRecords(twoRuns())).toEqual({
      runs: { added: ['b'], skipped: ['a'] },
      sweeps: { added: ['s'], skipped: [] },
    });
    expect(await contents(store)).toEqual({
      runs: ['b', 'a'],
      sweeps: ['s'],
      metrics: ['atrain1=9', 'btrain1=0.7'],
    });
    expect((await store.getRun('a'))?.lineage.sweepId).toBeNull();
    expect(await store.importRecords(twoRuns())).toEqual({
      runs: { added: [], skipped: ['a', 'b'] },
      sweeps: { added: [], skipped: ['s'] },
    });
  });

  it('keeps one row per [kind, step], the last, from putMetrics and from an import alike', async () => {
    const { store } = await open();
    await store.putMetrics([makeMetric('a', 'train', 1, 0.1), makeMetric('a', 'train', 1, 0.2)]);
    expect((await store.metrics('a')).map((row) => row.values.loss)).toEqual([0.2]);
    const records = twoRuns();
    records.runs[1]!.metrics = [
      makeMetric('b', 'eval', 2, 0.3),
      makeMetric('b', 'train', 2, 0.4),
      makeMetric('b', 'eval', 2, 0.5),
    ];
    await store.importRecords({ ...records, runs: [records.runs[1]!] });
    expect((await store.metrics('b')).map((row) => `${row.kind}${row.step}=${row.values.loss}`)).toEqual([
      'train2=0.4',
      'eval2=0.5',
    ]);
  });

  it('refuses the whole import when its second run is malformed, writing nothing', async () => {
    const { store } = await open();
    const cases = [
      { runs: [twoRuns().runs[0]!, { ...twoRuns().runs[1]!, run: makeRun('../b', 2) }] },
      { runs: [twoRuns().runs[0]!, { ...twoRuns().runs[1]!, metrics: [makeMetric('b', 'train', -1, 0)] }] },
      { runs: [twoRuns().runs[0]!, { ...twoRuns().runs[1]!, metrics: [makeMetric('a', 'train', 2, 0)] }] },
      { runs: [twoRuns().runs[0]!, twoRuns().runs[0]!] },
    ];
    const messages = [
      /The run id "\.\.\/b" cannot be stored as a file name/,
      /has step -1: steps are whole numbers/,
      /A metric row of run a is filed under run b/,
      /holds run a twice/,
    ];
    for (const [i, runs] of cases.entries()) {
      await expect(store.importRecords({ sweeps: [makeSweep('s', 1)], ...runs })).rejects.toThrow(
        messages[i]!,
      );
    }
    expect(await contents(store)).toEqual(EMPTY);
  });

  it('leaves the store as it was when the quota fills at any write of an import', async () => {
    const { store, fillAfter } = await open();
    await store.putRun(makeRun('kept', 5));
    // Each attempt lets one more write through before the quota is full, until the import fits.
    let refusals = 0;
    for (let writes = 0; ; writes++) {
      fillAfter(writes);
      const refused = await store.importRecords(twoRuns()).then(
        () => null,
        (error: unknown) => error,
      );
      fillAfter(Number.POSITIVE_INFINITY);
      if (refused === null) break;
      expect(refused).toBeInstanceOf(StoreFullError);
      expect((refused as Error).message).toMatch(
        /could not save the import of 2 runs \(2 metric rows\) and 1 sweep\. Nothing already stored was lost/,
      );
      expect(await contents(store)).toEqual({ ...EMPTY, runs: ['kept'] });
      refusals++;
    }
    expect(refusals).toBeGreaterThanOrEqual(3);
    expect(await contents(store)).toEqual({
      runs: ['kept', 'b', 'a'],
      sweeps: ['s'],
      metrics: ['atrain1=0.5', 'btrain1=0.7'],
    });
  });

  it('reads an import back after being opened again', async () => {
    const { store, reopen } = await open();
    await store.importRecords(twoRuns());
    store.close();
    expect(await contents(reopen())).toEqual({
      runs: ['b', 'a'],
      sweeps: ['s'],
      metrics: ['atrain1=0.5', 'btrain1=0.7'],
    });
  });
});

describe('FileStore after a crash mid-import', () => {
  /** A staging folder as importFiles leaves it when the process dies: run a's files, READY or not. */
  async function crashedImport(ready: boolean): Promise<string> {
    const { store } = await openFiles();
    const dir = (store as FileStore).dir;
    const staging = join(dir, '.import-crashed');
    for (const folder of ['runs', 'metrics', 'sweeps'])
      await mkdir(join(staging, folder), { recursive: true });
    await writeFile(join(staging, 'runs', 'a.json'), JSON.stringify(makeRun('a', 1)));
    await writeFile(
      join(staging, 'metrics', 'a.jsonl'),
      `${JSON.stringify(makeMetric('a', 'train', 1, 0.5))}\n`,
    );
    if (ready) await writeFile(join(staging, 'READY'), '');
    return dir;
  }

  it('forgets an import cut before it was decided, once it is too old to be in progress', async () => {
    const dir = await crashedImport(false);
    expect(await contents(new FileStore(dir))).toEqual(EMPTY);
    expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual(['.import-crashed']);
    const longAgo = (Date.now() - ABANDONED_MS - 1000) / 1000;
    // Files still landing in its folders (the top folder old): in progress.
    await utimes(join(dir, '.import-crashed'), longAgo, longAgo);
    expect(await contents(new FileStore(dir))).toEqual(EMPTY);
    expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual(['.import-crashed']);
    for (const folder of ['runs', 'metrics', 'sweeps']) {
      await utimes(join(dir, '.import-crashed', folder), longAgo, longAgo);
    }
    expect(await contents(new FileStore(dir))).toEqual(EMPTY);
    expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('finishes an import whose files another store moved into place first', async () => {
    const { store } = await openFiles();
    disk.raced = true;
    expect((await store.importRecords(twoRuns())).runs.added).toEqual(['a', 'b']);
    expect(await contents(store)).toEqual({
      runs: ['b', 'a'],
      sweeps: ['s'],
      metrics: ['atrain1=0.5', 'btrain1=0.7'],
    });
  });

  it('finishes an import cut while its files were moved into place', async () => {
    const dir = await crashedImport(true);
    const store = new FileStore(dir);
    expect(await contents(store)).toEqual({ runs: ['a'], sweeps: [], metrics: ['atrain1=0.5'] });
    expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
