import type { FrameLocator, Locator, Page } from 'playwright-core';
import { parseAction, type Action } from '../env/actions.ts';
import type { PoolEpisode } from '../env/runner.ts';
import { ExpertConfusedError } from '../experts/expert.ts';
import { getExpert } from '../experts/registry.ts';
import type { DrivenState, FailedEpisode } from '../harness/api.ts';
import { callHarness } from './lab-browser.ts';

/**
 * How long an action may wait for its element to be actionable, as in BrowserGym. Playwright clicks
 * the point under the element's centre, so a click on a covered element times out where the lab's
 * env (which dispatches to the element itself) goes through.
 */
const ACTION_TIMEOUT_MS = 500;
const DRIVEN_FRAME = '#driven iframe';

export interface DrivenRun {
  episodes: number;
  successes: number;
  steps: number;
  seconds: number;
  /** The first few failed episodes, to show what went wrong. */
  failures: FailedEpisode[];
}

const FAILURE_EXAMPLES = 5;

/**
 * The episodes driven from outside the page, the way BrowserGym drives MiniWob++: each step reads
 * the observation with page.evaluate, runs the expert here in Node, and carries the action out with
 * Playwright locator calls on the iframe's `[bid="N"]` element. The env benchmark's baseline.
 */
export async function runThroughPlaywright(
  page: Page,
  builtInPage: string,
  episodes: readonly PoolEpisode[],
  onProgress: (run: DrivenRun, total: number) => void,
): Promise<DrivenRun> {
  const frame = page.frameLocator(DRIVEN_FRAME);
  const run: DrivenRun = { episodes: 0, successes: 0, steps: 0, seconds: 0, failures: [] };
  const started = performance.now();
  let openTask: string | null = null;
  try {
    for (const episode of episodes) {
      if (episode.task !== openTask) {
        await callHarness(page, 'openDriven', { ...episode, builtInPage });
        openTask = episode.task;
      }
      const expert = getExpert(episode.task);
      const history: string[] = [];
      const memory: Record<string, unknown> = {};
      let state: DrivenState = await callHarness(page, 'resetDriven', episode.seed);
      let why: string | null = null;
      while (!state.done && state.observation) {
        let action: string;
        try {
          action = expert.solve({ observation: state.observation, history, memory }).action;
        } catch (error) {
          if (!(error instanceof ExpertConfusedError)) throw error;
          why = error.message;
          break;
        }
        let error: string | null;
        if (needsLabEnv(action)) {
          state = await callHarness(page, 'stepDriven', action);
          error = state.observation?.lastError ?? null;
        } else {
          error = await perform(page, frame, action);
          state = await callHarness(page, 'recordDriven', error);
        }
        history.push(action);
        why = state.pageError ?? (error && `${action}: ${error}`);
        run.steps++;
      }
      run.episodes++;
      if (state.success) run.successes++;
      else if (run.failures.length < FAILURE_EXAMPLES) {
        why ??=
          state.pageError ?? `no success after ${history.length} step(s), last ${history.at(-1) ?? 'none'}`;
        run.failures.push({ task: episode.task, seed: episode.seed, why });
      }
      run.seconds = (performance.now() - started) / 1000;
      onProgress(run, episodes.length);
    }
  } finally {
    await callHarness(page, 'closeDriven');
  }
  run.seconds = (performance.now() - started) / 1000;
  return run;
}

/**
 * select_text has no Playwright call (nor a BrowserGym one): selecting part of an element's text
 * takes a DOM range, so the lab's env carries that action out inside the page.
 */
function needsLabEnv(action: string): boolean {
  const parsed = parseAction(action);
  return parsed.ok && parsed.action.kind === 'select_text';
}

/** Carries out one action with Playwright; returns its error message, or null. */
async function perform(page: Page, frame: FrameLocator, text: string): Promise<string | null> {
  const parsed = parseAction(text);
  if (!parsed.ok) return parsed.error;
  const action = parsed.action;
  try {
    if (action.kind === 'select_text') return 'select_text is carried out by the lab env, not Playwright.';
    if ('bid' in action) await performOnElement(frame.locator(`[bid="${action.bid}"]`), action);
    else await performWithoutElement(page, action);
    return null;
  } catch (error) {
    return `Playwright: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
  }
}

type ElementAction = Exclude<Extract<Action, { bid: string }>, { kind: 'select_text' }>;

function performOnElement(element: Locator, action: ElementAction): Promise<unknown> {
  const timeout = ACTION_TIMEOUT_MS;
  switch (action.kind) {
    case 'click':
      return element.click({ timeout });
    case 'hover':
      return element.hover({ timeout });
    case 'fill':
      return element.fill(action.text, { timeout });
    case 'type':
      return element.pressSequentially(action.text, { timeout });
    case 'select_option':
      return element.selectOption(action.option, { timeout });
    case 'press':
      return element.press(action.key, { timeout });
    case 'scroll_element':
      return element.scrollIntoViewIfNeeded({ timeout });
  }
}

/** Actions on the page rather than on one element: keys, wheel, waits, and the mouse at frame coordinates. */
async function performWithoutElement(page: Page, action: Exclude<Action, ElementAction>): Promise<void> {
  const frameBox = async (): Promise<{ x: number; y: number }> =>
    (await page.locator(DRIVEN_FRAME).boundingBox()) ?? { x: 0, y: 0 };
  switch (action.kind) {
    case 'keyboard_press':
      return page.keyboard.press(action.key);
    case 'scroll':
      return page.mouse.wheel(action.dx, action.dy);
    case 'noop':
      return action.waitMs > 0 ? page.waitForTimeout(Math.min(action.waitMs, 5000)) : undefined;
    case 'mouse_click':
    case 'mouse_move':
    case 'mouse_down':
    case 'mouse_up': {
      const box = await frameBox();
      await page.mouse.move(box.x + action.x, box.y + action.y);
      if (action.kind === 'mouse_click') return page.mouse.click(box.x + action.x, box.y + action.y);
      if (action.kind === 'mouse_down') return page.mouse.down();
      if (action.kind === 'mouse_up') return page.mouse.up();
      return;
    }
    case 'mouse_drag': {
      const box = await frameBox();
      await page.mouse.move(box.x + action.x1, box.y + action.y1);
      await page.mouse.down();
      await page.mouse.move(box.x + action.x2, box.y + action.y2, { steps: 8 });
      return page.mouse.up();
    }
  }
}
