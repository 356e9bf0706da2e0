import { TaskEnv, type StepResult } from '../env/env.ts';
import { IframePageHost, taskPageUrl } from '../env/iframe-host.ts';
import { EnvPool } from '../env/pool.ts';
import {
  expertRunPolicy,
  progressLine,
  summarizeEpisodes,
  type DrivenState,
  type LabHarness,
} from './api.ts';

/**
 * The headless harness page: the CLI opens harness.html in headless Chromium and calls these
 * functions with page.evaluate. Task pages run in iframes here, exactly as in the lab's page.
 */
const PROGRESS_EVERY_MS = 3000;
/** The harness has no person waiting on it: a page gets this long to become ready. */
const READY_TIMEOUT_MS = 15_000;

const poolArea = element('pool');
const drivenArea = element('driven');
let driven: TaskEnv | null = null;

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`harness.html lacks the #${id} element.`);
  return found;
}

function drivenState(result: StepResult): DrivenState {
  return {
    observation: result.observation,
    done: result.done,
    success: result.success,
    pageError: result.pageError,
  };
}

function needDriven(): TaskEnv {
  if (!driven) throw new Error('No driven page is open: call openDriven(task, source) first.');
  return driven;
}

const lab: LabHarness = {
  async runExperts({ episodes, k, errorRate, label }) {
    const pool = new EnvPool(poolArea, { size: k, env: { readyTimeoutMs: READY_TIMEOUT_MS } });
    let lastReport = performance.now();
    const started = performance.now();
    try {
      const results = await pool.run(
        episodes,
        (episode) => expertRunPolicy(episode, errorRate),
        (_, p) => {
          const now = performance.now();
          if (now - lastReport < PROGRESS_EVERY_MS) return;
          lastReport = now;
          window.labProgress?.(progressLine(label, p.done, p.total, p.successes, p.steps, p.elapsedMs));
        },
      );
      return summarizeEpisodes(results, (performance.now() - started) / 1000, pool.pageLoads);
    } finally {
      pool.dispose();
    }
  },

  async openDriven(task, source) {
    lab.closeDriven();
    const host = new IframePageHost(taskPageUrl(task, source), drivenArea, task);
    driven = new TaskEnv(host, { readyTimeoutMs: READY_TIMEOUT_MS });
    await host.ready(READY_TIMEOUT_MS);
  },

  async resetDriven(seed) {
    return drivenState(await needDriven().reset(seed));
  },

  async recordDriven(error) {
    return drivenState(await needDriven().recordStep(error));
  },

  closeDriven() {
    driven?.dispose();
    driven = null;
  },
};

window.lab = lab;
