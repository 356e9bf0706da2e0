import { runConfigOf } from '../../src/train/config.ts';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { DexieStore } from '../../src/store/db.ts';
import type { CheckpointRecord, MetricRecord, RunRecord } from '../../src/store/records.ts';
import { RunConfigSchema } from '../../src/train/config.ts';
import { initialRunState } from '../../src/train/state.ts';
import { refuseWritesWhen } from '../fixtures/full-quota.ts';

const names: string[] = [];
const stores: DexieStore[] = [];
afterEach(async () => {
  stores.splice(0).forEach((store) => store.close());
  for (const name of names.splice(0)) await Dexie.delete(name);
});

function openStore(name: string): DexieStore {
  const store = new DexieStore(name);
  stores.push(store);
  return store;
}

function freshName(): string {
  const name = `web-agent-lab-test-${crypto.randomUUID()}`;
  names.push(name);
  return name;
}

function makeRun(id: string, createdAt: number): RunRecord {
  const config = RunConfigSchema.parse({ name: id, teacher: { llm: { apiKey: 'sk-never-stored' } } });
  return {
    id,
    name: id,
    createdAt,
    updatedAt: createdAt,
    config,
    status: 'running',
    error: null,
    datasetId: null,
    state: initialRunState(),
    summary: null,
    lineage: { sweepId: null, strategy: 'sft', parent: null, sftAmount: null, hyperparameters: {} },
  };
}

function makeMetric(runId: string, kind: MetricRecord['kind'], step: number): MetricRecord {
  return {
    runId,
    kind,
    step,
    phase: 'sft',
    flops: step * 1e9,
    wallMs: step,
    values: { loss: 1 / (step + 1) },
  };
}

/** A checkpoint whose bytes all differ from their neighbours', so any shift or truncation shows. */
function makeCheckpoint(runId: string, step: number, bytes: number): CheckpointRecord {
  const weights = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) weights[i] = (i * 31 + (i >> 8)) & 0xff;
  const optimizer = new Float32Array(1024).map((_, i) => i / 7);
  return {
    runId,
    step,
    phase: 'sft',
    flops: step * 1e9,
    createdAt: step,
    weights: weights.buffer,
    optimizer: optimizer.buffer,
    tokenizer: { kind: 'learned', merges: [[104, 105]] },
    state: { ...initialRunState(), step },
  };
}

/** The first index where two byte arrays differ (-1: none); toEqual over a megabyte takes seconds. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  return a.findIndex((byte, i) => byte !== b[i]);
}

describe('DexieStore on the browser IndexedDB', () => {
  it('reads a run, its metrics and a 1 MB checkpoint back intact after the database is closed and reopened', async () => {
    const name = freshName();
    const first = openStore(name);
    await first.putRun(makeRun('older', 1));
    await first.putRun(makeRun('newer', 2));
    const metrics = [3, 1, 2].map((step) => makeMetric('newer', 'train', step));
    await first.putMetrics([...metrics, makeMetric('newer', 'eval', 2)]);
    const megabyte = makeCheckpoint('newer', 2, 1 << 20);
    await first.putCheckpoint(makeCheckpoint('newer', 1, 1000));
    await first.putCheckpoint(megabyte);
    first.close();

    const second = openStore(name);
    expect((await second.listRuns()).map((run) => run.id)).toEqual(['newer', 'older']);
    const run = await second.getRun('newer');
    expect(runConfigOf(run!).teacher.llm.apiKey).toBe('');
    expect(run?.state).toEqual(initialRunState());
    expect((await second.metrics('newer')).map((m) => `${m.kind}${m.step}`)).toEqual([
      'train1',
      'train2',
      'eval2',
      'train3',
    ]);
    expect((await second.metrics('newer', 'train'))[0]).toEqual(makeMetric('newer', 'train', 1));
    expect((await second.listCheckpoints('newer')).map((c) => [c.step, c.bytes])).toEqual([
      [1, 1000 + 4096],
      [2, (1 << 20) + 4096],
    ]);
    const latest = await second.latestCheckpoint('newer');
    expect(latest?.step).toBe(2);
    expect(latest?.weights.byteLength).toBe(1 << 20);
    expect(firstDifference(new Uint8Array(latest!.weights), new Uint8Array(megabyte.weights))).toBe(-1);
    expect(new Float32Array(latest!.optimizer!)).toEqual(new Float32Array(megabyte.optimizer!));
    expect(latest?.tokenizer).toEqual({ kind: 'learned', merges: [[104, 105]] });
  });

  it('deletes a run with its metrics and checkpoints', async () => {
    const name = freshName();
    const store = openStore(name);
    for (const id of ['gone', 'kept']) {
      await store.putRun(makeRun(id, 1));
      await store.putMetrics([makeMetric(id, 'train', 1)]);
      await store.putCheckpoint(makeCheckpoint(id, 1, 4096));
    }
    await store.deleteRun('gone');
    store.close();
    const reopened = openStore(name);
    expect(await reopened.getRun('gone')).toBeUndefined();
    expect(await reopened.metrics('gone')).toEqual([]);
    expect(await reopened.listCheckpoints('gone')).toEqual([]);
    expect(await reopened.getCheckpoint('gone', 1)).toBeUndefined();
    expect(await reopened.db.checkpointBuffers.where('runId').equals('gone').count()).toBe(0);
    expect(await reopened.metrics('kept')).toHaveLength(1);
    expect((await reopened.latestCheckpoint('kept'))?.weights.byteLength).toBe(4096);
  });

  it('undoes a whole import when the quota fills midway, in the real IndexedDB', async () => {
    const store = openStore(freshName());
    let writesLeft = Number.POSITIVE_INFINITY;
    refuseWritesWhen(store, () => writesLeft-- <= 0);
    const records = {
      sweeps: [],
      runs: ['a', 'b'].map((id, i) => ({ run: makeRun(id, i), metrics: [makeMetric(id, 'train', 1)] })),
    };
    // Sweeps, two deletes of stale rows and the metrics go through; the runs, its last write, are refused.
    writesLeft = 4;
    await expect(store.importRecords(records)).rejects.toThrow(/Storage is full: could not save the import/);
    writesLeft = Number.POSITIVE_INFINITY;
    expect(await store.listRuns()).toEqual([]);
    expect(await store.metrics('a')).toEqual([]);
    expect((await store.importRecords(records)).runs.added).toEqual(['a', 'b']);
    expect(await store.metrics('b')).toEqual([makeMetric('b', 'train', 1)]);
  });
});
