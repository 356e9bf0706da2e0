import { EngineClient } from '../../workers/engine-client.ts';
import { BACKEND_CHOICES, describeEngine, type BackendChoice, type EngineInfo } from '../engine/engine.ts';
import { errorMessage } from './lab-format.ts';

/**
 * The page's engine: one worker, started once and reused by every run. A lost GPU device marks it
 * broken; the next run starts a fresh worker (the run itself resumes from its last checkpoint).
 */
export class EngineSession {
  /** Which engine to start: kept across reloads (WebGPU on a software adapter can be slower than the CPU engine). */
  backend = $state<BackendChoice>(storedBackend());
  info = $state.raw<EngineInfo | null>(null);
  /** Why the engine could not start, or what broke it. */
  error = $state<string | null>(null);
  starting = $state(false);

  readonly description = $derived(
    this.info
      ? describeEngine(this.info)
      : this.starting
        ? 'Starting the engine…'
        : 'The engine has not started.',
  );

  private client: Promise<EngineClient> | null = null;
  private broken = false;

  /** The engine, started on first use (or again after a lost device). */
  async ready(): Promise<EngineClient> {
    if (this.client && this.broken) {
      const old = this.client;
      this.client = null;
      void old.then((client) => client.dispose()).catch(() => undefined);
    }
    this.client ??= this.start();
    return this.client;
  }

  /** Switches engine for the next run: the current worker is stopped, the next ready() starts the chosen one. */
  async choose(backend: BackendChoice): Promise<void> {
    this.backend = backend;
    try {
      localStorage.setItem(BACKEND_KEY, backend);
    } catch {
      // Storage may be off (private windows): the choice then lasts for this page only.
    }
    this.info = null;
    await this.dispose();
    await this.ready().catch(() => undefined);
  }

  async dispose(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.then((c) => c.dispose()).catch(() => undefined);
  }

  private async start(): Promise<EngineClient> {
    this.starting = true;
    this.broken = false;
    try {
      const client = await EngineClient.start({
        backend: this.backend,
        onError: (error) => {
          this.broken = true;
          this.error =
            `The engine lost its GPU (${error.message}). The run stops at its last checkpoint: press Resume ` +
            'to continue on a fresh engine (if it happens again, close other GPU-heavy tabs or use a smaller preset).';
        },
      });
      this.info = await client.info();
      this.error = null;
      return client;
    } catch (error) {
      this.client = null;
      this.error = `The engine could not start: ${errorMessage(error)}. Reload the page; if it persists, use a browser with WebGPU.`;
      throw error;
    } finally {
      this.starting = false;
    }
  }
}

const BACKEND_KEY = 'web-agent-lab/engine-backend';

function storedBackend(): BackendChoice {
  try {
    const stored = localStorage.getItem(BACKEND_KEY);
    return BACKEND_CHOICES.includes(stored as BackendChoice) ? (stored as BackendChoice) : 'auto';
  } catch {
    return 'auto';
  }
}
