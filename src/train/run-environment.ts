import type { Engine } from '../engine/engine.ts';
import type { EnvOptions } from '../env/env.ts';
import type { EpisodeRunner } from '../env/runner.ts';
import type { LabStore } from '../store/store.ts';
import type { EnvSettings } from './config.ts';
import type { RunEvent } from './run-book.ts';

/** What a run runs on (engine, episode runner, store) and how it is driven (pause, events). */

export interface RunEnvironment {
  readonly engine: Engine;
  readonly runner: EpisodeRunner;
  readonly store: LabStore;
  readonly loadAsset: (path: string) => Promise<ArrayBuffer>;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  /** Why a task cannot run here (Node: needs coordinates), or null. */
  readonly skipTask?: (task: string) => string | null;
  /** The LLM teacher's key: it is never stored, so a run that collects with an LLM needs it again here. */
  readonly llmApiKey?: string;
}

export interface RunControl {
  /** Aborting finishes the current step, saves a checkpoint and leaves the run 'paused'. */
  readonly signal?: AbortSignal;
  onEvent?(event: RunEvent): void;
}

/** The env options a runner must be built with for this run (DomEnvPool, EnvPool): its episodes are the run's. */
export function envOptionsOf(env: EnvSettings): Partial<EnvOptions> {
  return { maxSteps: env.maxSteps, format: env.observationFormat, successRule: env.successRule };
}
