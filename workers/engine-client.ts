import * as Comlink from 'comlink';
import type { TokenBatch } from '../src/model/batch.ts';
import type { ModelConfig } from '../src/model/config.ts';
import type { EngineWorker } from './engine.worker.ts';
import type {
  Engine,
  EngineCheckpoint,
  EngineInfo,
  EngineModelOptions,
  ForwardResult,
  Generation,
  GenerateOptions,
  StepBatches,
  TrainStepOptions,
  TrainStepResult,
} from '../src/engine/engine.ts';

import type { BackendChoice } from '../src/engine/open.ts';

export interface EngineClientOptions {
  /** 'auto' (the default) takes WebGPU where the browser has it, else the CPU engine: info() says which. */
  readonly backend?: BackendChoice;
  /** Called with a lost device or an uncaught GPU error, even while no call is in flight. */
  readonly onError?: (error: Error) => void;
}

/**
 * The engine as the main thread sees it: the Engine interface, run in the engine worker
 * (workers/engine.worker.ts). It keeps the last checkpoint saved or loaded, so that after a lost
 * GPU device `rebuild()` starts a new engine from it. Checkpoints and batches passed in are
 * copied to the worker; results come back by transfer.
 */
export class EngineClient implements Engine {
  /** The checkpoint rebuild() uses by default: the last one saved or loaded through this client. */
  lastCheckpoint: EngineCheckpoint | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly remote: Comlink.Remote<EngineWorker>,
  ) {}

  /** Spawns the worker and starts its engine. */
  static async start(options: EngineClientOptions = {}): Promise<EngineClient> {
    const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), {
      type: 'module',
      name: 'engine',
    });
    const remote = Comlink.wrap<EngineWorker>(worker);
    // A worker that fails to load never answers: turn its error event into a rejection.
    const failedToLoad = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (event) => {
        reject(new Error(`The engine worker failed to start: ${event.message || 'see the console'}.`));
      });
    });
    const client = new EngineClient(worker, remote);
    try {
      const { onError } = options;
      if (onError !== undefined) {
        await Promise.race([
          remote.setErrorListener(Comlink.proxy((message: string) => onError(new Error(message)))),
          failedToLoad,
        ]);
      }
      await Promise.race([remote.open(options.backend ?? 'auto'), failedToLoad]);
    } catch (error) {
      worker.terminate();
      throw error;
    }
    return client;
  }

  create(config: ModelConfig, seed: number | string, options?: EngineModelOptions): Promise<EngineInfo> {
    return this.remote.create(config, seed, options);
  }

  /** A list of micro-batches accumulates their gradients into one step (Engine.trainStep). */
  trainStep(batch: StepBatches, options: TrainStepOptions): Promise<TrainStepResult> {
    return this.remote.trainStep(batch, options);
  }

  forward(batch: TokenBatch): Promise<ForwardResult> {
    return this.remote.forward(batch);
  }

  logProbs(batch: TokenBatch): Promise<Float32Array> {
    return this.remote.logProbs(batch);
  }

  generate(prompts: readonly Int32Array[], options: GenerateOptions): Promise<Generation[]> {
    return this.remote.generate(prompts, options);
  }

  async saveCheckpoint(): Promise<EngineCheckpoint> {
    const checkpoint = await this.remote.saveCheckpoint();
    this.lastCheckpoint = checkpoint;
    return checkpoint;
  }

  async loadCheckpoint(checkpoint: EngineCheckpoint): Promise<EngineInfo> {
    const info = await this.remote.loadCheckpoint(checkpoint);
    this.lastCheckpoint = checkpoint;
    return info;
  }

  /** A new engine (a new GPU device) in the same worker, from `checkpoint` or the last one. */
  async rebuild(checkpoint: EngineCheckpoint | null = this.lastCheckpoint): Promise<EngineInfo> {
    if (checkpoint === null) {
      throw new Error(
        'There is no checkpoint to rebuild the engine from: save one first, or create a new model.',
      );
    }
    const info = await this.remote.rebuild(checkpoint);
    this.lastCheckpoint = checkpoint;
    return info;
  }

  info(): Promise<EngineInfo> {
    return this.remote.info();
  }

  /** Destroys the worker's GPU device as a driver reset would lose it: for tests of rebuild(). */
  loseDeviceForTesting(): Promise<void> {
    return this.remote.loseDeviceForTesting();
  }

  /** Frees the engine and ends the worker. */
  async dispose(): Promise<void> {
    try {
      await this.remote.dispose();
    } finally {
      this.remote[Comlink.releaseProxy]();
      this.worker.terminate();
    }
  }
}
