import { GpuContext } from '../gpu/context.ts';
import { requestGpuDevice } from '../gpu/device.ts';
import { generate } from '../gpu/generate.ts';
import { GpuModel } from '../gpu/model.ts';
import { matmulForward } from '../gpu/ops/matmul.ts';
import { STORAGE_USAGE } from '../gpu/buffers.ts';
import { modelConfig, type ModelConfig, type PresetName } from '../model/config.ts';
import type { TrainStepOptions } from '../model/reference/model.ts';
import {
  assembleReport,
  planBenchEngine,
  randomBatch,
  randomFloats,
  round,
  timeRepeated,
  timeRuns,
  type AdapterReport,
  type BenchEnginePlan,
  type BenchEngineReport,
  type BenchEngineRequest,
  type EngineMeasurements,
  type MatmulShape,
  type TfjsMeasurements,
  type TrainShape,
} from './bench-engine-plan.ts';

/**
 * The engine benchmark on one WebGPU implementation (Chromium's in the harness page, Dawn in
 * Node): matmuls, training steps (GpuModel.trainStep: forward, backward, clipping and AdamW in
 * one submission), batched generation and GPU memory. The TF.js side is a callback, since only
 * the page has it.
 */

/** The training hyperparameters of the lab's SFT (they do not change the work done). */
export const BENCH_TRAIN_OPTIONS: TrainStepOptions = {
  learningRate: 3e-4,
  beta1: 0.9,
  beta2: 0.95,
  epsilon: 1e-8,
  weightDecay: 0.1,
  maxGradNorm: 1,
};

export interface EngineBenchOptions {
  /** navigator.gpu, or Dawn's `gpu` object in Node. */
  readonly gpu?: GPU;
  /** Names the WebGPU implementation in the report ("chromium 156", "node dawn"). */
  readonly runtime: string;
  readonly onProgress: (line: string) => void;
  /** Measures the same work with TF.js; absent where TF.js cannot run, with the reason. */
  readonly tfjs: ((plan: BenchEnginePlan) => Promise<TfjsMeasurements>) | { skipped: string };
}

export async function runEngineBench(
  request: BenchEngineRequest,
  options: EngineBenchOptions,
): Promise<BenchEngineReport> {
  const gpuDevice = await requestGpuDevice({
    ...(options.gpu && { gpu: options.gpu }),
    onError: (error) => options.onProgress(`bench engine: ${error.message}`),
  });
  const info = gpuDevice.adapterInfo;
  const adapter: AdapterReport = {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: gpuDevice.isFallbackAdapter,
  };
  const plan = planBenchEngine(request, gpuDevice.isFallbackAdapter);
  const say = options.onProgress;
  say(
    `bench engine on ${adapter.vendor || '?'} ${adapter.architecture} ${adapter.description}` +
      (plan.scaledForSoftwareAdapter ? ' (software adapter: sizes scaled down)' : ''),
  );
  let ours: EngineMeasurements;
  try {
    ours = await measureEngine(gpuDevice.device, plan, say);
  } finally {
    gpuDevice.device.destroy();
  }
  const tfjs = typeof options.tfjs === 'function' ? await options.tfjs(plan) : options.tfjs;
  return assembleReport(adapter, options.runtime, plan, ours, tfjs);
}

async function measureEngine(
  device: GPUDevice,
  plan: BenchEnginePlan,
  say: (line: string) => void,
): Promise<EngineMeasurements> {
  const result: EngineMeasurements = {
    matmulGflops: {},
    trainTokensPerSecond: {},
    trainStepMs: {},
    generateTokensPerSecond: {},
    gpuBytes: {},
  };
  for (const shape of plan.matmuls) {
    const seconds = await timeMatmul(device, shape, plan);
    result.matmulGflops[shape.name] = round((2 * shape.M * shape.N * shape.K) / seconds / 1e9);
    say(
      `ours matmul ${shape.name} (${shape.M}x${shape.N}x${shape.K}): ${result.matmulGflops[shape.name]} GFLOP/s`,
    );
  }
  for (const shape of plan.train) {
    const { seconds, bytes } = await timeTraining(device, shape, plan, plan.timedRuns);
    const tokens = shape.batchSize * shape.seqLen;
    result.trainTokensPerSecond[shape.preset] = round(tokens / seconds);
    result.trainStepMs[shape.preset] = round(seconds * 1000);
    result.gpuBytes[shape.preset] = bytes;
    say(
      `ours train ${shape.preset} ${shape.batchSize}x${shape.seqLen}: ${result.trainTokensPerSecond[shape.preset]} tokens/s`,
    );
  }
  for (const shape of plan.memory) {
    if (result.gpuBytes[shape.preset] !== undefined) continue;
    result.gpuBytes[shape.preset] = (await timeTraining(device, shape, plan, 0)).bytes;
  }
  for (const batchSize of plan.generate.batchSizes) {
    const rate = await timeGeneration(device, plan, batchSize);
    result.generateTokensPerSecond[String(batchSize)] = round(rate);
    say(`ours generate ${plan.generate.preset} batch ${batchSize}: ${round(rate)} tokens/s`);
  }
  return result;
}

function storage(device: GPUDevice, floats: number, label: string, data?: Float32Array): GPUBuffer {
  const buffer = device.createBuffer({ label, size: Math.max(16, floats * 4), usage: STORAGE_USAGE });
  if (data) device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

/** Seconds of one matmul: `count` of them per submission, each submission waited for. */
async function timeMatmul(device: GPUDevice, shape: MatmulShape, plan: BenchEnginePlan): Promise<number> {
  const { M, N, K } = shape;
  const ctx = new GpuContext(device);
  const a = storage(device, M * K, 'bench a', randomFloats(M * K, 1));
  const b = storage(device, N * K, 'bench b', randomFloats(N * K, 2));
  const out = storage(device, M * N, 'bench out');
  try {
    return await timeRepeated(async (count) => {
      const encoder = device.createCommandEncoder({ label: 'bench matmul' });
      for (let i = 0; i < count; i++) matmulForward(ctx, encoder, out, a, b, null, M, K, N);
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
    }, plan);
  } finally {
    a.destroy();
    b.destroy();
    out.destroy();
    ctx.destroy();
  }
}

function benchConfig(preset: PresetName, plan: BenchEnginePlan): ModelConfig {
  return modelConfig(preset, { vocabSize: plan.vocabSize });
}

/**
 * Median seconds of GpuModel.trainStep (it ends with the loss's read-back) and the bytes the
 * engine holds for it afterwards: the model's parameters, gradients, AdamW moments and
 * activations, and what the op pool allocated during the step. `runs` 0 takes one step only.
 */
async function timeTraining(
  device: GPUDevice,
  shape: TrainShape,
  plan: BenchEnginePlan,
  runs: number,
): Promise<{ seconds: number; bytes: number }> {
  const { preset, batchSize, seqLen } = shape;
  const ctx = new GpuContext(device);
  const model = GpuModel.create(ctx, benchConfig(preset, plan), 1, { maxTokens: batchSize * seqLen });
  try {
    const batch = randomBatch(batchSize, seqLen, plan.vocabSize, 3);
    const step = async (): Promise<void> => {
      await model.trainStep(batch, BENCH_TRAIN_OPTIONS);
    };
    const seconds = runs === 0 ? await timeRuns(step, 0, 1) : await timeRuns(step, plan.warmupRuns, runs);
    const bytes = model.bytes + model.optimizer.decayMask.size + (model.rotary?.size ?? 0) + ctx.pool.bytes;
    return { seconds, bytes };
  } finally {
    model.destroy();
    ctx.destroy();
  }
}

/** Generated tokens per second (prefill included) for `batchSize` random prompts. */
async function timeGeneration(device: GPUDevice, plan: BenchEnginePlan, batchSize: number): Promise<number> {
  const { preset, promptTokens, newTokens } = plan.generate;
  const ctx = new GpuContext(device);
  const model = GpuModel.create(ctx, benchConfig(preset, plan), 1, {
    maxTokens: batchSize * promptTokens,
  });
  try {
    const prompts = Array.from(
      { length: batchSize },
      (_, b) => randomBatch(1, promptTokens, plan.vocabSize, 10 + b).tokens,
    );
    let seed = 0;
    const seconds = await timeRuns(
      async () => {
        await generate(model, prompts, { maxNewTokens: newTokens, temperature: 1, seed: seed++ });
      },
      plan.warmupRuns,
      plan.timedRuns,
    );
    return (batchSize * newTokens) / seconds;
  } finally {
    model.destroy();
    ctx.destroy();
  }
}
