import { DomPageHost } from '../env/dom-host.ts';
import { TaskEnv } from '../env/env.ts';
import { runEpisodeGuarded } from '../env/pool.ts';
import type { PoolEpisode } from '../env/runner.ts';
import type { EpisodeResult } from '../env/episode.ts';
import { findExpert } from '../experts/registry.ts';
import { expertRunPolicy, progressLine, summarizeEpisodes, type ExpertRunReport } from '../harness/api.ts';
import { getTask } from '../tasks/registry.ts';
import { builtTasks, getSplit, missingTasks } from '../tasks/splits.ts';
import type { Command } from './args.ts';
import type { CliIo } from './io.ts';
import { callHarness, openLabBrowser } from './lab-browser.ts';
import { inspectOfficialFolder } from './official-folder.ts';

type ExpertsCommand = Extract<Command, { kind: 'experts' }>;

const PROGRESS_EVERY_MS = 3000;

/** The experts command's report; its JSON form is the last line printed with --json. */
export interface ExpertsOutput {
  tasks: Record<string, { episodes: number; success: number }>;
  /** The lowest success rate over the tasks run (null when none ran). */
  min_success: number | null;
  dom: 'browser' | 'node';
  source: 'built-in' | 'official';
  split: string;
  seeds: string;
  error_rate: number;
  /** Iframes side by side (browser only). */
  k: number | null;
  episodes: number;
  steps: number;
  seconds: number;
  /** Built tasks of the split that did not run here, and why. */
  skipped: Record<string, string>;
  /** Tasks the split names that the lab has not built yet. */
  not_built: string[];
  failures: ExpertRunReport['failures'];
}

/**
 * Runs each built task of the split with its expert on every seed: in headless Chromium (built-in
 * or official pages) or in Node on happy-dom. Returns the exit code.
 */
export async function runExpertsCommand(command: ExpertsCommand, io: CliIo): Promise<number> {
  const split = getSplit(command.split);
  const source = command.miniwobDir === null ? 'built-in' : 'official';
  let officialTasks: Set<string> | null = null;
  let miniwobDir: string | undefined;
  if (command.miniwobDir !== null) {
    const folder = inspectOfficialFolder(command.miniwobDir);
    if (!folder.ok) {
      io.err(folder.error);
      return 2;
    }
    officialTasks = new Set(folder.tasks);
    miniwobDir = folder.dir;
  }

  const skipped: Record<string, string> = {};
  const tasks = (command.tasks ?? builtTasks(split)).filter((name) => {
    const why = !findExpert(name)
      ? 'no expert yet'
      : command.dom === 'node' && getTask(name).needsCoordinates
        ? 'needs coordinates, which happy-dom has no layout for (run it with --dom browser)'
        : officialTasks && !officialTasks.has(name)
          ? 'no page of that name in the official folder'
          : null;
    if (why) skipped[name] = why;
    return why === null;
  });
  const episodes: PoolEpisode[] = tasks.flatMap((task) =>
    command.seeds.map((seed) => ({ task, seed, source })),
  );

  let report: ExpertRunReport;
  if (command.dom === 'node') {
    report = await runInNode(episodes, command.errorRate, io);
  } else {
    const lab = await openLabBrowser({
      miniwobDir,
      onProgress: (line) => io.err(line),
      onPageError: (message) => io.err(`harness page error: ${message}`),
    });
    try {
      report = await callHarness(lab.page, 'runExperts', {
        episodes,
        builtInPage: lab.builtInPage,
        k: command.k,
        errorRate: command.errorRate,
        label: 'experts',
      });
    } finally {
      await lab.close();
    }
  }

  const output = expertsOutput(command, source, report, skipped, command.tasks ? [] : missingTasks(split));
  if (command.json) io.out(JSON.stringify(output));
  else printTable(output, io);
  return 0;
}

/** The same episodes in Node, one task page on happy-dom at a time. */
async function runInNode(episodes: PoolEpisode[], errorRate: number, io: CliIo): Promise<ExpertRunReport> {
  const results: EpisodeResult[] = [];
  const started = performance.now();
  let lastReport = started;
  let successes = 0;
  let steps = 0;
  let env: TaskEnv | null = null;
  let envTask = '';
  try {
    for (const episode of episodes) {
      if (!env || envTask !== episode.task) {
        env?.dispose();
        const task = getTask(episode.task);
        env = new TaskEnv(new DomPageHost(task), {}, task);
        envTask = episode.task;
      }
      const result = await runEpisodeGuarded(env, expertRunPolicy(episode, errorRate), episode);
      results.push(result);
      steps += result.steps.length;
      if (result.success) successes++;
      const now = performance.now();
      if (now - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = now;
        io.err(progressLine('experts', results.length, episodes.length, successes, steps, now - started));
      }
    }
  } finally {
    env?.dispose();
  }
  return summarizeEpisodes(results, (performance.now() - started) / 1000, 0);
}

function expertsOutput(
  command: ExpertsCommand,
  source: ExpertsOutput['source'],
  report: ExpertRunReport,
  skipped: Record<string, string>,
  notBuilt: string[],
): ExpertsOutput {
  const tasks: ExpertsOutput['tasks'] = {};
  for (const [name, tally] of Object.entries(report.tasks)) {
    tasks[name] = { episodes: tally.episodes, success: tally.successes / tally.episodes };
  }
  const rates = Object.values(tasks).map((t) => t.success);
  return {
    tasks,
    min_success: rates.length ? Math.min(...rates) : null,
    dom: command.dom,
    source,
    split: command.tasks ? 'named tasks' : command.split,
    seeds: command.seedsText,
    error_rate: command.errorRate,
    k: command.dom === 'browser' ? command.k : null,
    episodes: report.episodes,
    steps: report.steps,
    seconds: Number(report.seconds.toFixed(2)),
    skipped,
    not_built: notBuilt,
    failures: report.failures,
  };
}

function printTable(output: ExpertsOutput, io: CliIo): void {
  const where = output.dom === 'browser' ? `headless Chromium, K=${output.k}` : 'Node (happy-dom)';
  io.out(`Experts on the ${output.split} split, seeds ${output.seeds}, ${output.source} pages, ${where}:`);
  const width = Math.max(10, ...Object.keys(output.tasks).map((n) => n.length));
  for (const [name, task] of Object.entries(output.tasks)) {
    io.out(
      `  ${name.padEnd(width)}  ${String(task.episodes).padStart(6)} episodes  ${percent(task.success)}`,
    );
  }
  const count = Object.keys(output.tasks).length;
  io.out(
    output.min_success === null
      ? 'No task ran.'
      : `Lowest success ${percent(output.min_success)} over ${count} task(s): ${output.episodes} episodes, ${output.steps} steps in ${output.seconds} s.`,
  );
  for (const [name, why] of Object.entries(output.skipped)) io.out(`Skipped ${name}: ${why}.`);
  if (output.not_built.length)
    io.out(`Not built yet (${output.not_built.length}): ${output.not_built.join(', ')}.`);
  for (const f of output.failures) io.out(`Failed ${f.task} seed ${f.seed}: ${f.why}`);
}

function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(1)}%`;
}
