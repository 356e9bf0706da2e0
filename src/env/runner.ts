import type { EpisodeResult, StepPolicy } from './episode.ts';
import type { EnvOptions } from './env.ts';

/** One episode for a pool to run: a task, a seed, and whose page (the lab's own or the official one). */
export interface PoolEpisode {
  task: string;
  seed: number;
  source: 'built-in' | 'official';
}

export interface PoolProgress {
  done: number;
  total: number;
  successes: number;
  /** Episodes that ended without a verdict from the page: page errors, confused or crashing policies. */
  failures: number;
  steps: number;
  elapsedMs: number;
}

/**
 * Runs lists of episodes with K of them in flight at once, so a model policy can batch their steps:
 * EnvPool (iframes, in the page) and DomEnvPool (happy-dom, in Node) both are one. Results come in
 * the order of `episodes`; a page or policy failure ends only its own episode. An aborted `signal`
 * stops it: no episode starts after it, those under way end at their policy's next step and are
 * dropped unreported, and it resolves with the episodes that had ended, in order. Pages closed under
 * it (PageClosedError) stop it too, and it rejects with that error.
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
    signal?: AbortSignal,
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

/**
 * The slot loop both pools share: each of the K slots takes the next episode it should play
 * (`take` lets a slot keep its page while its task has episodes left), plays it, and reports it as
 * it ends. Results come in the order of the episodes. Once `signal` aborts, no slot takes another
 * episode and an episode still under way is dropped when it ends (the caller's policy ends it at its
 * next step; its failure is no verdict of the task). An episode that throws (its page was closed)
 * stops the slots the same way, and the run rejects with its error once every slot is idle. The
 * slots are left idle, so the pool can be reused.
 */
export async function runInSlots<Slot>(
  slots: readonly Slot[],
  count: number,
  take: (slot: Slot) => number | undefined,
  play: (slot: Slot, index: number) => Promise<EpisodeResult>,
  onResult?: (result: EpisodeResult, progress: PoolProgress) => void,
  signal?: AbortSignal,
): Promise<EpisodeResult[]> {
  const results: (EpisodeResult | undefined)[] = new Array(count);
  const tally = new ProgressTally(count);
  const thrown: { error?: unknown } = {};
  const stopped = (): boolean => signal?.aborted === true || 'error' in thrown;
  const nextUnlessStopped = (slot: Slot): number | undefined => (stopped() ? undefined : take(slot));
  const work = async (slot: Slot): Promise<void> => {
    for (let index = nextUnlessStopped(slot); index !== undefined; index = nextUnlessStopped(slot)) {
      let result: EpisodeResult;
      try {
        result = await play(slot, index);
      } catch (error) {
        if (!('error' in thrown)) thrown.error = error;
        return;
      }
      if (stopped()) return;
      results[index] = result;
      onResult?.(result, tally.record(result));
    }
  };
  await Promise.all(slots.map(work));
  if ('error' in thrown) throw thrown.error;
  return signal?.aborted ? results.filter((r) => r !== undefined) : (results as EpisodeResult[]);
}
