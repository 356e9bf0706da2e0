import type { Engine } from '../engine/engine.ts';
import { findTask } from '../tasks/registry.ts';
import { TaskEnv, type StepResult } from '../env/env.ts';
import { IframePageHost } from '../env/iframe-host.ts';
import { EnvPool } from '../env/pool.ts';
import { runConfigOf } from '../train/config.ts';
import {
  expertRunPolicy,
  pageAddress,
  progressLine,
  RunProgressLines,
  runTrainingReport,
  summarizeEpisodes,
  type DrivenState,
  type LabHarness,
  type RunExport,
  type RunTrainingReport,
  type RunTrainingRequest,
  type RunTrainingStatus,
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
let training: TrainingRun | null = null;
let lastTraining: Promise<RunTrainingReport> | null = null;

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
    driven = new TaskEnv(host, { readyTimeoutMs: READY_TIMEOUT_MS }, findTask(request.task) ?? null);
    await host.ready(READY_TIMEOUT_MS);
  },

  async resetDriven(seed) {
    return drivenState(await needDriven().reset(seed));
  },

  async recordDriven(error) {
    return drivenState(await needDriven().recordStep(error));
  },

  async stepDriven(action) {
    return drivenState(await needDriven().step(action));
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

  async startTraining(request) {
    if (training) {
      throw new Error(
        `Run ${training.runId} is already under way in this page: wait for trainingResult() or call pauseTraining().`,
      );
    }
    const run = await startTrainingRun(request);
    training = run;
    lastTraining = run.result.finally(() => {
      if (training === run) training = null;
    });
    // Whoever waits later gets the outcome; nobody waiting must not make it an unhandled rejection.
    lastTraining.catch(() => undefined);
    return { runId: run.runId, name: run.name, engine: run.engine };
  },

  trainingResult() {
    if (!lastTraining)
      return Promise.reject(new Error('No run was started in this page: call startTraining first.'));
    return lastTraining;
  },

  async runTraining(request) {
    await lab.startTraining(request);
    return lab.trainingResult();
  },

  pauseTraining() {
    training?.pause();
  },

  trainingStatus,
  exportTraining,
};

/*
 * Training runs. The train code, Dexie and the engine client load on the first call, so that the
 * experts and benchmarks do not wait for them.
 */

interface TrainingRun {
  runId: string;
  name: string;
  engine: string;
  result: Promise<RunTrainingReport>;
  pause(): void;
}

/** The engine runs in the engine worker (EngineClient), as on the Train page: see startTrainingRun. */
async function startTrainingRun(request: RunTrainingRequest): Promise<TrainingRun> {
  const [{ createRun, executeRun }, { envOptionsOf }, { DexieStore }, { EngineClient }, { describeEngine }] =
    await Promise.all([
      import('../train/run.ts'),
      import('../train/run-environment.ts'),
      import('../store/db.ts'),
      import('../../workers/engine-client.ts'),
      import('../engine/engine.ts'),
    ]);
  const store = new DexieStore(request.storeName);
  let engine: Engine | null = null;
  let pool: EnvPool | null = null;
  try {
    // The worker keeps a CPU-engine fallback's long computations off this thread, where the task
    // pages' iframes and the CLI's calls (pause, status) run; with WebGPU it costs only copies.
    engine = await EngineClient.start({ backend: request.backend });
    const info = await engine.info();
    const run = request.resumeRunId
      ? await store.getRun(request.resumeRunId)
      : await createRun(store, request.config ?? {});
    if (!run) {
      throw new Error(
        `No run with id ${request.resumeRunId} in this browser's store: resume a run this browser profile holds.`,
      );
    }
    const opened = engine;
    const config = runConfigOf(run);
    const runner = new EnvPool(poolArea, {
      size: request.poolSize ?? config.env.poolSize,
      env: { ...envOptionsOf(config.env), readyTimeoutMs: READY_TIMEOUT_MS },
      pageUrl: (episode) => pageAddress({ ...episode, builtInPage: request.builtInPage }),
    });
    pool = runner;
    const controller = new AbortController();
    const lines = new RunProgressLines(config, (line) => window.labProgress?.(line));
    const result = executeRun(
      run.id,
      {
        engine: opened,
        runner,
        store,
        loadAsset,
        ...(request.llmApiKey ? { llmApiKey: request.llmApiKey } : {}),
      },
      { signal: controller.signal, onEvent: (event) => lines.onEvent(event) },
    )
      // A run that fails is stored as failed with its message: the report carries it, as for a pause.
      .catch(async (error: unknown) => {
        console.error(error);
        return (await store.getRun(run.id)) ?? Promise.reject(error);
      })
      .then((record) => runTrainingReport(store, record, info))
      .finally(async () => {
        runner.dispose();
        await opened.dispose();
        store.close();
      });
    return {
      runId: run.id,
      name: run.name,
      engine: describeEngine(info),
      result,
      pause: () => controller.abort(),
    };
  } catch (error) {
    pool?.dispose();
    await engine?.dispose();
    store.close();
    throw error;
  }
}

/** A file of public/, as the dev server and the built app serve it. */
async function loadAsset(path: string): Promise<ArrayBuffer> {
  const response = await fetch(`/${path}`);
  if (!response.ok) {
    throw new Error(
      `Could not load /${path} (HTTP ${response.status}): the file belongs in public/${path}; restore it from the repository.`,
    );
  }
  return response.arrayBuffer();
}

async function trainingStatus(runId: string, storeName?: string): Promise<RunTrainingStatus> {
  const { DexieStore } = await import('../store/db.ts');
  const store = new DexieStore(storeName);
  try {
    const run = await store.getRun(runId);
    const metrics = await store.metrics(runId);
    const checkpoints = await store.listCheckpoints(runId);
    return {
      status: run?.status ?? null,
      step: run?.state.step ?? 0,
      metrics: metrics.map((m) => ({ kind: m.kind, step: m.step })),
      checkpoints: checkpoints.map((c) => ({ step: c.step, createdAt: c.createdAt })),
      summary: run?.summary ?? null,
    };
  } finally {
    store.close();
  }
}

async function exportTraining(runId: string, storeName?: string): Promise<RunExport> {
  const [{ DexieStore }, { exportResults }] = await Promise.all([
    import('../store/db.ts'),
    import('../train/results-file.ts'),
  ]);
  const store = new DexieStore(storeName);
  try {
    const results = await exportResults(store, [runId]);
    const latest = await store.latestCheckpoint(runId);
    return {
      results,
      weightsBase64: latest ? base64(latest.weights) : null,
      weightsStep: latest?.step ?? null,
    };
  } finally {
    store.close();
  }
}

function base64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  const chunks: string[] = [];
  // String.fromCharCode takes its bytes as arguments: a chunk at a time stays under the argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    chunks.push(String.fromCharCode(...bytes.subarray(i, i + 0x8000)));
  }
  return btoa(chunks.join(''));
}

window.lab = lab;
