import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeEngine, type BackendChoice, type Engine, type EngineInfo } from '../engine/engine.ts';
import { DomEnvPool } from '../env/dom-pool.ts';
import { duration, RunProgressLines } from '../harness/api.ts';
import { FileStore } from '../store/file-store.ts';
import { findTask } from '../tasks/registry.ts';
import type { SweepProgress } from '../sweep/progress.ts';
import type { SweepEnvironment } from '../sweep/queue.ts';
import { shardRuns, type Shard } from '../sweep/shards.ts';
import { createSweep, planOfSweep, runSweep } from '../sweep/sweeps.ts';
import type { RunRecord } from '../store/records.ts';
import { runConfigOf } from '../train/config.ts';
import { exportResults, type ResultsEnvironment } from '../train/results-file.ts';
import { envOptionsOf, type RunEnvironment } from '../train/run-environment.ts';
import { PAUSED_EXIT_CODE, pauseOnCtrlC } from './interrupt.ts';
import type { CliIo } from './io.ts';
import type { SweepCommand } from './args.ts';
import { openNodeEngine } from './node-engine.ts';
import { llmApiKeyFromEnvironment } from './run.ts';
import { readJson } from './sweep.ts';

export interface SweepRunOptions {
  /** Aborting it pauses the sweep (Ctrl-C); by default SIGINT does. */
  interrupt?: AbortSignal;
}

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The file a shard writes, named so that N shards' files sit side by side in one folder. */
export function resultsFileName(shard: Shard | null): string {
  const { index, count } = shard ?? { index: 0, count: 1 };
  return `results-shard-${index}-of-${count}.json`;
}

/**
 * A sweep's share run headless in Node (happy-dom for the tasks, the engine of --engine). The runs
 * live in a folder store, so running the same command again continues where it stopped (a crash,
 * Ctrl-C). After every finished run of the share the results file is written again, whole, with the
 * share's finished runs (a prerequisite parent is its owner's to export). Returns the exit code: 0
 * finished, 1 failed runs, 2 a bad spec, 130 paused (run the command again to go on).
 */
export async function runSweepShard(
  command: SweepCommand,
  io: CliIo,
  options: SweepRunOptions = {},
): Promise<number> {
  const outDir = resolve(command.outDir ?? 'sweeps');
  const storeDir = resolve(command.storeDir ?? join(outDir, 'store'));
  const store = new FileStore(storeDir);
  let sweepId: string;
  try {
    const specJson = await readJson(command.specPath);
    sweepId = (await createSweep(store, specJson, command.sweepId ? { id: command.sweepId } : {})).id;
  } catch (error) {
    io.err(`lab: ${(error as Error).message}`);
    return 2;
  }
  const record = (await store.getSweep(sweepId))!;
  const plan = planOfSweep(record);
  const share = command.shard ? `shard ${command.shard.index}/${command.shard.count}` : 'the whole sweep';
  io.err(`Sweep ${sweepId} (${plan.runs.length} runs planned), ${share}; store ${storeDir}.`);

  const outFile = join(outDir, resultsFileName(command.shard));
  await mkdir(outDir, { recursive: true });
  const interrupt = options.interrupt
    ? { signal: options.interrupt, dispose: () => undefined }
    : pauseOnCtrlC(io, 'the runs in flight finish their step and save a checkpoint');
  const slots = new NodeSlots(store, command.engine, io);
  const ownIds = (
    command.shard ? shardRuns(plan, command.shard.index, command.shard.count).owned : plan.runs
  ).map((run) => run.runId);
  // Every finished run of the share, those of earlier calls included, in plan order.
  const writeFinished = async (): Promise<string[]> => {
    const finished: string[] = [];
    for (const id of ownIds) if ((await store.getRun(id))?.status === 'finished') finished.push(id);
    await writeResults(store, outFile, finished, slots.environment());
    return finished;
  };
  const lines = new SweepLines((line) => io.err(line));
  try {
    const outcome = await runSweep(
      sweepId,
      slots,
      { signal: interrupt.signal },
      {
        ...(command.shard ? { shard: command.shard } : {}),
        parallel: command.parallel,
        onProgress: (progress) => lines.onProgress(progress),
        onRunEvent: (runId, event) => slots.lines(runId)?.onEvent(event),
        onRunFinished: async () => void (await writeFinished()),
      },
    );
    const own = await writeFinished();
    const summary = {
      sweep_id: sweepId,
      shard: command.shard ? `${command.shard.index}/${command.shard.count}` : null,
      status: outcome.status,
      runs: outcome.progress.total,
      finished: own.length,
      results: outFile,
      message: outcome.message,
    };
    io.err(`Sweep ${outcome.status}: ${outcome.message} Results file: ${outFile}.`);
    if (outcome.status === 'paused')
      io.err("Run the same command again to go on from each run's last checkpoint.");
    io.out(
      command.json
        ? JSON.stringify(summary)
        : `${summary.finished}/${summary.runs} runs finished: ${outFile}`,
    );
    return outcome.status === 'finished' ? 0 : outcome.status === 'paused' ? PAUSED_EXIT_CODE : 1;
  } finally {
    interrupt.dispose();
    await slots.dispose();
  }
}

/** Writes the file whole, then moves it into place, so a crash never leaves half a file. */
async function writeResults(
  store: FileStore,
  file: string,
  runIds: string[],
  environment: Partial<ResultsEnvironment>,
): Promise<void> {
  const results = await exportResults(store, runIds, environment);
  await writeFile(`${file}.partial`, JSON.stringify(results));
  await rename(`${file}.partial`, file);
}

/**
 * One engine per slot, opened when first needed, and happy-dom pools built with each run's env
 * settings (kept per slot while the settings repeat); each run's own progress lines, named by its key.
 */
class NodeSlots implements SweepEnvironment {
  private readonly engines = new Map<number, Promise<Engine>>();
  private readonly pools = new Map<number, { key: string; pool: DomEnvPool }>();
  private readonly runLines = new Map<string, RunProgressLines>();
  /** The engine the slots opened (each slot opens the same choice), for the results file. */
  private opened: EngineInfo | null = null;

  constructor(
    readonly store: FileStore,
    private readonly choice: BackendChoice,
    private readonly io: CliIo,
  ) {}

  lines(runId: string): RunProgressLines | undefined {
    return this.runLines.get(runId);
  }

  async slot(index: number, run: RunRecord): Promise<RunEnvironment> {
    let engine = this.engines.get(index);
    if (!engine) {
      engine = openNodeEngine(this.choice).then(({ engine: opened, info }) => {
        this.io.err(`Slot ${index}: ${describeEngine(info)}`);
        this.opened ??= info;
        return opened;
      });
      this.engines.set(index, engine);
    }
    const config = runConfigOf(run);
    const options = envOptionsOf(config.env);
    const key = JSON.stringify([config.env.poolSize, options]);
    let held = this.pools.get(index);
    if (held?.key !== key) {
      held?.pool.dispose();
      held = { key, pool: new DomEnvPool(config.env.poolSize, options) };
      this.pools.set(index, held);
    }
    this.runLines.set(run.id, new RunProgressLines(config, (line) => this.io.err(`  ${run.name}: ${line}`)));
    return {
      engine: await engine,
      runner: held.pool,
      store: this.store,
      loadAsset: loadProjectAsset,
      ...llmApiKeyFromEnvironment(),
      skipTask: (task) =>
        findTask(task)?.needsCoordinates
          ? 'needs coordinates, which happy-dom has no layout for (leave such tasks out of the sweep in Node)'
          : null,
    };
  }

  /** Where this call's runs trained: the adapter and engine, once a slot has opened one. */
  environment(): Partial<ResultsEnvironment> {
    return this.opened === null ? {} : { adapter: this.opened.adapter, engine: this.opened.backend };
  }

  async dispose(): Promise<void> {
    for (const { pool } of this.pools.values()) pool.dispose();
    for (const engine of this.engines.values()) await (await engine.catch(() => null))?.dispose();
  }
}

async function loadProjectAsset(path: string): Promise<ArrayBuffer> {
  const bytes = await readFile(join(PROJECT_ROOT, 'public', path));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** The sweep's progress, a line when a run changes state and at most every few seconds otherwise. */
class SweepLines {
  private lastAt = -Infinity;
  private statuses = new Map<string, string>();

  constructor(
    private readonly say: (line: string) => void,
    private readonly everyMs = 5000,
  ) {}

  onProgress(progress: SweepProgress): void {
    let changed = false;
    for (const run of progress.runs) {
      if (this.statuses.get(run.runId) === run.status) continue;
      if (this.statuses.has(run.runId)) {
        this.say(
          `run ${run.name} (${run.role === 'own' ? run.key : `${run.key}, a parent trained here`}): ${run.status}`,
        );
      }
      this.statuses.set(run.runId, run.status);
      changed = true;
    }
    const now = performance.now();
    if (!changed && now - this.lastAt < this.everyMs) return;
    this.lastAt = now;
    const eta = progress.etaMs === null ? 'ETA once FLOPs are measured' : `ETA ${duration(progress.etaMs)}`;
    const rate =
      progress.flopsPerSecond === null ? '' : `, ${progress.flopsPerSecond.toExponential(2)} FLOP/s`;
    this.say(
      `sweep: ${progress.finished}/${progress.total} runs finished, ${(100 * progress.fraction).toFixed(1)}% of the estimated FLOPs${rate}, ${eta}`,
    );
  }
}
