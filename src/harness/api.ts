import { describeEngine, type EngineInfo } from '../engine/engine.ts';
import type { BackendChoice } from '../engine/open.ts';
import type { Observation } from '../env/env.ts';
import { taskPageUrl } from '../env/iframe-host.ts';
import type { PoolEpisode } from '../env/runner.ts';
import { type EpisodeResult, type StepPolicy } from '../env/episode.ts';
import { expertPolicy, noisyPolicy } from '../experts/policies.ts';
import { getExpert } from '../experts/registry.ts';
import type { ResultsFile } from '../train/results-file.ts';
import type { MetricRecord, RunRecord, RunStatus, RunSummary } from '../store/records.ts';
import type { LabStore } from '../store/store.ts';
import type { RunConfig } from '../train/config.ts';
import { type RunEvent } from '../train/run-book.ts';
import { RunPace } from '../train/run-pace.ts';
import type { BenchEngineReport, BenchEngineRequest } from './bench-engine-plan.ts';

/**
 * What the headless harness page (harness.html) offers the CLI, which calls it with Playwright's
 * page.evaluate. Everything that crosses is plain data.
 */
export interface LabHarness {
  /** Runs each episode with its task's expert in a pool of K iframes. */
  runExperts(request: ExpertRunRequest): Promise<ExpertRunReport>;
  /** Loads one task page into the driven iframe (`#driven iframe`), which a driver outside the page acts on. */
  openDriven(episode: PageRequest): Promise<void>;
  resetDriven(seed: number): Promise<DrivenState>;
  /** Records one step whose action the outside driver carried out; `error` is its error, if any. */
  recordDriven(error: string | null): Promise<DrivenState>;
  /** Carries out one action with the lab's own env, for an action Playwright has no call for. */
  stepDriven(action: string): Promise<DrivenState>;
  closeDriven(): void;
  /** The engine benchmark on this page's WebGPU, with the TF.js comparison (bench-engine.ts). */
  benchEngine(request: BenchEngineRequest): Promise<BenchEngineReport>;
  /**
   * Creates a training run (or takes up a stored one by id) in this page's IndexedDB and starts it,
   * with its task pages in the pool area; resolves with the run's id, its name and describeEngine's
   * sentence once it is under way.
   */
  startTraining(request: RunTrainingRequest): Promise<{ runId: string; name: string; engine: string }>;
  /** Waits for the run startTraining began to finish, pause or fail. */
  trainingResult(): Promise<RunTrainingReport>;
  /** startTraining, then trainingResult. */
  runTraining(request: RunTrainingRequest): Promise<RunTrainingReport>;
  /** Pauses the run under way: it finishes its step, saves a checkpoint and resolves as 'paused'. */
  pauseTraining(): void;
  /** What the store holds of a run: its status, metric rows and checkpoint steps. */
  trainingStatus(runId: string, storeName?: string): Promise<RunTrainingStatus>;
  /** The run's results file and its last checkpoint's weights (safetensors, base64), for the CLI's --out. */
  exportTraining(runId: string, storeName?: string): Promise<RunExport>;
}

export interface RunTrainingRequest {
  /** A new run's configuration, as read from its file (checked in the page); ignored with resumeRunId. */
  config?: unknown;
  /** Take up this stored run from its last checkpoint instead of creating one. */
  resumeRunId?: string;
  builtInPage: string;
  backend: BackendChoice;
  /** Episodes side by side; default the configuration's env.poolSize. */
  poolSize?: number;
  /** The IndexedDB database; default the lab's own (the Train page's). */
  storeName?: string;
  /** The LLM teacher's key, never stored: a resumed run that still collects traces needs it again. */
  llmApiKey?: string;
}

export interface RunTrainingReport {
  runId: string;
  status: RunStatus;
  error: string | null;
  summary: RunSummary | null;
  /** The step of the last checkpoint (where a resume starts), or null. */
  lastCheckpoint: number | null;
  /** describeEngine's sentence, and the adapter or CPU engine that ran. */
  engine: string;
  adapter: string;
  backend: 'webgpu' | 'cpu';
}

/** The report of a run that stopped (finished, paused or failed), in the page and in Node alike. */
export async function runTrainingReport(
  store: LabStore,
  record: RunRecord,
  info: EngineInfo,
): Promise<RunTrainingReport> {
  const checkpoints = await store.listCheckpoints(record.id);
  return {
    runId: record.id,
    status: record.status,
    error: record.error,
    summary: record.summary,
    lastCheckpoint: checkpoints.at(-1)?.step ?? null,
    engine: describeEngine(info),
    adapter: info.adapter,
    backend: info.backend,
  };
}

export interface RunTrainingStatus {
  status: RunStatus | null;
  step: number;
  /** In store order: step order, the training row before the evaluation. */
  metrics: { kind: MetricRecord['kind']; step: number }[];
  /** In step order, with when each was saved (ms since the epoch). */
  checkpoints: { step: number; createdAt: number }[];
  summary: RunSummary | null;
}

export interface RunExport {
  results: ResultsFile;
  /** The last checkpoint's parameters as safetensors, base64 (page.evaluate carries only JSON). */
  weightsBase64: string | null;
  weightsStep: number | null;
}

/** Which page to load for a task: official pages from the official folder, built-in ones from `builtInPage`. */
export interface PageRequest {
  task: string;
  source: PoolEpisode['source'];
  /** The page of built-in tasks, `?task=NAME` appended: /task.html, or the CLI's bundled copy. */
  builtInPage: string;
}

export interface ExpertRunRequest {
  episodes: PoolEpisode[];
  builtInPage: string;
  /** Iframes side by side. */
  k: number;
  /** Probability that the expert's step is replaced by a random action (an imperfect teacher). */
  errorRate: number;
  /** Names the run in progress lines. */
  label: string;
}

export interface TaskTally {
  episodes: number;
  successes: number;
  steps: number;
}

export interface FailedEpisode {
  task: string;
  seed: number;
  why: string;
}

export interface ExpertRunReport {
  tasks: Record<string, TaskTally>;
  episodes: number;
  successes: number;
  steps: number;
  /** Wall time of the whole run, page loads included. */
  seconds: number;
  /** Task pages loaded during the run (browser only). */
  pageLoads: number;
  /** The first few failed episodes, to show what went wrong. */
  failures: FailedEpisode[];
}

/** The driven page after a reset or a step, as the outside driver sees it. */
export interface DrivenState {
  observation: Observation | null;
  done: boolean;
  success: boolean;
  pageError: string | null;
}

declare global {
  interface Window {
    /** Set by harness.html once it is ready. */
    lab?: LabHarness;
    /** Set by the CLI (Playwright's exposeFunction): progress lines for the terminal. */
    labProgress?: (line: string) => void;
  }
}

const FAILURE_EXAMPLES = 10;

/** Counts episodes, successes and steps per task, keeping a few failures as examples. */
export function summarizeEpisodes(
  results: readonly EpisodeResult[],
  seconds: number,
  pageLoads: number,
): ExpertRunReport {
  const report: ExpertRunReport = {
    tasks: {},
    episodes: 0,
    successes: 0,
    steps: 0,
    seconds,
    pageLoads,
    failures: [],
  };
  for (const result of results) {
    const tally = (report.tasks[result.task] ??= { episodes: 0, successes: 0, steps: 0 });
    tally.episodes++;
    tally.steps += result.steps.length;
    report.episodes++;
    report.steps += result.steps.length;
    if (result.success) {
      tally.successes++;
      report.successes++;
    } else if (report.failures.length < FAILURE_EXAMPLES) {
      report.failures.push({ task: result.task, seed: result.seed, why: whyFailed(result) });
    }
  }
  return report;
}

function whyFailed(result: EpisodeResult): string {
  if (result.failure) return result.failure;
  const last = result.steps.at(-1);
  const action = last ? ` after ${last.action}${last.error ? ` (${last.error})` : ''}` : '';
  return `raw reward ${result.rawReward} in ${result.steps.length} step(s)${action}`;
}

/** One progress line: how far, how well, how fast. */
export function progressLine(
  label: string,
  done: number,
  total: number,
  successes: number,
  steps: number,
  ms: number,
): string {
  const percent = (n: number, of: number): string => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;
  const seconds = ms / 1000;
  return `${label}: ${done}/${total} episodes (${percent(done, total)}), ${percent(successes, done)} success, ${Math.round(steps / Math.max(seconds, 1e-3))} steps/s, ${seconds.toFixed(0)} s`;
}

/** The address of a task's page. */
export function pageAddress({ task, source, builtInPage }: PageRequest): string {
  return source === 'official'
    ? taskPageUrl(task, 'official')
    : `${builtInPage}?task=${encodeURIComponent(task)}`;
}

/** The policy of an expert run: the task's expert, made imperfect when errorRate > 0. */
export function expertRunPolicy(episode: { task: string; seed: number }, errorRate: number): StepPolicy {
  const expert = expertPolicy(getExpert(episode.task));
  return errorRate > 0 ? noisyPolicy(expert, errorRate, `${episode.task}/${episode.seed}`) : expert;
}

/**
 * Turns a run's events into progress lines: every status change and evaluation, and at most one
 * line per interval for training steps and episode progress (phase, step, loss, held-out success, ETA).
 */
export class RunProgressLines {
  private lastLine = -Infinity;
  private readonly pace: RunPace;
  private heldOut = '';

  constructor(
    config: RunConfig,
    private readonly say: (line: string) => void,
    private readonly everyMs = 3000,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.pace = new RunPace(config, now);
  }

  onEvent(event: RunEvent): void {
    switch (event.type) {
      case 'status':
        // Why a run failed is the command's last word (with how to go on): said once, there.
        if (event.status !== 'failed') this.say(`run ${event.status}: ${event.message}`);
        return;
      case 'progress':
        if (this.due(event.done === event.total))
          this.say(
            `${event.what}: ${event.done}/${event.total} episodes${event.etaMs === null ? '' : `, ETA ${duration(event.etaMs)}`}`,
          );
        return;
      case 'metric':
        this.onMetric(event.metric);
        return;
      case 'notice':
        this.say(`note: ${event.message}`);
        return;
      default:
        return;
    }
  }

  private onMetric(metric: MetricRecord): void {
    const v = metric.values;
    if (metric.kind === 'eval') {
      this.heldOut = `held-out goals ${percent(v.heldOutGoalSuccess)}`;
      this.say(
        `eval at step ${metric.step}: held-out goals ${percent(v.heldOutGoalSuccess)} ± ${percent(v.heldOutGoalStderr)}, ` +
          `held-out tasks ${percent(v.heldOutTaskSuccess)} ± ${percent(v.heldOutTaskStderr)}, ${metric.flops.toExponential(2)} FLOPs`,
      );
      return;
    }
    const progress = this.pace.onRow(metric);
    if (progress === null || !this.due(progress.done === progress.total)) return;
    const parts = [
      `${progress.unit} ${progress.done}/${progress.total}`,
      v.loss === undefined ? null : `loss ${v.loss.toFixed(4)}`,
      v.reward === undefined ? null : `reward ${v.reward.toFixed(3)}`,
      this.heldOut || null,
      progress.etaMs === null ? null : `ETA ${duration(progress.etaMs)}`,
    ];
    this.say(parts.filter((p) => p !== null).join(', '));
  }

  private due(last: boolean): boolean {
    const now = this.now();
    if (!last && now - this.lastLine < this.everyMs) return false;
    this.lastLine = now;
    return true;
  }
}

function percent(fraction: number | undefined): string {
  return fraction === undefined ? '?' : `${(100 * fraction).toFixed(1)}%`;
}

/** "42 s", "7 min", "2.5 h". */
export function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
