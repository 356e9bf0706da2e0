import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/engine/checkpoint.ts';
import { CpuEngine, generateCached } from '../../src/engine/cpu-engine.ts';
import { FastCpuEngine } from '../../src/engine/cpu/engine.ts';
import {
  activationFloats,
  CpuModelMemory,
  modelBackward as modelBackwardFast,
  modelForward as modelForwardFast,
} from '../../src/engine/cpu/model.ts';
import { CpuRuntime } from '../../src/engine/cpu/runtime.ts';
import type { TokenBatch } from '../../src/model/batch.ts';
import type { ModelConfig, PositionKind } from '../../src/model/config.ts';
import { initParameters, parameterLayout } from '../../src/model/layout.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import {
  modelBackward,
  modelForward,
  trainStep,
  type TrainStepOptions,
} from '../../src/model/reference/model.ts';
import { adamwState } from '../../src/model/reference/optim.ts';

/**
 * The fast CPU engine (float32, WebAssembly) against the float64 reference on the whole model:
 * the loss, every gradient, and the parameters after AdamW steps, for both position kinds, on
 * awkward shapes (heads of 6 channels, a sequence of 13 with segments and padding, a vocabulary
 * of 41). Float32 agrees with float64 to about 1e-6 per op; the tolerances leave room for depth.
 */

const ADAMW: TrainStepOptions = {
  learningRate: 1e-2,
  beta1: 0.9,
  beta2: 0.95,
  epsilon: 1e-8,
  weightDecay: 0.1,
  maxGradNorm: 1,
};

function shape(positions: PositionKind, heads = 4): ModelConfig {
  return { layers: 2, width: 24, heads, ffWidth: 40, context: 32, vocabSize: 41, positions };
}

function batch(config: ModelConfig, seed: number): TokenBatch {
  const B = 3;
  const T = 13;
  const V = config.vocabSize;
  const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + seed * 3) % V);
  const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + seed) % V);
  // Row 0 one segment, row 1 two packed sequences, row 2 right padding.
  const segments = Int32Array.from({ length: B * T }, (_, i) => {
    const [b, t] = [Math.floor(i / T), i % T];
    return b === 0 ? 0 : b === 1 ? (t < 6 ? 0 : 1) : t < 9 ? 0 : -1;
  });
  const weights = Float32Array.from({ length: B * T }, (_, i) =>
    segments[i] === -1 ? 0 : 0.5 + (i % 4) / 3,
  );
  return { batchSize: B, seqLen: T, tokens, targets, segments, weights };
}

const engines: FastCpuEngine[] = [];
async function fastEngine(threads?: number): Promise<FastCpuEngine> {
  const engine = await FastCpuEngine.open(null, threads === undefined ? {} : { threads });
  engines.push(engine);
  return engine;
}
afterAll(async () => {
  for (const engine of engines) await engine.dispose();
});

describe('the fast CPU engine on the whole model', () => {
  // Heads of 6 turn in JavaScript, heads of 8 on the rotary kernel (half a head is whole vectors).
  for (const [positions, heads] of [
    ['rotary', 4],
    ['rotary', 3],
    ['learned', 4],
  ] as const) {
    it(`gives the reference's loss, gradients and two AdamW steps (${positions} positions, ${heads} heads)`, async () => {
      const config = shape(positions, heads);
      const layout = parameterLayout(config);
      const params = Float64Array.from(initParameters(layout, 'fast'));
      const engine = await fastEngine(2);
      await engine.create(config, 'fast');

      // Loss and logits of the forward.
      const reference = modelForward(layout, params, batch(config, 1));
      const forward = await engine.forward(batch(config, 1));
      expect(relativeError(forward.logits, reference.logits)).toBeLessThan(1e-5);
      expect(Math.abs(forward.loss! - reference.loss!.loss) / reference.loss!.loss).toBeLessThan(1e-5);
      expect(relativeError(await engine.logProbs(batch(config, 1)), reference.loss!.logProbs)).toBeLessThan(
        1e-5,
      );

      // Every gradient, from the engine's forward and backward on its runtime.
      const rt = await CpuRuntime.create({ threads: 2 });
      const memory = new CpuModelMemory(rt, layout);
      memory.params.set(params);
      memory.transposeWeights();
      rt.reset(memory.mark, activationFloats(layout, 3, 13));
      modelBackwardFast(rt, memory, batch(config, 1), modelForwardFast(rt, memory, batch(config, 1), true));
      const expectedGrads = modelBackward(layout, params, batch(config, 1), reference);
      expect(relativeError(memory.grads, expectedGrads)).toBeLessThan(1e-4);
      rt.dispose();

      // Two AdamW steps with clipping.
      const state = adamwState(layout);
      for (const seed of [1, 2]) {
        const expected = trainStep(layout, params, state, batch(config, seed), ADAMW);
        const actual = await engine.trainStep(batch(config, seed), ADAMW);
        expect(Math.abs(actual.loss - expected.loss) / expected.loss).toBeLessThan(1e-5);
        expect(Math.abs(actual.gradNorm - expected.gradNorm) / expected.gradNorm).toBeLessThan(1e-4);
      }
      const saved = readCheckpoint(await engine.saveCheckpoint());
      expect(saved.optimizer!.step).toBe(2);
      expect(relativeError(saved.params, params)).toBeLessThan(1e-4);
      expect(relativeError(saved.optimizer!.m, state.m)).toBeLessThan(1e-4);
      expect(relativeError(saved.optimizer!.v, state.v)).toBeLessThan(1e-4);
    });
  }
});

describe('the fast CPU engine beside the reference engine', () => {
  it('generates the reference tokens from cached keys and values, with their log-probabilities', async () => {
    const config = shape('rotary');
    const layout = parameterLayout(config);
    const params = Float64Array.from(initParameters(layout, 'fast-generate'));
    const engine = await fastEngine();
    await engine.create(config, 'fast-generate');
    const prompts = [
      Int32Array.from([1, 2, 3, 4, 5, 6, 7]),
      Int32Array.from([9]),
      Int32Array.from([4, 4, 8]),
    ];
    for (const options of [
      { maxNewTokens: 9, temperature: 0 },
      { maxNewTokens: 9, temperature: 1, seed: 5, stopSequences: [[3]] },
    ]) {
      const expected = generateCached(layout, params, prompts, options);
      const actual = await engine.generate(prompts, options);
      for (const [b, row] of expected.entries()) {
        expect(Array.from(actual[b]!.tokens)).toEqual(row.tokens);
        expect(actual[b]!.finish).toBe(row.finish);
        expect(relativeError(actual[b]!.logProbs, row.logProbs)).toBeLessThan(1e-5);
      }
    }
  });

  it('shares checkpoints with the reference engine both ways', async () => {
    const config = shape('learned');
    const fast = await fastEngine();
    await fast.create(config, 'fast-checkpoint');
    await fast.trainStep(batch(config, 1), ADAMW);
    const saved = await fast.saveCheckpoint();
    const slow = new CpuEngine();
    expect(await slow.loadCheckpoint(saved)).toMatchObject({ config, optimizerStep: 1 });
    const again = await slow.saveCheckpoint();
    expect(Buffer.from(again.weights).equals(Buffer.from(saved.weights))).toBe(true);
    expect(Buffer.from(again.optimizer!).equals(Buffer.from(saved.optimizer!))).toBe(true);
    // Both continue alike from there.
    const a = await fast.trainStep(batch(config, 2), ADAMW);
    const b = await slow.trainStep(batch(config, 2), ADAMW);
    expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(1e-5);
    const restored = await fastEngine();
    expect(await restored.loadCheckpoint(await slow.saveCheckpoint())).toMatchObject({ optimizerStep: 2 });
    const reloaded = readCheckpoint(await restored.saveCheckpoint());
    expect(relativeError(reloaded.params, readCheckpoint(await slow.saveCheckpoint()).params)).toBe(0);
  });

  it('says what it runs on', async () => {
    const engine = await fastEngine(2);
    const info = await engine.info();
    expect(info).toMatchObject({ backend: 'cpu', cpuReason: null, config: null });
    expect(info.adapter).toMatch(/float32 WebAssembly, (relaxed|plain) SIMD, 2 threads/);
    await expect(engine.trainStep(batch(shape('rotary'), 1), ADAMW)).rejects.toThrow(/No model yet/);
  });
});
