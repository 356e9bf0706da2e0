import { cpus } from 'node:os';
import type { PoolEpisode } from '../env/runner.ts';
import { findExpert } from '../experts/registry.ts';
import { progressLine, type ExpertRunReport, type FailedEpisode } from '../harness/api.ts';
import { builtTasks, getSplit } from '../tasks/splits.ts';
import type { Command } from './args.ts';
import type { CliIo } from './io.ts';
import { callHarness, openLabBrowser } from './lab-browser.ts';
import { runThroughPlaywright, type DrivenRun } from './playwright-driver.ts';

type BenchEnvCommand = Extract<Command, { kind: 'bench-env' }>;

const WIDE_POOL = 16;

/** One way of running the benchmark's episodes, measured. */
interface Measured {
  episodes: number;
  steps: number;
  successes: number;
  seconds: number;
  /** Task pages loaded (in the page's pool; the Playwright run loads one per task). */
  pageLoads?: number;
  failures: FailedEpisode[];
}

/** Failed episodes the report shows per way of running. */
const FAILURE_EXAMPLES = 3;

/**
 * The env benchmark: the same expert episodes (the split's tasks x seeds) run in the harness page
 * with 1 and with 16 iframes, then driven from outside through Playwright as BrowserGym does.
 * Times include page loads (each run starts with fresh iframes); a warm-up pass first runs every
 * task once, so the browser's caches and the JIT favour no one.
 */
export async function runBenchEnvCommand(command: BenchEnvCommand, io: CliIo): Promise<number> {
  const tasks = builtTasks(getSplit(command.split)).filter((name) => findExpert(name));
  const episodes: PoolEpisode[] = tasks.flatMap((task) =>
    command.seeds.map((seed) => ({ task, seed, source: 'built-in' as const })),
  );
  if (episodes.length === 0) {
    io.err(`The ${command.split} split has no built task with an expert to measure.`);
    return 1;
  }
  const lab = await openLabBrowser({
    onProgress: (line) => io.err(line),
    onPageError: (message) => io.err(`harness page error: ${message}`),
  });
  try {
    const inPage = (k: number, label: string, list: PoolEpisode[]): Promise<ExpertRunReport> =>
      callHarness(lab.page, 'runExperts', {
        episodes: list,
        builtInPage: lab.builtInPage,
        k,
        errorRate: 0,
        label,
      });
    const warmUp = tasks.map((task) => ({
      task,
      seed: command.seeds[0] as number,
      source: 'built-in' as const,
    }));
    await inPage(WIDE_POOL, 'warm-up', warmUp);
    const k1 = await inPage(1, 'bench K=1', episodes);
    const k16 = await inPage(WIDE_POOL, `bench K=${WIDE_POOL}`, episodes);
    let lastReport = performance.now();
    const playwright = await runThroughPlaywright(
      lab.page,
      lab.builtInPage,
      episodes,
      (run: DrivenRun, total) => {
        const now = performance.now();
        if (now - lastReport < 3000) return;
        lastReport = now;
        io.err(
          progressLine('bench Playwright', run.episodes, total, run.successes, run.steps, run.seconds * 1000),
        );
      },
    );

    const rate = (m: Measured): number => Number((m.steps / m.seconds).toFixed(1));
    const result = {
      steps_per_s_k1: rate(k1),
      steps_per_s_k16: rate(k16),
      playwright_steps_per_s: rate(playwright),
      ratio: Number((rate(k16) / rate(playwright)).toFixed(1)),
      split: command.split,
      tasks: tasks.length,
      seeds: command.seedsText,
      k1: summary(k1),
      k16: summary(k16),
      playwright: summary(playwright),
      chromium: lab.chromiumVersion,
      cores: cpus().length,
    };
    if (!command.json) {
      io.out(`In the page, 1 iframe:   ${result.steps_per_s_k1} steps/s`);
      io.out(`In the page, ${WIDE_POOL} iframes: ${result.steps_per_s_k16} steps/s`);
      io.out(`Through Playwright:      ${result.playwright_steps_per_s} steps/s`);
      io.out(`Ratio (K=${WIDE_POOL} / Playwright): ${result.ratio}`);
      io.out(
        `${episodes.length} episodes of ${tasks.length} task(s); Chromium ${result.chromium}, ${result.cores} cores.`,
      );
    }
    io.out(JSON.stringify(result));
    return 0;
  } finally {
    await lab.close();
  }
}

function summary(m: Measured): Record<string, unknown> {
  return {
    episodes: m.episodes,
    steps: m.steps,
    successes: m.successes,
    seconds: Number(m.seconds.toFixed(2)),
    ...(m.pageLoads === undefined ? {} : { page_loads: m.pageLoads }),
    failures: m.failures.slice(0, FAILURE_EXAMPLES),
  };
}
