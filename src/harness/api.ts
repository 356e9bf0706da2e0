import type { Observation } from '../env/env.ts';
import { taskPageUrl } from '../env/iframe-host.ts';
import type { PoolEpisode } from '../env/pool.ts';
import { expertPolicy, noisyPolicy, type EpisodeResult, type StepPolicy } from '../experts/episode.ts';
import { getExpert } from '../experts/registry.ts';
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
  closeDriven(): void;
  /** The engine benchmark on this page's WebGPU, with the TF.js comparison (bench-engine.ts). */
  benchEngine(request: BenchEngineRequest): Promise<BenchEngineReport>;
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
