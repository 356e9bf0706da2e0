import type { EpisodeResult, StepPolicy } from './episode.ts';
import { findTask } from '../tasks/registry.ts';
import { DomPageHost } from './dom-host.ts';
import { TaskEnv, type EnvOptions } from './env.ts';
import { PageClosedError } from './host.ts';
import { runEpisodeGuarded } from './pool.ts';
import { runInSlots, type EpisodeRunner, type PoolEpisode, type PoolProgress } from './runner.ts';

/** One page of the pool and the env that drives it; it keeps its page while its task stays the same. */
interface Slot {
  task: string | null;
  env: TaskEnv | null;
}

/**
 * K built-in task pages on happy-dom, for runs in Node (GPU servers without a browser): K episodes
 * wait on the policy at once, so a model policy batches their steps, as EnvPool does with iframes.
 * happy-dom has no layout, so tasks that need coordinates are refused before anything runs, and
 * only built-in pages exist here (the official pages need a browser).
 */
export class DomEnvPool implements EpisodeRunner {
  private readonly slots: Slot[];
  /** What every env of the pool is built with (a run checks them against its settings). */
  readonly envOptions: Partial<EnvOptions>;
  /** Pages built so far, over all runs. */
  pageLoads = 0;
  private disposed = false;

  get size(): number {
    return this.slots.length;
  }

  constructor(size: number, envOptions: Partial<EnvOptions> = {}) {
    if (!Number.isInteger(size) || size < 1) {
      throw new Error(`A DOM env pool needs a whole number of pages (at least 1), not ${size}.`);
    }
    this.envOptions = envOptions;
    this.slots = Array.from({ length: size }, () => ({ task: null, env: null }));
  }

  /** Runs every episode, K at a time; results come in the order of `episodes`. */
  async run(
    episodes: readonly PoolEpisode[],
    policyFor: (episode: PoolEpisode) => StepPolicy,
    onResult?: (result: EpisodeResult, progress: PoolProgress) => void,
    signal?: AbortSignal,
  ): Promise<EpisodeResult[]> {
    checkRunnable(episodes);
    const pending = new TaskQueue(episodes);
    const play = async (slot: Slot, index: number): Promise<EpisodeResult> => {
      const episode = episodes[index] as PoolEpisode;
      const env = this.open(slot, episode.task);
      const result = await runEpisodeGuarded(env, policyFor(episode), episode);
      // A failed page may be half-built or wedged: the next episode gets a fresh one.
      if (result.failure !== null) this.close(slot);
      return result;
    };
    return runInSlots(this.slots, episodes.length, (slot) => pending.take(slot.task), play, onResult, signal);
  }

  /** Frees every page; a run still under way rejects with PageClosedError. */
  dispose(): void {
    this.disposed = true;
    for (const slot of this.slots) this.close(slot);
  }

  private open(slot: Slot, task: string): TaskEnv {
    if (slot.task === task && slot.env) return slot.env;
    this.close(slot);
    if (this.disposed) throw new PageClosedError(task);
    const registered = findTask(task)!;
    slot.env = new TaskEnv(new DomPageHost(registered), this.envOptions, registered);
    slot.task = task;
    this.pageLoads++;
    return slot.env;
  }

  private close(slot: Slot): void {
    slot.env?.dispose();
    slot.env = null;
    slot.task = null;
  }
}

/** Refuses the whole list when any episode cannot run on happy-dom, naming every such task. */
function checkRunnable(episodes: readonly PoolEpisode[]): void {
  const unknown = new Set<string>();
  const needLayout = new Set<string>();
  const official = new Set<string>();
  for (const { task, source } of episodes) {
    const registered = findTask(task);
    if (!registered) unknown.add(task);
    else if (registered.needsCoordinates) needLayout.add(task);
    if (source === 'official') official.add(task);
  }
  const problems: string[] = [];
  if (unknown.size) problems.push(`no built-in task is named ${[...unknown].join(', ')}`);
  if (needLayout.size) {
    problems.push(
      `${[...needLayout].join(', ')} need coordinates, which happy-dom has no layout for ` +
        '(leave them out, or run in the browser)',
    );
  }
  if (official.size) {
    problems.push(
      `official pages (${[...official].join(', ')}) run only in a browser; use the built-in pages in Node`,
    );
  }
  if (problems.length) throw new Error(`The DOM env pool cannot run these episodes: ${problems.join('; ')}.`);
}

/** Pending episodes by task: a free page keeps to its task while that task has episodes left. */
class TaskQueue {
  private readonly byTask = new Map<string, number[]>();

  constructor(episodes: readonly PoolEpisode[]) {
    episodes.forEach(({ task }, index) => {
      const list = this.byTask.get(task);
      if (list) list.push(index);
      else this.byTask.set(task, [index]);
    });
  }

  /** The next episode for a page showing `task`: its own task first, else the task with the most left. */
  take(task: string | null): number | undefined {
    const own = task === null ? undefined : this.byTask.get(task);
    if (own?.length) return own.shift();
    let best: number[] | undefined;
    for (const list of this.byTask.values()) if (list.length > (best?.length ?? 0)) best = list;
    return best?.shift();
  }
}
