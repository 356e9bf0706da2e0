/**
 * The MiniWob++ page protocol as a task page exposes it on its window: the same globals for the
 * official pages and the lab's own, so the environment drives both through one code path.
 */
export interface MiniWobCore {
  /** Builds a new instance (calls the page's `genProblem()`), zeroes the globals, starts the timer. */
  startEpisodeReal(): void;
  /** Ends the episode once: reward is time-discounted when timeProportional is true. */
  endEpisode(reward: number, timeProportional?: boolean, reason?: string): void;
  getUtterance(): string;
  /** Episode time limit in milliseconds; a driver may raise it before `startEpisodeReal()`. */
  EPISODE_MAX_TIME: number;
}

export interface MiniWobWindow extends Window {
  core: MiniWobCore;
  genProblem(): void;
  Math: Math & { seedrandom(seed: string | number): void };
  WOB_DONE_GLOBAL: boolean;
  WOB_REWARD_GLOBAL: number;
  WOB_RAW_REWARD_GLOBAL: number;
  WOB_REWARD_REASON: string | null;
  /** Absent or true when the page is ready; asynchronous pages set it true when they are. */
  WOB_TASK_READY?: boolean;
}

/** True when a window speaks the protocol (a loaded task page). */
export function speaksProtocol(win: Window): win is MiniWobWindow {
  const w = win as Partial<MiniWobWindow>;
  return (
    typeof w.core?.startEpisodeReal === 'function' &&
    typeof w.core.getUtterance === 'function' &&
    typeof (w.Math as Partial<MiniWobWindow['Math']> | undefined)?.seedrandom === 'function'
  );
}
