import { TaskEnv, type EnvOptions, type StepResult } from '../env/env.ts';
import { PageClosedError } from '../env/host.ts';
import { findTask } from '../tasks/registry.ts';
import { IframePageHost, taskPageUrl } from '../env/iframe-host.ts';
import { renderObservation } from '../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../experts/expert.ts';
import { findExpert } from '../experts/registry.ts';
import { highlightBid, targetOf, type ActionTarget } from './highlight.ts';
import { envOptions, type TaskSettings } from './settings.ts';
import type { CatalogTask } from './task-catalog.ts';

/** One step of the episode as the history list shows it. */
export interface HistoryEntry {
  step: number;
  by: 'you' | 'expert';
  thought: string | null;
  action: string;
  error: string | null;
  reward: number;
  done: boolean;
}

/** A time limit this long was lifted by the env (timeLimit 'off'); no countdown is shown. */
const LIFTED_LIMIT_MS = 1_000_000;

/**
 * One task page played by hand or by its expert: the page in an iframe, the env that drives it, and
 * what the Tasks page shows of it. Plain logic with reactive fields; the components only call it.
 */
export class TaskSession {
  task = $state.raw<CatalogTask | null>(null);
  seed = $state(0);
  result = $state.raw<StepResult | null>(null);
  /** The options of this episode's env; settings changed since then apply from the next reset. */
  options = $state.raw<EnvOptions | null>(null);
  history = $state.raw<HistoryEntry[]>([]);
  /** What the session itself has to say: a stuck expert, a finished episode, a page that failed. */
  notice = $state<string | null>(null);
  /** A reset or an action is in flight. */
  busy = $state(false);
  expertRunning = $state(false);
  /** What the last action acted on (highlighted in the page). */
  target = $state.raw<ActionTarget>(null);
  /** Milliseconds left under the page's own time limit, when one applies. */
  timeLeftMs = $state<number | null>(null);
  /** The page ended the episode between steps (its time limit): the reason it gave. */
  endedByPage = $state<string | null>(null);

  readonly settings: TaskSettings;
  readonly expert: Expert | null = $derived(this.task ? (findExpert(this.task.name) ?? null) : null);
  readonly episodeActive = $derived(this.result !== null && !this.result.done);

  private container: HTMLElement | null = null;
  private host: IframePageHost | null = null;
  private env: TaskEnv | null = null;
  private actions: string[] = [];
  private memory: Record<string, unknown> = {};
  /** Bumped by every open and reset, so a slow answer from a replaced page is dropped. */
  private generation = 0;
  private episodeStartedAt = 0;
  /** The page's own time limit was lifted by an env with timeLimit 'off' (it stays lifted on that page). */
  private pageLimitLifted = false;
  private clock: ReturnType<typeof setInterval> | null = null;

  constructor(settings: TaskSettings) {
    this.settings = settings;
  }

  /** The observation written in the chosen format: exactly the text a model reads. */
  get observationText(): string {
    const observation = this.result?.observation;
    return observation ? renderObservation(observation.tree, this.settings.format) : '';
  }

  /** The element the task iframe lives in. */
  attach(container: HTMLElement): void {
    this.container = container;
  }

  /** Loads a task's page and starts an episode with `seed`. */
  async open(task: CatalogTask, seed: number): Promise<void> {
    if (!this.container) throw new Error('TaskSession.open: attach() a container for the task page first.');
    this.expertRunning = false;
    this.host?.dispose();
    this.task = task;
    this.host = new IframePageHost(taskPageUrl(task.name, task.source), this.container, task.name);
    this.pageLimitLifted = false;
    await this.reset(seed);
  }

  /** A new episode of the current task, with a fresh env that takes the current settings. */
  async reset(seed: number = this.seed): Promise<void> {
    if (!this.host) return;
    const generation = ++this.generation;
    this.seed = seed;
    this.busy = true;
    this.result = null;
    this.history = [];
    this.notice = null;
    this.endedByPage = null;
    this.showTarget(null);
    this.actions = [];
    this.memory = {};
    const options = envOptions(this.settings);
    // TaskEnv lifts a page's time limit but never restores it: a fresh page brings the task's own back.
    if (options.timeLimit === 'task' && this.pageLimitLifted) this.host.reload();
    this.pageLimitLifted = options.timeLimit === 'off';
    const env = new TaskEnv(this.host, options, this.task ? (findTask(this.task.name) ?? null) : null);
    this.env = env;
    // The budget shown is the episode's, which a task that needs more steps raises.
    this.options = { ...env.options, maxSteps: env.maxSteps };
    const result = await unlessClosed(env.reset(seed));
    if (result === null || generation !== this.generation) return;
    this.result = result;
    this.notice = result.pageError;
    this.busy = false;
    this.startClock();
  }

  /** Runs one action on the page; `thought` is the expert's, when the expert chose it. */
  async act(actionText: string, thought: string | null = null): Promise<void> {
    const env = this.env;
    if (!env || this.busy) return;
    if (!this.episodeActive) {
      this.notice = 'The episode is over. Press Reset (or pick a seed) to start a new one.';
      return;
    }
    const generation = this.generation;
    this.busy = true;
    this.notice = null;
    this.showTarget(null);
    const result = await unlessClosed(env.step(actionText));
    if (result === null || generation !== this.generation) return;
    this.actions.push(actionText);
    this.result = result;
    this.notice = result.pageError;
    this.history = [
      ...this.history,
      {
        step: result.steps,
        by: thought === null ? 'you' : 'expert',
        thought,
        action: actionText,
        error: result.error,
        reward: result.reward,
        done: result.done,
      },
    ];
    this.showTarget(targetOf(actionText));
    this.busy = false;
  }

  /** Asks the task's expert for one step and runs it. False when it could not (no expert, stuck, over). */
  async expertStep(): Promise<boolean> {
    const observation = this.result?.observation;
    if (!this.expert || !observation || !this.episodeActive || this.busy) return false;
    let step;
    try {
      step = this.expert.solve({ observation, history: this.actions, memory: this.memory });
    } catch (error) {
      this.notice =
        error instanceof ExpertConfusedError
          ? `The expert is stuck: ${error.message}`
          : `The expert threw an error (a bug in the expert): ${String(error)}`;
      return false;
    }
    await this.act(step.action, step.thought);
    return true;
  }

  /** Steps the expert until the episode ends, pausing `delayMs` between steps so one can watch. */
  async runExpert(delayMs: number): Promise<void> {
    if (!this.episodeActive) await this.reset();
    this.expertRunning = true;
    while (this.expertRunning && this.episodeActive) {
      if (!(await this.expertStep())) break;
      if (this.episodeActive && delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    this.expertRunning = false;
  }

  stopExpert(): void {
    this.expertRunning = false;
  }

  dispose(): void {
    this.stopClock();
    this.expertRunning = false;
    this.host?.dispose();
    this.host = null;
    this.env = null;
  }

  private showTarget(target: ActionTarget): void {
    this.target = target;
    const doc = this.env?.window?.document;
    if (doc) highlightBid(doc, target && 'bid' in target ? target.bid : null);
  }

  /** Watches the page between steps: its time limit can end the episode while nobody acts. */
  private startClock(): void {
    this.stopClock();
    this.episodeStartedAt = Date.now();
    this.tick();
    this.clock = setInterval(() => this.tick(), 200);
  }

  private tick(): void {
    const win = this.env?.window;
    const result = this.result;
    if (!win || !result || result.done) {
      this.timeLeftMs = null;
      this.stopClock();
      return;
    }
    const limit = win.core.EPISODE_MAX_TIME;
    this.timeLeftMs =
      limit > 0 && limit < LIFTED_LIMIT_MS ? Math.max(0, limit - (Date.now() - this.episodeStartedAt)) : null;
    if (win.WOB_DONE_GLOBAL && !this.busy) {
      // What the env will report at the next step, shown now (TaskEnv has no way to ask without acting).
      const rawReward = Number(win.WOB_RAW_REWARD_GLOBAL);
      const success = this.env?.options.successRule === 'perfect' ? rawReward === 1 : rawReward > 0;
      const reason = win.WOB_REWARD_REASON ?? 'ended';
      this.result = {
        ...result,
        rawReward,
        taskReward: Number(win.WOB_REWARD_GLOBAL),
        reward: success ? 1 : -1,
        success,
        done: true,
        reason,
      };
      this.endedByPage = reason;
      this.timeLeftMs = null;
      this.stopClock();
    }
  }

  private stopClock(): void {
    if (this.clock !== null) clearInterval(this.clock);
    this.clock = null;
  }
}

/** What `work` gives, or null when its page was closed under it (another task was opened, or the page left). */
async function unlessClosed<T>(work: Promise<T>): Promise<T | null> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof PageClosedError) return null;
    throw error;
  }
}
