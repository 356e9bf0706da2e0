import { GpuContext } from '../gpu/context.ts';
import { requestGpuDevice, type GpuDevice } from '../gpu/device.ts';
import { generate } from '../gpu/generate.ts';
import { GpuModel } from '../gpu/model.ts';
import type { TokenBatch } from '../model/batch.ts';
import type { ModelConfig } from '../model/config.ts';
import type { StepBatches, TrainStepOptions } from '../model/reference/model.ts';
import { readCheckpoint, writeCheckpoint, type EngineCheckpoint } from './checkpoint.ts';
import {
  defaultMaxTokens,
  type Engine,
  type EngineInfo,
  type EngineModelOptions,
  type ForwardResult,
  type Generation,
  type GenerateOptions,
  type TrainStepResult,
} from './engine.ts';

/**
 * The engine on WebGPU: one device, one GpuModel (gpu/model.ts) and generation with its KV cache
 * (gpu/generate.ts). When the device is lost (driver reset, GPU removed, or destroyed by a test)
 * every call in flight and every later call rejects with one error that says to rebuild from the
 * last checkpoint: a lost device cannot be revived, so a new engine (new device) loads it.
 */

/** How long a failed call waits for device.lost to say whether the device is why it failed. */
const LOST_GRACE_MS = 100;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface GpuEngineOptions {
  /** navigator.gpu by default; Dawn's `gpu` object in Node. */
  readonly gpu?: GPU;
  /** Called once when the device is lost, and with GPU errors no error scope caught. */
  readonly onError?: (error: Error) => void;
}

export class GpuEngine implements Engine {
  private model: GpuModel | null = null;
  private maxTokens: number | null = null;
  private lostError: Error | null = null;
  private disposed = false;
  /** Rejects when the device is lost, so that no call waits forever on a dead device. */
  private readonly lost: Promise<never>;

  private constructor(
    private readonly gpuDevice: GpuDevice,
    private readonly ctx: GpuContext,
    onError: ((error: Error) => void) | undefined,
    /**
     * The GPU object the device came from, held for the engine's life: Dawn in Node takes its
     * devices down (a crash, not an error) when its `gpu` object is garbage-collected.
     */
    readonly gpu: GPU | undefined,
  ) {
    const { device } = gpuDevice;
    this.lost = device.lost.then((info) => {
      const reason = info.message ? `${info.reason}: ${info.message}` : info.reason;
      this.lostError = new Error(
        `The GPU device was lost (${reason}). Rebuild the engine from the last checkpoint.`,
      );
      if (!this.disposed) onError?.(this.lostError);
      throw this.lostError;
    });
    this.lost.catch(() => undefined); // observed by calls in flight; not an unhandled rejection
    device.addEventListener('uncapturederror', (event) => {
      onError?.(new Error(`GPU error: ${event.error.message}`));
    });
  }

  /** Requests a device; throws "WebGPU is not available..." where there is none. */
  static async open(options: GpuEngineOptions = {}): Promise<GpuEngine> {
    const gpuDevice = await requestGpuDevice({ gpu: options.gpu });
    return new GpuEngine(gpuDevice, new GpuContext(gpuDevice.device), options.onError, options.gpu);
  }

  async create(
    config: ModelConfig,
    seed: number | string,
    options: EngineModelOptions = {},
  ): Promise<EngineInfo> {
    this.checkAlive();
    const maxTokens = options.maxTokens ?? defaultMaxTokens(config);
    this.replaceModel(GpuModel.create(this.ctx, config, seed, { maxTokens }), options.maxTokens ?? null);
    return this.info();
  }

  async trainStep(batch: StepBatches, options: TrainStepOptions): Promise<TrainStepResult> {
    const model = this.current();
    return this.guard(model.trainStep(batch, options));
  }

  async forward(batch: TokenBatch): Promise<ForwardResult> {
    return this.guard(this.current().forward(batch));
  }

  async logProbs(batch: TokenBatch): Promise<Float32Array> {
    return this.guard(this.current().logProbs(batch));
  }

  /** Prompts go in groups whose left-padded batch fits the model's activation buffers. */
  async generate(prompts: readonly Int32Array[], options: GenerateOptions): Promise<Generation[]> {
    const model = this.current();
    const longest = Math.max(1, ...prompts.map((prompt) => prompt.length));
    const perGroup = Math.max(1, Math.floor(model.buffers.maxTokens / longest));
    const generations: Generation[] = [];
    for (let start = 0; start < prompts.length; start += perGroup) {
      const group = prompts.slice(start, start + perGroup);
      generations.push(...(await this.guard(generate(model, group, options))));
    }
    return generations;
  }

  async saveCheckpoint(): Promise<EngineCheckpoint> {
    const model = this.current();
    const [params, optimizer] = await this.guard(
      Promise.all([model.getParameters(), model.getOptimizerState()]),
    );
    return writeCheckpoint({ config: model.config, params, optimizer });
  }

  async loadCheckpoint(checkpoint: EngineCheckpoint): Promise<EngineInfo> {
    this.checkAlive();
    const { config, params, optimizer } = readCheckpoint(checkpoint);
    let model = this.model;
    if (model === null || JSON.stringify(model.config) !== JSON.stringify(config)) {
      const maxTokens = this.maxTokens ?? defaultMaxTokens(config);
      model = GpuModel.withParameters(this.ctx, config, params, { maxTokens });
      this.replaceModel(model, this.maxTokens);
    } else {
      model.setParameters(params);
    }
    const totalFloats = model.layout.totalFloats;
    model.setOptimizerState(
      optimizer ?? { m: new Float32Array(totalFloats), v: new Float32Array(totalFloats), step: 0 },
    );
    await this.guard(this.ctx.device.queue.onSubmittedWorkDone());
    return this.info();
  }

  async info(): Promise<EngineInfo> {
    const { vendor, architecture, description } = this.gpuDevice.adapterInfo;
    const model = this.model;
    return {
      backend: 'webgpu',
      adapter: description || [vendor, architecture].filter(Boolean).join(' ') || 'unnamed adapter',
      fallbackAdapter: this.gpuDevice.isFallbackAdapter,
      cpuReason: null,
      config: model?.config ?? null,
      parameterCount: model?.layout.parameterCount ?? 0,
      optimizerStep: model?.optimizer.step ?? 0,
      memoryBytes: model?.bytes ?? 0,
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.model?.destroy();
    this.model = null;
    this.ctx.destroy();
    this.gpuDevice.device.destroy();
  }

  /** Destroys the device as a driver reset would lose it: for tests of the recovery path only. */
  loseDeviceForTesting(): void {
    this.gpuDevice.device.destroy();
  }

  /** Whether the device was lost (every call now throws; rebuild from a checkpoint). */
  get isLost(): boolean {
    return this.lostError !== null;
  }

  private replaceModel(model: GpuModel, maxTokens: number | null): void {
    this.model?.destroy();
    this.model = model;
    this.maxTokens = maxTokens;
  }

  private current(): GpuModel {
    this.checkAlive();
    if (this.model === null)
      throw new Error('No model yet: call create(config, seed) or loadCheckpoint first.');
    return this.model;
  }

  private checkAlive(): void {
    if (this.lostError !== null) throw this.lostError;
    if (this.disposed) throw new Error('This engine was disposed: create a new one.');
  }

  /** The call's result, or the device-lost error if the device goes first (or went during the call). */
  private async guard<R>(call: Promise<R>): Promise<R> {
    try {
      return await Promise.race([call, this.lost]);
    } catch (error) {
      // A call on a dying device may fail (a read-back aborted) just before device.lost settles.
      if (this.lostError === null)
        await Promise.race([this.lost, delay(LOST_GRACE_MS)]).catch(() => undefined);
      throw this.lostError ?? error;
    }
  }
}
