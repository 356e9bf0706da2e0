import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LLM_API_KEY_VARIABLE } from '../agent/llm-policy.ts';
import { describeEngine } from '../engine/engine.ts';
import { DomEnvPool } from '../env/dom-pool.ts';
import { RunProgressLines, runTrainingReport, type RunTrainingReport } from '../harness/api.ts';
import { exportResults } from '../train/results-file.ts';
import { FileStore } from '../store/file-store.ts';
import type { RunSummary } from '../store/records.ts';
import { RunLockedError } from '../store/store.ts';
import { findTask } from '../tasks/registry.ts';
import { parseRunConfig, runConfigOf, type RunConfig } from '../train/config.ts';
import { createRun, executeRun } from '../train/run.ts';
import { envOptionsOf } from '../train/run-environment.ts';
import type { Command } from './args.ts';
import { PAUSED_EXIT_CODE, pauseOnCtrlC } from './interrupt.ts';
import type { CliIo } from './io.ts';
import { openNodeEngine } from './node-engine.ts';
import type { Page } from 'playwright-core';
import type { callHarness } from './lab-browser.ts';

type CallHarness = typeof callHarness;

type RunCommand = Extract<Command, { kind: 'run' }>;

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The last line of stdout: the run's summary, where it ran, and its id. */
export type RunOutput = RunSummary & {
  run_id: string;
  dom: 'browser' | 'node';
  /** The engine that trained: a value to filter on, the same as `backend`. */
  engine: 'webgpu' | 'cpu';
  /** describeEngine's sentence, for a person. */
  engine_description: string;
  adapter: string;
  backend: 'webgpu' | 'cpu';
  name: string;
};

export interface RunCommandOptions {
  /** Aborting it pauses the run at a checkpoint (Ctrl-C); by default SIGINT does. */
  interrupt?: AbortSignal;
}

/** What a run ended as, whichever dom ran it. */
type Outcome = Omit<RunTrainingReport, 'engine'> & { engine: string; name: string };

/**
 * `npm run lab -- run`: one training run without a UI. Browser mode (the reference) runs it in the
 * harness page with task pages in iframes and the run in IndexedDB; Node mode runs it on happy-dom
 * with the run in a folder. Returns the exit code: 0 finished, 1 failed, 2 a bad configuration,
 * 130 paused by Ctrl-C (resumable with --resume).
 */
export async function runRunCommand(
  command: RunCommand,
  io: CliIo,
  options: RunCommandOptions = {},
): Promise<number> {
  let input: unknown = null;
  if (command.configPath !== null) {
    const read = await readConfigFile(command.configPath);
    if (typeof read === 'string') {
      io.err(read);
      return 2;
    }
    input = read.input;
    if (command.resume !== null)
      io.err(`--config ${command.configPath} is ignored: run ${command.resume} keeps its own configuration.`);
  }

  const interrupt = options.interrupt
    ? { signal: options.interrupt, dispose: () => undefined }
    : pauseOnCtrlC(io, 'the run finishes its step and saves a checkpoint');
  let outcome: Outcome;
  try {
    outcome =
      command.dom === 'node'
        ? await runInNode(command, input, io, interrupt.signal)
        : await runInBrowser(command, input, io, interrupt.signal);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  } finally {
    interrupt.dispose();
  }

  if (outcome.status === 'finished' && outcome.summary !== null) {
    const output: RunOutput = {
      ...outcome.summary,
      run_id: outcome.runId,
      dom: command.dom,
      engine: outcome.backend,
      engine_description: outcome.engine,
      adapter: outcome.adapter,
      backend: outcome.backend,
      name: outcome.name,
    };
    if (!command.json) printSummary(output, io);
    io.out(JSON.stringify(output));
    return 0;
  }
  const resume = resumeCommand(command, outcome.runId);
  if (outcome.status === 'paused') {
    io.err(
      `Run ${outcome.runId} paused` +
        (outcome.lastCheckpoint === null
          ? ' before its first checkpoint'
          : ` at its checkpoint of step ${outcome.lastCheckpoint}`) +
        `. Resume it with:\n  ${resume}`,
    );
    return PAUSED_EXIT_CODE;
  }
  io.err(`Run ${outcome.runId} ${outcome.status}: ${outcome.error ?? 'no reason given'}`);
  if (outcome.lastCheckpoint !== null)
    io.err(`It can go on from step ${outcome.lastCheckpoint}:\n  ${resume}`);
  return 1;
}

/** A configuration problem the user fixes in the file or the command line (exit 2). */
class ConfigError extends Error {}

/** The parsed JSON (checked with parseRunConfig), or the message that says what is wrong with the file. */
export async function readConfigFile(path: string): Promise<{ input: unknown; config: RunConfig } | string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return `Cannot read the run configuration ${path}: ${(error as Error).message}. Name a JSON file, e.g. configs/micro-sft.json.`;
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    return `The run configuration ${path} is not JSON: ${(error as Error).message}.`;
  }
  try {
    return { input, config: parseRunConfig(input, path) };
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Browser-mode runs live in the IndexedDB of a browser profile kept in the --out folder, served
 * from a fixed port (IndexedDB is per origin), so a later command resumes them.
 */
const BROWSER_PROFILE = 'browser-profile';
const BROWSER_RUN_PORT = 5198;

function resumeCommand(command: RunCommand, runId: string): string {
  const parts = ['npm run lab -- run --resume', runId, '--dom', command.dom];
  if (command.outDir !== null) parts.push('--out', command.outDir);
  if (command.engine !== 'auto') parts.push('--engine', command.engine);
  if (command.json) parts.push('--json');
  return parts.join(' ');
}

async function runInNode(
  command: RunCommand,
  input: unknown,
  io: CliIo,
  signal: AbortSignal,
): Promise<Outcome> {
  const outDir = resolve(command.outDir ?? 'runs');
  const store = new FileStore(outDir);
  const run = await findOrCreateRun(command, input, store, `the folder ${outDir}`);
  const { engine, info } = await openNodeEngine(command.engine);
  io.err(`Run ${run.id} (${run.name}) in Node on happy-dom, store ${outDir}. ${describeEngine(info)}`);
  const runner = new DomEnvPool(command.k ?? run.config.env.poolSize, envOptionsOf(run.config.env));
  const lines = new RunProgressLines(run.config, (line) => io.err(line));
  try {
    const record = await executeRun(
      run.id,
      {
        engine,
        runner,
        store,
        loadAsset: async (path) => {
          const bytes = await readFile(join(PROJECT_ROOT, 'public', path));
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        },
        ...llmApiKeyFromEnvironment(),
        skipTask: (task) =>
          findTask(task)?.needsCoordinates
            ? 'needs coordinates, which happy-dom has no layout for (run it with --dom browser)'
            : null,
      },
      { signal, onEvent: (event) => lines.onEvent(event) },
    ).catch(async (error: unknown) => {
      // Executing elsewhere: nothing was done here, and the stored record is the other process's.
      if (error instanceof RunLockedError) throw error;
      // The run is stored as failed with the error's message, which the command's last line prints;
      // the stack helps only when it is a bug.
      if (io.verbose && error instanceof Error && error.stack) io.err(error.stack);
      return (await store.getRun(run.id)) ?? Promise.reject(error);
    });
    if (record.status === 'finished') {
      const file = join(outDir, `${run.id}.results.json`);
      const environment = { adapter: info.adapter, engine: info.backend };
      await writeFile(file, JSON.stringify(await exportResults(store, [run.id], environment)));
      io.err(`Results file: ${file}; checkpoints in ${join(outDir, 'checkpoints', run.id)}.`);
    }
    return { ...(await runTrainingReport(store, record, info)), name: run.name };
  } finally {
    runner.dispose();
    await engine.dispose();
  }
}

/** The LLM teacher's key is never stored: the CLI takes it, for new and resumed runs, from the environment. */
export function llmApiKeyFromEnvironment(): { llmApiKey?: string } {
  const key = process.env[LLM_API_KEY_VARIABLE];
  return key ? { llmApiKey: key } : {};
}

async function findOrCreateRun(
  command: RunCommand,
  input: unknown,
  store: FileStore,
  where: string,
): Promise<{ id: string; name: string; config: RunConfig }> {
  if (command.resume === null) {
    const created = await createRun(store, input);
    return { ...created, config: runConfigOf(created) };
  }
  const run = await store.getRun(command.resume);
  if (run) return { ...run, config: runConfigOf(run) };
  const known = (await store.listRuns()).map((r) => `${r.id} (${r.name}, ${r.status})`);
  throw new ConfigError(
    `No run ${command.resume} in ${where}. ` +
      (known.length
        ? `Runs there: ${known.slice(0, 10).join('; ')}.`
        : 'It holds no runs: name the --out folder the run used.'),
  );
}

async function runInBrowser(
  command: RunCommand,
  input: unknown,
  io: CliIo,
  signal: AbortSignal,
): Promise<Outcome> {
  const profileDir = resolve(command.outDir ?? 'runs', BROWSER_PROFILE);
  await mkdir(profileDir, { recursive: true }).catch((error: unknown) => {
    throw new ConfigError(
      `Cannot keep the browser profile in ${profileDir} (${(error as Error).message}): name a folder ` +
        'with --out, new or one an earlier browser-mode run used.',
    );
  });
  // Loaded here, not at the top: Node mode must run where Playwright and Vite are not installed.
  const { openLabBrowser, callHarness } = await import('./lab-browser.ts');
  const lab = await openLabBrowser({
    // Ctrl-C pauses the run, which needs the browser until its checkpoint is saved.
    handleSigint: false,
    profile: { dir: profileDir, port: BROWSER_RUN_PORT },
    onProgress: (line) => io.err(line),
    onPageError: (message) => io.err(`harness page error: ${message}`),
  });
  try {
    const started = await callHarness(lab.page, 'startTraining', {
      config: input,
      ...(command.resume === null ? {} : { resumeRunId: command.resume }),
      builtInPage: lab.builtInPage,
      backend: command.engine,
      ...(command.k === null ? {} : { poolSize: command.k }),
      ...llmApiKeyFromEnvironment(),
    }).catch((error: unknown) => {
      if (command.resume !== null && /No run with id/.test(String(error))) {
        throw new ConfigError(
          `No run ${command.resume} in the browser profile ${profileDir}: name the --out folder the run ` +
            'was started with (browser-mode runs stay in its browser-profile folder).',
        );
      }
      throw error;
    });
    io.err(
      `Run ${started.runId} (${started.name}) in headless Chromium ${lab.chromiumVersion}, IndexedDB of the ` +
        `browser profile ${profileDir}. ${started.engine}`,
    );
    const onAbort = (): void => void callHarness(lab.page, 'pauseTraining').catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    let report: RunTrainingReport;
    try {
      report = await callHarness(lab.page, 'trainingResult');
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (command.outDir !== null) await writeBrowserOutputs(callHarness, lab.page, report, command.outDir, io);
    return { ...report, name: started.name };
  } finally {
    await lab.close();
  }
}

/** --out in browser mode: the results file and the last checkpoint's weights, as Node mode leaves them. */
async function writeBrowserOutputs(
  callHarness: CallHarness,
  page: Page,
  report: RunTrainingReport,
  outDir: string,
  io: CliIo,
): Promise<void> {
  const exported = await callHarness(page, 'exportTraining', report.runId);
  await mkdir(outDir, { recursive: true });
  const results = join(outDir, `${report.runId}.results.json`);
  // The page knows its browser; the report knows the engine that trained.
  const environment = { ...exported.results.environment, adapter: report.adapter, engine: report.backend };
  await writeFile(results, JSON.stringify({ ...exported.results, environment }));
  io.err(`Results file: ${results}`);
  if (exported.weightsBase64 !== null) {
    const weights = join(outDir, `${report.runId}.step-${exported.weightsStep}.weights.safetensors`);
    await writeFile(weights, Buffer.from(exported.weightsBase64, 'base64'));
    io.err(`Weights of step ${exported.weightsStep}: ${weights}`);
  }
}

function printSummary(output: RunOutput, io: CliIo): void {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  io.out(
    `Run ${output.name} (${output.run_id}) finished on ${output.dom === 'node' ? 'Node' : 'Chromium'}: ${output.engine_description}`,
  );
  io.out(
    `  held-out goals ${pct(output.heldout_goals_success)} ± ${pct(output.heldout_goals_stderr)}, ` +
      `held-out tasks ${pct(output.heldout_tasks_success)} ± ${pct(output.heldout_tasks_stderr)} ` +
      `(checkpoint of step ${output.selected_step} of ${output.steps})`,
  );
  io.out(`  ${output.flops.toExponential(3)} FLOPs in ${output.wall_s.toFixed(1)} s`);
  for (const [task, success] of Object.entries(output.per_task))
    io.out(`  ${task.padEnd(24)} ${pct(success)}`);
}
