import { TaskEnv, type StepResult } from '../env/env.ts';
import { IframePageHost } from '../env/iframe-host.ts';
import { EnvPool } from '../env/pool.ts';
import {
  expertRunPolicy,
  pageAddress,
  progressLine,
  summarizeEpisodes,
  type DrivenState,
  type LabHarness,
} from './api.ts';

/*
 * The headless harness page: the CLI opens harness.html in headless Chromium and calls the
 * functions of `window.lab` with page.evaluate. Task pages run in iframes here, as in the lab's page.
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
  if (!driven) throw new Error('No driven page is open: call openDriven first.');
  return driven;
}

const lab: LabHarness = {
  async runExperts({ episodes, builtInPage, k, errorRate, label }) {
    const pool = new EnvPool(poolArea, {
      size: k,
      env: { readyTimeoutMs: READY_TIMEOUT_MS },
      pageUrl: (episode) => pageAddress({ ...episode, builtInPage }),
    });
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

  async openDriven(request) {
    lab.closeDriven();
    const host = new IframePageHost(pageAddress(request), drivenArea, request.task);
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

  async benchEngine(request) {
    // Loaded on demand: the GPU engine and TF.js are large, and only this call needs them.
    const [{ runEngineBench }, { measureTfjs }] = await Promise.all([
      import('./bench-engine.ts'),
      import('./bench-engine-tfjs.ts'),
    ]);
    const say = (line: string): void => window.labProgress?.(line);
    return runEngineBench(request, {
      runtime: navigator.userAgent,
      onProgress: say,
      tfjs: request.tfjs ? (plan) => measureTfjs(plan, say) : { skipped: 'skipped with --no-tfjs' },
    });
  },
};

window.lab = lab;
