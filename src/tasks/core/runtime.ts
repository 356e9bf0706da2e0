import { createRandom, type Random } from '../../core/random.ts';
import type { MiniWobWindow } from './protocol.ts';
import type { TaskContext, TaskSpec } from './task.ts';
import { TASK_PAGE_CSS } from './style.ts';

/**
 * Turns a window into a page of one built-in task: the MiniWob++ layout (a 160x210 task area with
 * the yellow query box on top) and the protocol globals (`core`, `genProblem`, `Math.seedrandom`,
 * `WOB_*`). Works on an iframe's window and on a DOM implementation's window in Node alike.
 */
export function installTask(window: Window, spec: TaskSpec): MiniWobWindow {
  const win = window as MiniWobWindow;
  const doc = win.document;
  doc.title = spec.name;
  const style = doc.createElement('style');
  style.textContent = TASK_PAGE_CSS + (spec.css ?? '');
  doc.head.append(style);
  doc.body.innerHTML = '<div id="wrap"><div id="query"></div><div id="area"></div></div>';
  const query = doc.getElementById('query') as HTMLElement;
  const area = doc.getElementById('area') as HTMLElement;

  let random: Random = createRandom(Date.now());
  let utterance = '';
  let startedAt = 0;
  let episode = 0;
  let timers: number[] = [];
  const clearTimers = (): void => {
    for (const id of timers) win.clearTimeout(id);
    timers = [];
  };

  const ctx: TaskContext = {
    doc,
    win,
    area,
    get random() {
      return random;
    },
    setUtterance(text) {
      utterance = text;
      query.textContent = text;
    },
    end: (reward, reason) => core.endEpisode(reward, reward > 0, reason),
    succeed: (reason) => core.endEpisode(1, true, reason ?? 'success'),
    fail: (reason) => core.endEpisode(-1, false, reason ?? 'wrong answer'),
    get done() {
      return win.WOB_DONE_GLOBAL;
    },
    setTimeout(fn, ms) {
      const current = episode;
      timers.push(
        win.setTimeout(() => {
          if (current === episode && !win.WOB_DONE_GLOBAL) fn();
        }, ms),
      );
    },
  };

  const core: MiniWobWindow['core'] = {
    EPISODE_MAX_TIME: (spec.maxTime ?? 10) * 1000,
    getUtterance: () => utterance,
    startEpisodeReal() {
      clearTimers();
      episode++;
      area.replaceChildren();
      area.removeAttribute('style');
      area.removeAttribute('class');
      ctx.setUtterance('');
      win.WOB_DONE_GLOBAL = false;
      win.WOB_REWARD_GLOBAL = 0;
      win.WOB_RAW_REWARD_GLOBAL = 0;
      win.WOB_REWARD_REASON = null;
      win.genProblem();
      startedAt = Date.now();
      const limit = core.EPISODE_MAX_TIME;
      if (Number.isFinite(limit) && limit > 0) {
        timers.push(win.setTimeout(() => core.endEpisode(-1, false, 'timeout'), limit));
      }
    },
    endEpisode(reward, timeProportional = false, reason) {
      if (win.WOB_DONE_GLOBAL) return;
      clearTimers();
      const elapsed = Date.now() - startedAt;
      const limit = core.EPISODE_MAX_TIME;
      const discount = timeProportional && reward > 0 && limit > 0 ? Math.max(0, 1 - elapsed / limit) : 1;
      win.WOB_RAW_REWARD_GLOBAL = reward;
      win.WOB_REWARD_GLOBAL = reward * discount;
      win.WOB_REWARD_REASON = reason ?? null;
      win.WOB_DONE_GLOBAL = true;
    },
  };

  win.core = core;
  win.genProblem = () => spec.generate(ctx);
  win.Math.seedrandom = (seed) => {
    random = createRandom(seed);
  };
  win.WOB_DONE_GLOBAL = false;
  win.WOB_REWARD_GLOBAL = 0;
  win.WOB_RAW_REWARD_GLOBAL = 0;
  win.WOB_REWARD_REASON = null;
  win.WOB_TASK_READY = true;
  return win;
}
