import { runEpisode, type EpisodeResult, type StepPolicy } from './episode.ts';
import { findTask } from '../tasks/registry.ts';
import { TaskEnv, type EnvOptions } from './env.ts';
import { PageClosedError } from './host.ts';
import { IframePageHost, taskPageUrl } from './iframe-host.ts';
import { runInSlots, type EpisodeRunner, type PoolEpisode, type PoolProgress } from './runner.ts';

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
  /** The time its page took to (re)load, until the next episode has taken it into account; null if it failed. */
  loading: Promise<number | null> | null;
}

/**
 * K task pages in iframes side by side, running a list of episodes: K episodes wait on the policy
 * at once (a model can batch their steps, and a page's delays overlap with the others' work), and a
 * slot keeps its page while its task stays the same. A page that throws or never becomes ready
 * fails only its own episode; its slot is reloaded and the pool runs on. Pages closed under it (the
 * container left the document) end the whole run with PageClosedError.
 */
export class EnvPool implements EpisodeRunner {
  private readonly slots: Slot[];
  private readonly options: EnvPoolOptions;
  private readonly hop = taskHop();
  private disposed = false;
  /** Pages loaded (and reloaded) so far, over all runs. */
  pageLoads = 0;

  get size(): number {
    return this.slots.length;
  }

  get envOptions(): Partial<EnvOptions> {
    return this.options.env ?? {};
  }

  constructor(
    readonly container: HTMLElement,
    options: EnvPoolOptions,
  ) {
    if (!Number.isInteger(options.size) || options.size < 1)
      throw new Error(`An env pool needs a whole number of iframes (at least 1), not ${options.size}.`);
    this.options = options;
    this.slots = Array.from({ length: options.size }, () => ({
      url: null,
      host: null,
      env: null,
      loading: null,
    }));
  }

  /**
   * Runs every episode with the policy `policyFor` gives it, K at a time, and resolves with the
   * results in the order of `episodes`. `onResult` hears of each episode as it ends.
   */
  async run(
    episodes: readonly PoolEpisode[],
    policyFor: (episode: PoolEpisode) => StepPolicy,
    onResult?: (result: EpisodeResult, progress: PoolProgress) => void,
    signal?: AbortSignal,
  ): Promise<EpisodeResult[]> {
    const urls = episodes.map((e) => this.urlOf(e));
    const queue = new EpisodeQueue(urls);
    const play = async (slot: Slot, index: number): Promise<EpisodeResult> => {
      const episode = episodes[index] as PoolEpisode;
      const url = urls[index] as string;
      const env = this.open(slot, url, episode, queue);
      const loading = slot.loading;
      slot.loading = null;
      queue.working(url, +1);
      await this.hop();
      const episodeStart = performance.now();
      const result = await this.runOne(env, policyFor(episode), episode);
      const episodeMs = performance.now() - episodeStart;
      // The first episode on a page waited for the load, which is timed on its own.
      const loadMs = loading ? await loading : 0;
      if (loadMs !== null) queue.timedEpisode(url, Math.max(0, episodeMs - loadMs));
      queue.working(url, -1);
      // A failed page may be half-built or wedged: start the next episode from a fresh load.
      if (result.failure !== null) this.reload(slot, queue);
      return result;
    };
    return runInSlots(this.slots, episodes.length, (slot) => queue.take(slot.url), play, onResult, signal);
  }

  /** Frees every iframe; a run still under way rejects with PageClosedError. */
  dispose(): void {
    this.disposed = true;
    for (const slot of this.slots) this.close(slot);
    this.hop.close();
  }

  private urlOf(episode: PoolEpisode): string {
    return this.options.pageUrl?.(episode) ?? taskPageUrl(episode.task, episode.source);
  }

  private open(slot: Slot, url: string, episode: PoolEpisode, queue: EpisodeQueue): TaskEnv {
    if (slot.url === url && slot.env) return slot.env;
    this.close(slot);
    const label = episode.source === 'official' ? `official ${episode.task}` : episode.task;
    if (this.disposed) throw new PageClosedError(label);
    const host = new IframePageHost(url, this.container, label);
    slot.url = url;
    slot.host = host;
    slot.env = new TaskEnv(host, this.options.env, findTask(episode.task) ?? null);
    this.timeLoad(slot, queue);
    return slot.env;
  }

  private reload(slot: Slot, queue: EpisodeQueue): void {
    slot.host?.reload();
    this.timeLoad(slot, queue);
  }

  /** Times the slot's page load (the env's reset waits for the same readiness). */
  private timeLoad(slot: Slot, queue: EpisodeQueue): void {
    const host = slot.host;
    if (!host) return;
    this.pageLoads++;
    const start = performance.now();
    slot.loading = host.ready(slot.env?.options.readyTimeoutMs ?? 0).then(
      () => {
        const ms = performance.now() - start;
        queue.timedLoad(ms);
        return ms;
      },
      () => null,
    );
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

/**
 * runEpisode, with a policy that throws ending its episode with a failure instead of stopping the
 * run. A closed page (PageClosedError) is thrown on: it is no verdict of the task or the policy.
 */
export async function runEpisodeGuarded(
  env: TaskEnv,
  policy: StepPolicy,
  episode: Pick<PoolEpisode, 'task' | 'seed'>,
): Promise<EpisodeResult> {
  try {
    return await runEpisode(env, policy, episode.seed, episode.task);
  } catch (error) {
    if (error instanceof PageClosedError) throw error;
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

/** What a page load is taken to cost until one has been timed. */
const FIRST_LOAD_GUESS_MS = 100;

/** A mean kept as it goes. */
class Mean {
  private sum = 0;
  private count = 0;
  constructor(private readonly fallback: number) {}
  add(value: number): void {
    this.sum += value;
    this.count++;
  }
  get value(): number {
    return this.count ? this.sum / this.count : this.fallback;
  }
  get known(): boolean {
    return this.count > 0;
  }
}

interface PageWork {
  pending: number[];
  busy: number;
  episodeMs: Mean;
}

/**
 * Pending episodes grouped by page. A free slot keeps to the page it has while that page has
 * episodes left; else it takes the page with the most work left per slot, counting itself (longest
 * work first, so tasks that wait on slow widgets get many slots and finish with the rest). It joins
 * a page that other slots already work on only when that work outlasts a page load; a slot with
 * nothing worth a load retires.
 */
class EpisodeQueue {
  private readonly pages = new Map<string, PageWork>();
  private readonly loadMs = new Mean(FIRST_LOAD_GUESS_MS);
  private readonly anyEpisodeMs = new Mean(0);

  constructor(urls: readonly string[]) {
    urls.forEach((url, index) => {
      const page = this.pages.get(url);
      if (page) page.pending.push(index);
      else this.pages.set(url, { pending: [index], busy: 0, episodeMs: new Mean(0) });
    });
  }

  take(current: string | null): number | undefined {
    const own = current === null ? undefined : this.pages.get(current);
    if (own?.pending.length) return own.pending.shift();
    let best: PageWork | undefined;
    let bestWorkMs = -1;
    for (const page of this.pages.values()) {
      if (!page.pending.length) continue;
      const episodeMs = page.episodeMs.known ? page.episodeMs.value : this.anyEpisodeMs.value;
      const workMs = (page.pending.length * episodeMs) / (page.busy + 1);
      const worthLoading = page.busy === 0 || workMs > this.loadMs.value;
      if (worthLoading && workMs > bestWorkMs) {
        best = page;
        bestWorkMs = workMs;
      }
    }
    return best?.pending.shift();
  }

  working(url: string, change: number): void {
    const page = this.pages.get(url);
    if (page) page.busy += change;
  }

  timedEpisode(url: string, ms: number): void {
    this.pages.get(url)?.episodeMs.add(ms);
    this.anyEpisodeMs.add(ms);
  }

  timedLoad(ms: number): void {
    this.loadMs.add(ms);
  }
}

/**
 * Resolves in a new task of the event loop. Each step starts in one: a chain of setTimeout(0)s
 * (the env's settle after every action) counts as nested, and Chromium clamps nested timers to 4 ms.
 */
function taskHop(): (() => Promise<void>) & { close(): void } {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  let closed = false;
  channel.port1.onmessage = () => waiting.shift()?.();
  const hop = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (closed) return resolve();
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
  // Closed: the hops still waiting go on at once (to find their pages closed), as do later ones.
  const close = (): void => {
    closed = true;
    channel.port1.close();
    for (const resolve of waiting.splice(0)) resolve();
  };
  return Object.assign(hop, { close });
}
