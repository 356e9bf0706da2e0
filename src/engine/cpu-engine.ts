import type { TokenBatch } from '../model/batch.ts';
import { validateModelConfig, type ModelConfig } from '../model/config.ts';
import { initParameters, parameterLayout, type ParameterLayout } from '../model/layout.ts';
import {
  microBatches,
  modelForward,
  trainStep,
  type StepBatches,
  type TrainStepOptions,
} from '../model/reference/model.ts';
import { adamwState, type AdamWState } from '../model/reference/optim.ts';
import { readCheckpoint, writeCheckpoint, type EngineCheckpoint } from './checkpoint.ts';
import type {
  Engine,
  EngineInfo,
  ForwardResult,
  Generation,
  GenerateOptions,
  TrainStepResult,
} from './engine.ts';
import { createKeyValueCache, forwardCached } from '../model/reference/decode.ts';
import { generateRows, type CachedGeneration } from './cached-generation.ts';

export type { CachedGeneration } from './cached-generation.ts';

/**
 * The engine on the CPU reference (model/reference, float64) for browsers without WebGPU: the
 * same calls and checkpoints as the WebGPU engine, far slower. Generation reads each prompt once
 * and keeps its keys and values (model/reference/decode.ts), so every new token costs one token's
 * forward; positions count from each prompt's first token, as on the GPU. It draws tokens with
 * the GPU sampler's hash and Gumbel-max rule, so a seed draws the same tokens on both engines
 * wherever their float32 and float64 logits agree on the winner.
 */

interface CpuModel {
  readonly layout: ParameterLayout;
  readonly params: Float64Array;
  readonly optimizer: AdamWState;
}

export class CpuEngine implements Engine {
  private model: CpuModel | null = null;

  /** @param cpuReason why the CPU engine runs in place of WebGPU (shown in info), null when asked for. */
  constructor(private readonly cpuReason: string | null = null) {}

  async create(config: ModelConfig, seed: number | string): Promise<EngineInfo> {
    const layout = parameterLayout(validateModelConfig(config));
    this.model = {
      layout,
      params: Float64Array.from(initParameters(layout, seed)),
      optimizer: adamwState(layout),
    };
    return this.info();
  }

  async trainStep(batches: StepBatches, options: TrainStepOptions): Promise<TrainStepResult> {
    const { layout, params, optimizer } = this.current();
    if (microBatches(batches).some((batch) => batch.targets === undefined)) {
      throw new Error('A training step needs batches with targets (the token each position should predict).');
    }
    return trainStep(layout, params, optimizer, batches, options);
  }

  async forward(batch: TokenBatch): Promise<ForwardResult> {
    const { layout, params } = this.current();
    const acts = modelForward(layout, params, batch);
    return { logits: Float32Array.from(acts.logits), loss: acts.loss?.loss ?? null };
  }

  async logProbs(batch: TokenBatch): Promise<Float32Array> {
    const { layout, params } = this.current();
    if (batch.targets === undefined)
      throw new Error('logProbs needs a batch with targets (the tokens to score).');
    return Float32Array.from(modelForward(layout, params, batch).loss!.logProbs);
  }

  async generate(prompts: readonly Int32Array[], options: GenerateOptions): Promise<Generation[]> {
    const { layout, params } = this.current();
    return generateCached(layout, params, prompts, options).map((row) => ({
      tokens: Int32Array.from(row.tokens),
      logProbs: Float32Array.from(row.logProbs),
      finish: row.finish,
    }));
  }

  async saveCheckpoint(): Promise<EngineCheckpoint> {
    const { layout, params, optimizer } = this.current();
    return writeCheckpoint({
      config: layout.config,
      params,
      optimizer: { m: optimizer.m, v: optimizer.v, step: optimizer.step },
    });
  }

  async loadCheckpoint(checkpoint: EngineCheckpoint): Promise<EngineInfo> {
    const contents = readCheckpoint(checkpoint);
    const layout = parameterLayout(contents.config);
    const optimizer = adamwState(layout);
    if (contents.optimizer !== null) {
      optimizer.m.set(contents.optimizer.m);
      optimizer.v.set(contents.optimizer.v);
      optimizer.step = contents.optimizer.step;
    }
    this.model = { layout, params: Float64Array.from(contents.params), optimizer };
    return this.info();
  }

  async info(): Promise<EngineInfo> {
    const model = this.model;
    return {
      backend: 'cpu',
      adapter: 'CPU reference engine (float64 JavaScript)',
      fallbackAdapter: false,
      cpuReason: this.cpuReason,
      config: model?.layout.config ?? null,
      parameterCount: model?.layout.parameterCount ?? 0,
      optimizerStep: model?.optimizer.step ?? 0,
      memoryBytes: model === null ? 0 : 3 * model.params.byteLength,
    };
  }

  async dispose(): Promise<void> {
    this.model = null;
  }

  private current(): CpuModel {
    if (this.model === null)
      throw new Error('No model yet: call create(config, seed) or loadCheckpoint first.');
    return this.model;
  }
}

/**
 * The CPU engine's generation: each row reads its prompt once into its own key-value cache
 * (model/reference/decode.ts), then decodes one token per step (cached-generation.ts has the rules).
 */
export function generateCached(
  layout: ParameterLayout,
  params: Float64Array,
  prompts: readonly ArrayLike<number>[],
  options: GenerateOptions,
): CachedGeneration[] {
  return generateRows(
    layout.config,
    prompts,
    options,
    (capacity) => createKeyValueCache(layout.config, capacity),
    (caches, tokens) => forwardCached(layout, params, caches, tokens),
  );
}
