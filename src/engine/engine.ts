import type { Generation, GenerateOptions } from '../gpu/generate.ts';
import type { TokenBatch } from '../model/batch.ts';
import type { ModelConfig } from '../model/config.ts';
import type { StepBatches, TrainStepOptions } from '../model/reference/model.ts';
import type { EngineCheckpoint } from './checkpoint.ts';

export type { Generation, GenerateOptions } from '../gpu/generate.ts';
export type { StepBatches, TrainStepOptions } from '../model/reference/model.ts';
export type { EngineCheckpoint } from './checkpoint.ts';

/**
 * The training engine: one student model, its optimizer, and what train/ asks of them. Three
 * implementations with one behaviour: the WebGPU engine (gpu/, float32), the fast CPU engine
 * (cpu/, float32 WebAssembly SIMD on every core) and the reference CPU engine (the float64
 * reference of model/reference, slow but exact, which the other two are tested against). The
 * worker hosts any one, and the client on the main thread offers the same interface. Token ids in,
 * token ids out: text is the tokenizer's business (agent/).
 */
export interface Engine {
  /** A fresh model with the seeded initialisation (model/layout.ts) and a fresh optimizer; replaces any model. */
  create(config: ModelConfig, seed: number | string, options?: EngineModelOptions): Promise<EngineInfo>;
  /**
   * Forward, backward, gradient clipping and one AdamW step (batches need targets). With a list of
   * micro-batches (gradient accumulation), every one's forward and backward with the gradients
   * summed, then one clip and one AdamW step; the loss returned is the sum of the micro-batches'
   * losses. Each micro-batch divides its loss by its own normaliser: give all of them the same
   * `normaliser` (the weight count of the whole step) so that the step is that of the
   * concatenated batch (model/reference/model.ts, StepBatches).
   */
  trainStep(batch: StepBatches, options: TrainStepOptions): Promise<TrainStepResult>;
  /** logits [N, V] (N = batchSize x seqLen), and the loss when the batch has targets. */
  forward(batch: TokenBatch): Promise<ForwardResult>;
  /** [N] log p(target) of every token under the model, at the batch's temperature (1 by default). */
  logProbs(batch: TokenBatch): Promise<Float32Array>;
  /** Generates from every prompt (token ids); each result has its tokens and their log-probabilities. */
  generate(prompts: readonly Int32Array[], options: GenerateOptions): Promise<Generation[]>;
  /** The parameters and the optimizer state (checkpoint.ts), identical for both engines. */
  saveCheckpoint(): Promise<EngineCheckpoint>;
  /** Replaces the model by the checkpoint's (its configuration may differ from the current one). */
  loadCheckpoint(checkpoint: EngineCheckpoint): Promise<EngineInfo>;
  info(): Promise<EngineInfo>;
  /** Frees the model and, for the WebGPU engine, the device. */
  dispose(): Promise<void>;
}

export type EngineBackend = 'webgpu' | 'cpu';

/**
 * What a user picks (open.ts): 'auto' takes WebGPU on a hardware adapter and the fast CPU engine
 * otherwise; 'cpu' is the fast CPU engine (float32 WebAssembly); 'reference' the float64 CPU
 * engine, exact but slow.
 */
export type BackendChoice = 'auto' | 'webgpu' | 'cpu' | 'reference';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'cpu', 'reference'];

export interface EngineModelOptions {
  /**
   * The most tokens one batch may hold (batchSize x seqLen): the WebGPU engine sizes its
   * activation buffers for it. Default: 4 x the context. Generation splits its prompts into
   * groups that fit.
   */
  readonly maxTokens?: number;
}

export interface TrainStepResult {
  /** The loss; the sum of the micro-batches' losses under gradient accumulation. */
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** True when the gradient norm was not finite: the parameters and the optimizer were left untouched. */
  readonly skipped: boolean;
}

export interface ForwardResult {
  readonly logits: Float32Array;
  readonly loss: number | null;
}

export interface EngineInfo {
  readonly backend: EngineBackend;
  /** The GPU adapter (vendor, architecture, description), or a description of the CPU engine. */
  readonly adapter: string;
  /** A software adapter (SwiftShader): correct, but slow. */
  readonly fallbackAdapter: boolean;
  /** Why the CPU engine runs when WebGPU was wanted; null otherwise. */
  readonly cpuReason: string | null;
  /** null until create or loadCheckpoint. */
  readonly config: ModelConfig | null;
  readonly parameterCount: number;
  /** AdamW steps taken. */
  readonly optimizerStep: number;
  /** Memory the model holds: GPU buffers, or the CPU engine's memory (float32, or float64 for the reference). */
  readonly memoryBytes: number;
}

/** The default of EngineModelOptions.maxTokens. */
export function defaultMaxTokens(config: ModelConfig): number {
  return 4 * config.context;
}

/** One plain sentence for the UI: which engine runs, on what, and what that means. */
export function describeEngine(info: EngineInfo): string {
  if (info.backend === 'webgpu') {
    return info.fallbackAdapter
      ? `Training on WebGPU (${info.adapter}, a software adapter: correct but slow).`
      : `Training on WebGPU (${info.adapter}).`;
  }
  const why = info.cpuReason === null ? '' : ` because ${info.cpuReason}`;
  if (info.adapter.includes('float64')) {
    return (
      `Training on the CPU${why}: the float64 reference engine gives the same results as WebGPU but ` +
      'is far slower; use small models, or a browser with WebGPU.'
    );
  }
  return `Training on the CPU${why}: ${info.adapter}.`;
}
