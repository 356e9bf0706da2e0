import type { TokenBatch } from '../../model/batch.ts';
import { validateModelConfig, type ModelConfig } from '../../model/config.ts';
import { initParameters, parameterLayout } from '../../model/layout.ts';
import { microBatches, type StepBatches, type TrainStepOptions } from '../../model/reference/model.ts';
import { generateRows } from '../cached-generation.ts';
import { readCheckpoint, writeCheckpoint, type EngineCheckpoint } from '../checkpoint.ts';
import type {
  Engine,
  EngineInfo,
  ForwardResult,
  Generation,
  GenerateOptions,
  TrainStepResult,
} from '../engine.ts';
import { createFloat32Cache, forwardCached, type Float32Cache } from './decode.ts';
import { activationFloats, CpuModelMemory, modelBackward, modelForward } from './model.ts';
import { adamwStep, gradientNorm, optimizerFloats } from './optim.ts';
import { CpuRuntime, type CpuRuntimeOptions } from './runtime.ts';

/**
 * The fast CPU engine: the model in float32 on WebAssembly SIMD kernels over every core
 * (runtime.ts), behind the same calls and checkpoints as the WebGPU engine. The float64 engine
 * (cpu-engine.ts) stays the reference it is tested against.
 */
export class FastCpuEngine implements Engine {
  private model: CpuModelMemory | null = null;
  private optimizerStep = 0;

  private constructor(
    private readonly rt: CpuRuntime,
    private readonly cpuReason: string | null,
  ) {}

  /** @param cpuReason why a CPU engine runs where WebGPU was wanted (shown in info), null when asked for. */
  static async open(
    cpuReason: string | null = null,
    options: CpuRuntimeOptions = {},
  ): Promise<FastCpuEngine> {
    return new FastCpuEngine(await CpuRuntime.create(options), cpuReason);
  }

  async create(config: ModelConfig, seed: number | string): Promise<EngineInfo> {
    const layout = parameterLayout(validateModelConfig(config));
    const model = new CpuModelMemory(this.rt, layout);
    model.params.set(initParameters(layout, seed));
    model.transposeWeights();
    this.model = model;
    this.optimizerStep = 0;
    return this.info();
  }

  async trainStep(batches: StepBatches, options: TrainStepOptions): Promise<TrainStepResult> {
    const model = this.current();
    const list = microBatches(batches);
    if (list.some((batch) => batch.targets === undefined)) {
      throw new Error('A training step needs batches with targets (the token each position should predict).');
    }
    this.rt.zero(model.grads);
    let loss = 0;
    for (const batch of list) {
      this.rt.reset(model.mark, activationFloats(model.layout, batch.batchSize, batch.seqLen));
      const acts = modelForward(this.rt, model, batch, true);
      modelBackward(this.rt, model, batch, acts);
      loss += acts.loss!.loss;
    }
    // The activations are spent: the optimizer's scratch goes where they were.
    this.rt.reset(model.mark, optimizerFloats(model.layout));
    const norm = gradientNorm(this.rt, model.grads);
    if (!Number.isFinite(norm)) return { loss, gradNorm: norm, skipped: true };
    // Clipping as the reference's clipGradients: scaled to maxGradNorm when the norm exceeds it.
    const maxNorm = options.maxGradNorm ?? Infinity;
    const gradScale = norm > maxNorm ? maxNorm / norm : 1;
    this.optimizerStep += 1;
    const arrays = { params: model.params, grads: model.grads, m: model.m, v: model.v };
    adamwStep(this.rt, model.layout, arrays, this.optimizerStep, options, gradScale);
    model.transposeWeights();
    return { loss, gradNorm: norm, skipped: false };
  }

  async forward(batch: TokenBatch): Promise<ForwardResult> {
    const acts = this.inference(batch);
    return { logits: Float32Array.from(acts.logits), loss: acts.loss?.loss ?? null };
  }

  async logProbs(batch: TokenBatch): Promise<Float32Array> {
    if (batch.targets === undefined)
      throw new Error('logProbs needs a batch with targets (the tokens to score).');
    return Float32Array.from(this.inference(batch).loss!.logProbs);
  }

  async generate(prompts: readonly Int32Array[], options: GenerateOptions): Promise<Generation[]> {
    const model = this.current();
    const config = model.layout.config;
    // The caches sit right after the model; each forward's activations after the last cache.
    this.rt.reset(model.mark, 0);
    let activations = model.mark;
    const newCache = (capacity: number): Float32Cache => {
      const cache = createFloat32Cache(this.rt, config, capacity);
      activations = this.rt.mark;
      return cache;
    };
    const rows = generateRows(config, prompts, options, newCache, (caches, tokens) =>
      forwardCached(this.rt, model, activations, caches, tokens),
    );
    return rows.map((row) => ({
      tokens: Int32Array.from(row.tokens),
      logProbs: Float32Array.from(row.logProbs),
      finish: row.finish,
    }));
  }

  async saveCheckpoint(): Promise<EngineCheckpoint> {
    const model = this.current();
    return writeCheckpoint({
      config: model.layout.config,
      params: model.params,
      optimizer: { m: model.m, v: model.v, step: this.optimizerStep },
    });
  }

  async loadCheckpoint(checkpoint: EngineCheckpoint): Promise<EngineInfo> {
    const contents = readCheckpoint(checkpoint);
    const model = new CpuModelMemory(this.rt, parameterLayout(contents.config));
    model.params.set(contents.params);
    model.m.set(contents.optimizer?.m ?? new Float32Array(0));
    model.v.set(contents.optimizer?.v ?? new Float32Array(0));
    model.transposeWeights();
    this.model = model;
    this.optimizerStep = contents.optimizer?.step ?? 0;
    return this.info();
  }

  async info(): Promise<EngineInfo> {
    const model = this.model;
    const threads =
      this.rt.threadNote === null
        ? `${this.rt.threads} thread${this.rt.threads === 1 ? '' : 's'}`
        : `1 thread: ${this.rt.threadNote}`;
    return {
      backend: 'cpu',
      adapter: `CPU engine (float32 WebAssembly, ${this.rt.simd} SIMD, ${threads})`,
      fallbackAdapter: false,
      cpuReason: this.cpuReason,
      config: model?.layout.config ?? null,
      parameterCount: model?.layout.parameterCount ?? 0,
      optimizerStep: this.optimizerStep,
      memoryBytes: this.rt.memory.buffer.byteLength,
    };
  }

  /** Threads the kernels run on, the calling one included. */
  get threads(): number {
    return this.rt.threads;
  }

  /** 'relaxed' (fused multiply-add) or 'plain' 128-bit SIMD. */
  get simd(): string {
    return this.rt.simd;
  }

  async dispose(): Promise<void> {
    this.model = null;
    this.rt.dispose();
  }

  private inference(batch: TokenBatch): ReturnType<typeof modelForward> {
    const model = this.current();
    this.rt.reset(model.mark, activationFloats(model.layout, batch.batchSize, batch.seqLen));
    return modelForward(this.rt, model, batch, false);
  }

  private current(): CpuModelMemory {
    if (this.model === null)
      throw new Error('No model yet: call create(config, seed) or loadCheckpoint first.');
    return this.model;
  }
}
