import type { MiniWobWindow } from '../tasks/core/protocol.ts';
import type { TaskMeta } from '../tasks/core/task.ts';
import { parseAction } from './actions.ts';
import { assignBids, resetBids } from './bids.ts';
import { executeAction } from './execute.ts';
import { PageClosedError, pageDelay, type PageHost } from './host.ts';
import { observeTree, renderObservation, type ObsElement, type ObservationFormat } from './observation.ts';

export interface EnvOptions {
  /**
   * Steps before an unfinished episode is cut off with reward -1 (default 10). A task whose official
   * version needs more (its registry `maxSteps`) gets its own budget where that is larger.
   */
  maxSteps: number;
  /** How `observation.text` is written: pruned HTML (the paper's choice) or accessibility-tree text. */
  format: ObservationFormat;
  /** Success is raw reward > 0 (BrowserGym and the paper) or raw reward == 1 (strict). */
  successRule: 'positive' | 'perfect';
  /** 'task' keeps each task's own time limit; 'off' lifts it, as BrowserGym does, for slow policies. */
  timeLimit: 'task' | 'off';
  /** How long a page may take to become ready before the episode ends with an error. */
  readyTimeoutMs: number;
}

export const DEFAULT_ENV_OPTIONS: EnvOptions = {
  maxSteps: 10,
  format: 'html',
  successRule: 'positive',
  timeLimit: 'off',
  readyTimeoutMs: 10_000,
};

/** A time limit long enough never to bite, as BrowserGym sets it (setTimeout cannot take Infinity). */
const LIFTED_TIME_LIMIT_MS = 10_000_000;

export interface Observation {
  utterance: string;
  /** The pruned, bid-labelled tree; experts read it, renderers write it as text. */
  tree: ObsElement;
  /** The tree written in the env's format: exactly what a model reads. */
  text: string;
  /** The error of the previous action, if it failed (shown to the model with error-log feedback). */
  lastError: string | null;
  step: number;
}

export interface StepResult {
  /** Null only when the page could not be observed (it threw or never became ready). */
  observation: Observation | null;
  /** Training reward: +1 on success, -1 on failure, timeout or step limit, 0 while running. */
  reward: number;
  /** The page's own reward (WOB_RAW_REWARD_GLOBAL), partial credit included. */
  rawReward: number;
  /** The page's time-discounted reward (WOB_REWARD_GLOBAL). */
  taskReward: number;
  done: boolean;
  /** Ended by the step limit rather than by the page. */
  truncated: boolean;
  success: boolean;
  /** Why the last action failed (parse error, unknown bid, hidden element...), as data. */
  error: string | null;
  /** The page itself failed: threw, never became ready. The episode ends; the env can be reset. */
  pageError: string | null;
  reason: string | null;
  steps: number;
}

/**
 * One task page driven through the MiniWob++ protocol: BrowserGym's small surface, reset and step,
 * with errors returned as data and never thrown through the agent.
 */
/** What the env needs to know of the task it drives: the registry's facts (for official pages too). */
export type TaskFacts = Pick<TaskMeta, 'maxSteps' | 'perception'>;

export class TaskEnv {
  readonly options: EnvOptions;
  /** The episode's step budget: the env's, or the task's own where the task needs more. */
  readonly maxSteps: number;
  private win: MiniWobWindow | null = null;
  private steps = 0;
  private done = true;
  private lastError: string | null = null;

  constructor(
    readonly host: PageHost,
    options: Partial<EnvOptions> = {},
    private readonly task: TaskFacts | null = null,
  ) {
    this.options = { ...DEFAULT_ENV_OPTIONS, ...options };
    // Only a budget above the standard one raises the env's: a short test budget still cuts the others.
    const own = task && task.maxSteps > DEFAULT_ENV_OPTIONS.maxSteps ? task.maxSteps : 0;
    this.maxSteps = Math.max(this.options.maxSteps, own);
  }

  async reset(seed: number | string): Promise<StepResult> {
    this.checkOpen();
    this.steps = 0;
    this.done = false;
    this.lastError = null;
    this.host.takePageErrors();
    try {
      const win = await this.host.ready(this.options.readyTimeoutMs);
      this.win = win;
      if (this.options.timeLimit === 'off') win.core.EPISODE_MAX_TIME = LIFTED_TIME_LIMIT_MS;
      finishAnimations(win);
      win.Math.seedrandom(seed);
      resetBids(win.document);
      win.core.startEpisodeReal();
      hideHumanDisplay(win.document);
      await this.settle(win);
      this.checkOpen();
    } catch (error) {
      this.throwIfClosed(error);
      return this.pageFailure(`Task page ${this.host.label} failed to start an episode: ${message(error)}`);
    }
    return this.result(null);
  }

  async step(actionText: string): Promise<StepResult> {
    this.checkOpen();
    const win = this.win;
    if (!win || this.done) return this.overFailure();
    this.steps++;
    let error: string | null;
    const parsed = parseAction(actionText);
    if (!parsed.ok) {
      error = parsed.error;
    } else {
      try {
        error = await executeAction(win.document, parsed.action, { hasLayout: this.host.hasLayout });
      } catch (thrown) {
        this.throwIfClosed(thrown);
        error = `The action threw: ${message(thrown)}`;
      }
      await this.settle(win);
    }
    return this.conclude(win, error);
  }

  /**
   * Counts a step whose action something outside the page carried out (a Playwright driver, the way
   * BrowserGym acts: the env benchmark's baseline) and reports what came of it, like `step`.
   */
  async recordStep(error: string | null): Promise<StepResult> {
    this.checkOpen();
    const win = this.win;
    if (!win || this.done) return this.overFailure();
    this.steps++;
    await this.settle(win);
    return this.conclude(win, error);
  }

  private conclude(win: MiniWobWindow, error: string | null): StepResult {
    this.checkOpen();
    const pageErrors = this.host.takePageErrors();
    if (pageErrors.length && !win.WOB_DONE_GLOBAL) {
      return this.pageFailure(
        `Task page ${this.host.label} threw while handling the action: ${pageErrors.join('; ')}`,
      );
    }
    this.lastError = error;
    return this.result(error);
  }

  /**
   * A closed page (its iframe left the document, or the env was disposed) is no failure of the page
   * or the agent: it is thrown on as PageClosedError, never recorded as an episode's outcome.
   */
  private checkOpen(): void {
    if (this.host.closed) throw new PageClosedError(this.host.label);
  }

  /** An error met while the page was or got closed is that closing (named with this page), else nothing. */
  private throwIfClosed(error: unknown): void {
    if (error instanceof PageClosedError || this.host.closed) throw new PageClosedError(this.host.label);
  }

  /** Lets the page's own timers and handlers that an action scheduled run before we look. */
  private async settle(win: Window): Promise<void> {
    try {
      await pageDelay(win, 0);
    } catch (error) {
      this.throwIfClosed(error);
      throw error;
    }
  }

  private overFailure(): StepResult {
    return this.pageFailure('The episode is over (or never started): call reset(seed) before step().');
  }

  /** The current observation, without acting. */
  observe(): Observation | null {
    if (!this.win) return null;
    const doc = this.win.document;
    assignBids(doc);
    const tree = observeTree(doc, { positions: this.task?.perception === 'positions' });
    if (!tree) return null;
    return {
      utterance: this.win.core.getUtterance(),
      tree,
      text: renderObservation(tree, this.options.format),
      lastError: this.lastError,
      step: this.steps,
    };
  }

  /** The page's window, for highlighting and inspection by the UI. */
  get window(): MiniWobWindow | null {
    return this.win;
  }

  private result(error: string | null): StepResult {
    const win = this.win as MiniWobWindow;
    const pageDone = win.WOB_DONE_GLOBAL === true;
    const rawReward = pageDone ? Number(win.WOB_RAW_REWARD_GLOBAL) : 0;
    const success = pageDone && (this.options.successRule === 'perfect' ? rawReward === 1 : rawReward > 0);
    const truncated = !pageDone && this.steps >= this.maxSteps;
    this.done = pageDone || truncated;
    return {
      observation: this.observe(),
      reward: this.done ? (success ? 1 : -1) : 0,
      rawReward,
      taskReward: pageDone ? Number(win.WOB_REWARD_GLOBAL) : 0,
      done: this.done,
      truncated,
      success,
      error,
      pageError: null,
      reason: pageDone ? win.WOB_REWARD_REASON : truncated ? `step limit (${this.maxSteps})` : null,
      steps: this.steps,
    };
  }

  private pageFailure(pageError: string): StepResult {
    this.done = true;
    return {
      observation: null,
      reward: -1,
      rawReward: 0,
      taskReward: 0,
      done: true,
      truncated: false,
      success: false,
      error: null,
      pageError,
      reason: 'page error',
      steps: this.steps,
    };
  }

  dispose(): void {
    this.host.dispose();
    this.win = null;
  }
}

/**
 * What the official core adds for a person: the START cover over the task until an episode starts,
 * the reward display beside it and the click visualiser. BrowserGym hides them too, so the
 * observation of an official page shows the task as the lab's own page does.
 */
const HUMAN_DISPLAY_IDS = ['sync-task-cover', 'reward-display', 'click-canvas'];

function hideHumanDisplay(doc: Document): void {
  for (const id of HUMAN_DISPLAY_IDS) {
    const element = doc.getElementById(id);
    if (element) element.style.display = 'none';
  }
}

/**
 * Jumps a jQuery page's running animations to their end before a new episode: an animation of the
 * last instance finishing inside the next one throws there (a person never sees this, as the
 * official START cover sits between episodes).
 */
function finishAnimations(win: Window): void {
  const jQuery = (
    win as Window & { jQuery?: (selector: string) => { stop(clearQueue: boolean, jumpToEnd: boolean): void } }
  ).jQuery;
  jQuery?.(':animated').stop(true, true);
}

/** An error's message; errors from a task page's iframe are another realm's Error, so no instanceof. */
function message(error: unknown): string {
  const text = (error as { message?: unknown } | null)?.message;
  return typeof text === 'string' ? text : String(error);
}
