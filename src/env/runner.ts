import type { EpisodeResult, StepPolicy } from './episode.ts';
import type { EnvOptions } from './env.ts';
import type { PoolEpisode, PoolProgress } from './pool.ts';

/**
 * Runs lists of episodes with K of them in flight at once, so a model policy can batch their steps:
 * EnvPool (iframes, in the page) and DomEnvPool (happy-dom, in Node) both are one. Results come in
 * the order of `episodes`; a page or policy failure ends only its own episode.
 */
export interface EpisodeRunner {
  /** K: episodes in flight at once. */
  readonly size: number;
  /** What its envs are built with: a run checks them against its settings. */
  readonly envOptions: Partial<EnvOptions>;
  run(
    episodes: readonly PoolEpisode[],
    policyFor: (episode: PoolEpisode) => StepPolicy,
    onResult?: (result: EpisodeResult, progress: PoolProgress) => void,
  ): Promise<EpisodeResult[]>;
}

/** Counts a run's episodes as they end: what onResult reports. */
export class ProgressTally {
  private readonly started = performance.now();
  private readonly progress: PoolProgress;

  constructor(total: number) {
    this.progress = { done: 0, total, successes: 0, failures: 0, steps: 0, elapsedMs: 0 };
  }

  /** Counts one ended episode; returns a snapshot of the totals. */
  record(result: EpisodeResult): PoolProgress {
    const progress = this.progress;
    progress.done++;
    progress.steps += result.steps.length;
    if (result.success) progress.successes++;
    if (result.failure !== null) progress.failures++;
    progress.elapsedMs = performance.now() - this.started;
    return { ...progress };
  }
}
