import { runEpisode, type EpisodeResult, type StepPolicy } from '../experts/episode.ts';
import { TaskEnv, type EnvOptions } from './env.ts';
import { IframePageHost, taskPageUrl } from './iframe-host.ts';

/** One episode for the pool to run: a task, a seed, and whose page (the lab's own or the official one). */
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

export interface EnvPoolOptions {
  /** How many iframes run side by side (K). */
  size: number;
  env?: Partial<EnvOptions>;
  /** Where an episode's page lives; by default the built-in or official address of its task. */
  pageUrl?: (episode: PoolEpisode) => string;
}

/** One iframe of the pool and the env that drives it; it keeps its page while the task stays the same. */
interface Slot {
  url: string | null;
  host: IframePageHost | null;
  env: TaskEnv | null;
}

/**
 * K task pages in iframes side by side, running a list of episodes: one policy call can serve K
 * episodes, and page loads are paid once per slot and task. A page that throws or never becomes
 * ready fails only its own episode; its slot is reloaded and the pool runs on.
 */
export class EnvPool {
  private readonly slots: Slot[];
  private readonly options: EnvPoolOptions;
  private readonly hop = taskHop();

  constructor(
    readonly container: HTMLElement,
    options: EnvPoolOptions,
  ) {
    if (!Number.isInteger(options.size) || options.size < 1)
      throw new Error(`An env pool needs a whole number of iframes (at least 1), not ${options.size}.`);
    this.options = options;
    this.slots = Array.from({ length: options.size }, () => ({ url: null, host: null, env: null }));
  }

  /**
   * Runs every episode with the policy `policyFor` gives it, K at a time, and resolves with the
   * results in the order of `episodes`. `onResult` hears of each episode as it ends.
   */
  async run(
    episodes: readonly PoolEpisode[],
    policyFor: (episode: PoolEpisode) => StepPolicy,
    onResult?: (result: EpisodeResult, progress: PoolProgress) => void,
  ): Promise<EpisodeResult[]> {
    const started = performance.now();
    const urls = episodes.map((e) => this.urlOf(e));
    const queue = new EpisodeQueue(urls);
    const results: EpisodeResult[] = new Array(episodes.length);
    const progress: PoolProgress = {
      done: 0,
      total: episodes.length,
      successes: 0,
      failures: 0,
      steps: 0,
      elapsedMs: 0,
    };

    const work = async (slot: Slot): Promise<void> => {
      for (let index = queue.take(slot.url); index !== undefined; index = queue.take(slot.url)) {
        const episode = episodes[index] as PoolEpisode;
        const env = this.open(slot, urls[index] as string, episode);
        queue.working(slot.url, +1);
        await this.hop();
        const result = await this.runOne(env, policyFor(episode), episode);
        queue.working(slot.url, -1);
        // A failed page may be half-built or wedged: start the next episode from a fresh load.
        if (result.failure !== null) slot.host?.reload();
        results[index] = result;
        progress.done++;
        progress.steps += result.steps.length;
        if (result.success) progress.successes++;
        if (result.failure !== null) progress.failures++;
        progress.elapsedMs = performance.now() - started;
        onResult?.(result, progress);
      }
    };
    await Promise.all(this.slots.map(work));
    return results;
  }

  /** Frees every iframe. */
  dispose(): void {
    for (const slot of this.slots) this.close(slot);
    this.hop.close();
  }

  private urlOf(episode: PoolEpisode): string {
    return this.options.pageUrl?.(episode) ?? taskPageUrl(episode.task, episode.source);
  }

  private open(slot: Slot, url: string, episode: PoolEpisode): TaskEnv {
    if (slot.url === url && slot.env) return slot.env;
    this.close(slot);
    const label = episode.source === 'official' ? `official ${episode.task}` : episode.task;
    const host = new IframePageHost(url, this.container, label);
    slot.url = url;
    slot.host = host;
    slot.env = new TaskEnv(host, this.options.env);
    return slot.env;
  }

  private close(slot: Slot): void {
    slot.env?.dispose();
    slot.url = null;
    slot.host = null;
    slot.env = null;
  }

  /** One episode, each step of the policy starting in a fresh task of the event loop. */
  private runOne(env: TaskEnv, policy: StepPolicy, episode: PoolEpisode): Promise<EpisodeResult> {
    const stepInFreshTask: StepPolicy = async (view) => {
      await this.hop();
      return policy(view);
    };
    return runEpisodeGuarded(env, stepInFreshTask, episode);
  }
}

/** runEpisode, with a policy that throws ending its episode with a failure instead of stopping the run. */
export async function runEpisodeGuarded(
  env: TaskEnv,
  policy: StepPolicy,
  episode: Pick<PoolEpisode, 'task' | 'seed'>,
): Promise<EpisodeResult> {
  try {
    return await runEpisode(env, policy, episode.seed, episode.task);
  } catch (error) {
    return {
      task: episode.task,
      seed: episode.seed,
      success: false,
      reward: -1,
      rawReward: 0,
      steps: [],
      failure: `The policy for ${episode.task} (seed ${episode.seed}) threw: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * A page load costs about as much as this many short episodes: a free slot loads a page that other
 * slots already work on only when at least this many of its episodes remain for each of them.
 */
const EPISODES_WORTH_A_LOAD = 8;

/**
 * Pending episodes grouped by page. A free slot takes the next episode of the page it already has;
 * else one of a page nobody works on; else it shares the busiest backlog, if that is worth a load.
 * So page loads stay near one per task, and a slot with nothing worth loading retires.
 */
class EpisodeQueue {
  private readonly pending = new Map<string, number[]>();
  private readonly busy = new Map<string, number>();

  constructor(urls: readonly string[]) {
    urls.forEach((url, index) => {
      const list = this.pending.get(url);
      if (list) list.push(index);
      else this.pending.set(url, [index]);
    });
  }

  take(current: string | null): number | undefined {
    const own = current === null ? undefined : this.pending.get(current);
    if (own?.length) return own.shift();
    let best: number[] | undefined;
    let bestBacklog = 0;
    for (const [url, list] of this.pending) {
      if (!list.length) continue;
      const busy = this.busy.get(url) ?? 0;
      if (busy === 0) return list.shift();
      const backlog = list.length / (busy + 1);
      if (backlog >= EPISODES_WORTH_A_LOAD && backlog > bestBacklog) {
        best = list;
        bestBacklog = backlog;
      }
    }
    return best?.shift();
  }

  working(url: string | null, change: number): void {
    if (url !== null) this.busy.set(url, (this.busy.get(url) ?? 0) + change);
  }
}

/**
 * Resolves in a new task of the event loop. Each step starts in one: a chain of setTimeout(0)s
 * (the env's settle after every action) counts as nested, and Chromium clamps nested timers to 4 ms.
 */
function taskHop(): (() => Promise<void>) & { close(): void } {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  const hop = (): Promise<void> =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
  return Object.assign(hop, { close: () => channel.port1.close() });
}
