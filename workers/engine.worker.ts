import * as Comlink from 'comlink';
import type { EngineCheckpoint } from '../src/engine/checkpoint.ts';
import type {
  Engine,
  EngineInfo,
  EngineModelOptions,
  ForwardResult,
  Generation,
  GenerateOptions,
  StepBatches,
  TrainStepOptions,
  TrainStepResult,
} from '../src/engine/engine.ts';
import { GpuEngine } from '../src/engine/gpu-engine.ts';
import { openEngine, type BackendChoice } from '../src/engine/open.ts';
import type { TokenBatch } from '../src/model/batch.ts';
import type { ModelConfig } from '../src/model/config.ts';

/**
 * The engine worker: owns the GPU device (or the CPU engine), the model and the optimizer, and is
 * called from the main thread through comlink (src/engine/client.ts). Results that carry large
 * arrays (logits, generations, checkpoints) move back as transferables, not copies; arguments
 * are copied, so the caller keeps its batches and checkpoints.
 */

export class EngineWorker {
  private engine: Engine | null = null;
  private backend: BackendChoice = 'auto';
  private errorListener: ((message: string) => void) | null = null;

  /** Receives device-lost and uncaught GPU errors (as messages) while no call is there to reject. */
  setErrorListener(listener: ((message: string) => void) | null): void {
    this.errorListener = listener;
  }

  /** Starts the engine on the chosen backend; any previous engine is disposed. */
  async open(backend: BackendChoice): Promise<EngineInfo> {
    await this.engine?.dispose();
    this.engine = null;
    this.backend = backend;
    this.engine = await openEngine(backend, { onError: (error) => this.errorListener?.(error.message) });
    return this.engine.info();
  }

  async create(
    config: ModelConfig,
    seed: number | string,
    options?: EngineModelOptions,
  ): Promise<EngineInfo> {
    return this.current().create(config, seed, options);
  }

  async trainStep(batch: StepBatches, options: TrainStepOptions): Promise<TrainStepResult> {
    return this.current().trainStep(batch, options);
  }

  async forward(batch: TokenBatch): Promise<ForwardResult> {
    const result = await this.current().forward(batch);
    return Comlink.transfer(result, [result.logits.buffer]);
  }

  async logProbs(batch: TokenBatch): Promise<Float32Array> {
    const result = await this.current().logProbs(batch);
    return Comlink.transfer(result, [result.buffer]);
  }

  async generate(prompts: readonly Int32Array[], options: GenerateOptions): Promise<Generation[]> {
    const result = await this.current().generate(prompts, options);
    return Comlink.transfer(
      result,
      transferables(result.flatMap((generation) => [generation.tokens.buffer, generation.logProbs.buffer])),
    );
  }

  async saveCheckpoint(): Promise<EngineCheckpoint> {
    const checkpoint = await this.current().saveCheckpoint();
    return Comlink.transfer(checkpoint, transferables([checkpoint.weights, checkpoint.optimizer]));
  }

  async loadCheckpoint(checkpoint: EngineCheckpoint): Promise<EngineInfo> {
    return this.current().loadCheckpoint(checkpoint);
  }

  /**
   * A new engine on the same backend choice (a new GPU device where the old one was lost) with
   * the checkpoint loaded: how a run goes on after the device is lost.
   */
  async rebuild(checkpoint: EngineCheckpoint): Promise<EngineInfo> {
    await this.open(this.backend);
    return this.current().loadCheckpoint(checkpoint);
  }

  async info(): Promise<EngineInfo> {
    return this.current().info();
  }

  /** Destroys the GPU device as a driver reset would lose it, for the tests of rebuild. */
  loseDeviceForTesting(): void {
    const engine = this.current();
    if (!(engine instanceof GpuEngine)) throw new Error('Only the WebGPU engine has a device to lose.');
    engine.loseDeviceForTesting();
  }

  async dispose(): Promise<void> {
    await this.engine?.dispose();
    this.engine = null;
  }

  private current(): Engine {
    if (this.engine === null)
      throw new Error('The engine worker has no engine yet: call open(backend) first.');
    return this.engine;
  }
}

/** The distinct buffers among these (a buffer listed twice makes postMessage throw). */
function transferables(buffers: readonly (ArrayBufferLike | undefined)[]): Transferable[] {
  const distinct = new Set<ArrayBufferLike>();
  for (const buffer of buffers) if (buffer !== undefined) distinct.add(buffer);
  return [...distinct] as Transferable[];
}

Comlink.expose(new EngineWorker());
