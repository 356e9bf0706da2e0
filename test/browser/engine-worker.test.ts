import { afterAll, describe, expect, it } from 'vitest';
import { EngineClient } from '../../workers/engine-client.ts';
import { describeEngine } from '../../src/engine/engine.ts';
import type { TokenBatch } from '../../src/model/batch.ts';
import { modelConfig, type ModelConfig } from '../../src/model/config.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import type { TrainStepOptions } from '../../src/model/reference/model.ts';

/** nano with a short context and an odd vocabulary, so that tests stay quick on SwiftShader. */
const config: ModelConfig = { ...modelConfig('nano', { vocabSize: 37 }), context: 32 };
const ADAMW: TrainStepOptions = {
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.95,
  epsilon: 1e-8,
  weightDecay: 0.1,
  maxGradNorm: 1,
};
const TOLERANCE = 1e-4;

/** B rows of T tokens, right-padded at different lengths, predicting the next token of a simple pattern. */
function batch(seed: number, B = 3, T = 12): TokenBatch {
  const V = config.vocabSize;
  const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + seed) % V);
  const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + seed + 7) % V);
  const segments = Int32Array.from({ length: B * T }, (_, i) => (i % T < T - Math.floor(i / T) * 3 ? 0 : -1));
  return { batchSize: B, seqLen: T, tokens, targets, segments };
}

function sameBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
}

const clients: EngineClient[] = [];
async function start(backend: 'webgpu' | 'cpu', onError?: (error: Error) => void): Promise<EngineClient> {
  const client = await EngineClient.start({ backend, onError });
  clients.push(client);
  return client;
}
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose().catch(() => undefined)));
});

describe('the engine worker through comlink', () => {
  it('creates a model on WebGPU, trains, generates, and round-trips a checkpoint to identical logits', async () => {
    const engine = await start('webgpu');
    const info = await engine.create(config, 'engine/worker', { maxTokens: 64 });
    expect(info).toMatchObject({ backend: 'webgpu', config, optimizerStep: 0, cpuReason: null });
    expect(info.parameterCount).toBeGreaterThan(0);
    expect(describeEngine(info)).toMatch(/^Training on WebGPU/);

    const first = await engine.trainStep(batch(1), ADAMW);
    expect(first.skipped).toBe(false);
    expect(Number.isFinite(first.loss) && Number.isFinite(first.gradNorm)).toBe(true);
    expect(first.loss).toBeCloseTo(Math.log(config.vocabSize), 0);

    const prompts = [Int32Array.from([1, 2, 3, 4]), Int32Array.from([9])];
    const generations = await engine.generate(prompts, { maxNewTokens: 5, temperature: 0 });
    expect(generations.map((g) => g.tokens.length)).toEqual([5, 5]);
    for (const generation of generations) {
      expect(generation.logProbs.length).toBe(5);
      expect(generation.logProbs.every((p) => p <= 0 && Number.isFinite(p))).toBe(true);
    }
    expect(await engine.generate(prompts, { maxNewTokens: 5, temperature: 0 })).toEqual(generations);

    const checkpoint = await engine.saveCheckpoint();
    const probe = batch(5, 2, 10);
    const saved = await engine.forward(probe);
    expect(saved.logits.length).toBe(2 * 10 * config.vocabSize);
    const savedLogProbs = await engine.logProbs(probe);
    await engine.trainStep(batch(2), ADAMW);
    expect(relativeError((await engine.forward(probe)).logits, saved.logits)).toBeGreaterThan(0);

    const loaded = await engine.loadCheckpoint(checkpoint);
    expect(loaded.optimizerStep).toBe(1);
    const restored = await engine.forward(probe);
    expect(restored.logits).toEqual(saved.logits);
    expect(restored.loss).toBe(saved.loss);
    expect(await engine.logProbs(probe)).toEqual(savedLogProbs);
    // The checkpoint still belongs to the caller (it was copied, not moved, into the worker).
    expect(checkpoint.weights.byteLength).toBeGreaterThan(0);
  });

  it('gives the same losses on the CPU engine as on WebGPU, and they read each other’s checkpoints', async () => {
    const [gpu, cpu] = await Promise.all([start('webgpu'), start('cpu')]);
    await gpu.create(config, 'engine/cpu-vs-gpu', { maxTokens: 64 });
    const cpuInfo = await cpu.create(config, 'engine/cpu-vs-gpu');
    expect(cpuInfo.backend).toBe('cpu');
    // Chromium has relaxed SIMD; without cross-origin isolation the engine says why it runs on one thread.
    expect(describeEngine(cpuInfo)).toMatch(
      /^Training on the CPU: CPU engine \(float32 WebAssembly, relaxed SIMD, (\d+ threads?|1 thread: SharedArrayBuffer is unavailable.*)\)\.$/,
    );
    // The second step accumulates two micro-batches (through comlink, on both engines).
    const steps = [batch(1), [2, 6].map((seed) => ({ ...batch(seed, 2), normaliser: 20 }))];
    for (const step of steps) {
      const [onGpu, onCpu] = await Promise.all([gpu.trainStep(step, ADAMW), cpu.trainStep(step, ADAMW)]);
      expect(Math.abs(onGpu.loss - onCpu.loss) / onCpu.loss).toBeLessThan(TOLERANCE);
      expect(Math.abs(onGpu.gradNorm - onCpu.gradNorm) / onCpu.gradNorm).toBeLessThan(TOLERANCE);
    }
    // The CPU engine's checkpoint on the GPU (and back) gives the same logits.
    const probe = batch(3, 2, 10);
    const checkpoint = await cpu.saveCheckpoint();
    await gpu.loadCheckpoint(checkpoint);
    const [gpuForward, cpuForward] = await Promise.all([gpu.forward(probe), cpu.forward(probe)]);
    expect(relativeError(gpuForward.logits, cpuForward.logits)).toBeLessThan(TOLERANCE);
    const back = await gpu.saveCheckpoint();
    expect(sameBytes(back.weights, checkpoint.weights)).toBe(true);
    expect(sameBytes(back.optimizer!, checkpoint.optimizer!)).toBe(true);
    // Their samplers share the hash: at temperature 1 the same seed draws the same tokens.
    const prompts = [Int32Array.from([3, 1, 4, 1, 5])];
    const options = { maxNewTokens: 6, temperature: 1, seed: 42 };
    const [gpuSample, cpuSample] = await Promise.all([
      gpu.generate(prompts, options),
      cpu.generate(prompts, options),
    ]);
    expect(Array.from(gpuSample[0]!.tokens)).toEqual(Array.from(cpuSample[0]!.tokens));
    expect(relativeError(gpuSample[0]!.logProbs, cpuSample[0]!.logProbs)).toBeLessThan(TOLERANCE);
  });

  it('reports a lost GPU device plainly and rebuilds from the last checkpoint', async () => {
    const reported: Error[] = [];
    const engine = await start('webgpu', (error) => reported.push(error));
    await engine.create(config, 'engine/lost', { maxTokens: 64 });
    await engine.trainStep(batch(1), ADAMW);
    const checkpoint = await engine.saveCheckpoint();
    const probe = batch(4, 2, 10);
    const saved = await engine.forward(probe);
    await engine.trainStep(batch(2), ADAMW); // progress the checkpoint does not have

    await engine.loseDeviceForTesting();
    const lost = /^The GPU device was lost \(destroyed.*\)\. Rebuild the engine from the last checkpoint\.$/;
    await expect(engine.trainStep(batch(3), ADAMW)).rejects.toThrow(lost);
    await expect(engine.forward(probe)).rejects.toThrow(lost);
    await expect.poll(() => reported.length).toBe(1);
    expect(reported[0]!.message).toMatch(lost);

    expect(engine.lastCheckpoint).toBe(checkpoint);
    const info = await engine.rebuild();
    expect(info).toMatchObject({ backend: 'webgpu', config, optimizerStep: 1 });
    const rebuilt = await engine.saveCheckpoint();
    expect(sameBytes(rebuilt.weights, checkpoint.weights)).toBe(true);
    expect(sameBytes(rebuilt.optimizer!, checkpoint.optimizer!)).toBe(true);
    expect((await engine.forward(probe)).logits).toEqual(saved.logits);
    // And it trains on.
    expect((await engine.trainStep(batch(3), ADAMW)).skipped).toBe(false);
  });
});
