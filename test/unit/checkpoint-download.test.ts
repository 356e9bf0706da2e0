import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint } from '../../src/engine/checkpoint.ts';
import { modelConfig, type ModelConfig } from '../../src/model/config.ts';
import { initParameters, parameterLayout } from '../../src/model/layout.ts';
import { DexieStore } from '../../src/store/db.ts';
import type { CheckpointRecord } from '../../src/store/records.ts';
import { checkpointDownload, type CheckpointSidecar } from '../../src/train/checkpoint-download.ts';
import { initialRunState } from '../../src/train/state.ts';
import { makeRun } from './store-fixtures.ts';

const config: ModelConfig = { ...modelConfig('nano', { vocabSize: 37, positions: 'learned' }), context: 16 };

function checkpointAt(step: number, weights: ArrayBuffer): CheckpointRecord {
  const layout = parameterLayout(config);
  const optimizer = {
    m: new Float32Array(layout.totalFloats),
    v: new Float32Array(layout.totalFloats),
    step,
  };
  return {
    runId: 'r',
    step,
    phase: 'sft',
    flops: step * 1e6,
    createdAt: Date.UTC(2026, 11, 3, 12, 0, step),
    weights,
    optimizer: writeCheckpoint({ config, params: initParameters(layout, 'x'), optimizer }).optimizer!,
    tokenizer: { kind: 'learned', merges: [[104, 105]] },
    state: { ...initialRunState(), step },
  };
}

async function storeWithCheckpoints(): Promise<DexieStore> {
  const store = new DexieStore('lab-download-test', { indexedDB: new IDBFactory(), IDBKeyRange });
  await store.putRun(makeRun('r', 1));
  for (const step of [2, 4]) {
    const params = initParameters(parameterLayout(config), `step ${step}`);
    await store.putCheckpoint(
      checkpointAt(step, writeCheckpoint({ config, params, optimizer: null }).weights),
    );
  }
  return store;
}

describe('checkpoint download', () => {
  it('gives the weights as safetensors and a sidecar with the model, tokenizer and run', async () => {
    const store = await storeWithCheckpoints();
    const latest = await checkpointDownload(store, 'r');
    expect(latest.weights.fileName).toBe('r.step-4.weights.safetensors');
    expect(latest.sidecar.fileName).toBe('r.step-4.checkpoint.json');
    const stored = await store.getCheckpoint('r', 4);
    expect(new Uint8Array(latest.weights.bytes)).toEqual(new Uint8Array(stored!.weights));
    expect(readCheckpoint({ weights: latest.weights.bytes }).config).toEqual(config);
    const sidecar = JSON.parse(latest.sidecar.text) as CheckpointSidecar;
    expect(sidecar).toMatchObject({
      schema: 'web-agent-lab/checkpoint',
      weightsFile: 'r.step-4.weights.safetensors',
      weightsBytes: stored!.weights.byteLength,
      step: 4,
      phase: 'sft',
      flops: 4e6,
      createdAt: '2026-12-03T12:00:04.000Z',
      model: config,
      tokenizer: { kind: 'learned', merges: [[104, 105]] },
      run: { id: 'r', name: 'run r' },
    });
    expect((await checkpointDownload(store, 'r', 2)).weights.fileName).toBe('r.step-2.weights.safetensors');
    store.close();
  });

  it('says which checkpoints exist when asked for a missing one, and refuses unreadable weights', async () => {
    const store = await storeWithCheckpoints();
    await expect(checkpointDownload(store, 'r', 3)).rejects.toThrow(
      'Run r (run r) has no checkpoint at step 3: its checkpoints are at steps 2, 4.',
    );
    await expect(checkpointDownload(store, 'none')).rejects.toThrow(/Run none is not in the store/);
    await store.putCheckpoint(checkpointAt(6, new Uint8Array([1, 2, 3]).buffer));
    await expect(checkpointDownload(store, 'r')).rejects.toThrow(
      /The checkpoint at step 6 of run r cannot be read .*: delete it, or download an earlier one/,
    );
    store.close();
  });
});
