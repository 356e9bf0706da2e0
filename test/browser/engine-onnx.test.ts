import * as ort from 'onnxruntime-web/wasm';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/engine/checkpoint.ts';
import { EngineClient } from '../../workers/engine-client.ts';
import { exportOnnx } from '../../src/engine/onnx.ts';
import { modelConfig, type ModelConfig, type PositionKind } from '../../src/model/config.ts';
import { relativeError } from '../../src/model/reference/check.ts';

// The wasm binary as Vite serves it from node_modules; one thread (no cross-origin isolation needed).
ort.env.wasm.wasmPaths = { wasm: wasmUrl };
ort.env.wasm.numThreads = 1;

const TOLERANCE = 1e-4;

let engine: EngineClient | null = null;
afterAll(async () => {
  await engine?.dispose();
});

describe('an exported ONNX file in onnxruntime-web', () => {
  for (const positions of ['learned', 'rotary'] as PositionKind[]) {
    it(`gives the WebGPU engine's logits with ${positions} positions (wasm backend)`, async () => {
      engine ??= await EngineClient.start({ backend: 'webgpu' });
      const config: ModelConfig = { ...modelConfig('nano', { vocabSize: 37, positions }), context: 32 };
      await engine.create(config, `engine/onnx/${positions}`, { maxTokens: 64 });
      // A few steps move every tensor off its initialisation (biases from 0, gains from 1).
      const B = 2;
      const T = 16;
      const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 2) % config.vocabSize);
      const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 7) % config.vocabSize);
      const options = { learningRate: 1e-2, beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0 };
      for (let step = 0; step < 3; step++) {
        await engine.trainStep({ batchSize: B, seqLen: T, tokens, targets }, options);
      }
      const { logits } = await engine.forward({ batchSize: B, seqLen: T, tokens });

      const { params } = readCheckpoint(await engine.saveCheckpoint());
      const session = await ort.InferenceSession.create(exportOnnx(config, params), {
        executionProviders: ['wasm'],
      });
      const feeds = { tokens: new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [B, T]) };
      const output = (await session.run(feeds)).logits!;
      expect(output.dims).toEqual([B, T, config.vocabSize]);
      expect(relativeError(output.data as Float32Array, logits)).toBeLessThan(TOLERANCE);
      await session.release();
    });
  }
});
