import type { PromptOptions } from '../agent/prompt.ts';
import type { Engine } from '../engine/engine.ts';
import { DEFAULT_ENV_OPTIONS, type EnvOptions } from '../env/env.ts';
import type { PoolProgress } from '../env/pool.ts';
import type { EpisodeRunner } from '../env/runner.ts';
import type { EpisodeResult } from '../env/episode.ts';
import type {
  DatasetRecord,
  MetricRecord,
  RunRecord,
  RunStatus,
  RunSummary,
  TraceRecord,
} from '../store/records.ts';
import type { LabStore } from '../store/store.ts';
import { createRandom } from '../core/random.ts';
import type { Example } from '../model/packing.ts';
import { parseRunConfig, parseSeedList, withoutSecrets, type EnvSettings, type RunConfig } from './config.ts';
import { evaluateSets, selectCheckpoint, type Evaluation } from './evaluate.ts';

export { selectCheckpoint } from './evaluate.ts';
import { datasetTexts, traceExamples } from './examples.ts';
import { grpoIteration } from './grpo.ts';
import { sftStep, sftTotalSteps } from './sft.ts';
import { initialRunState, totalFlops, type RunState } from './state.ts';
import {
  createStudent,
  expectedVocabSize,
  loadStudent,
  studentModelConfig,
  type Student,
} from './student.ts';
import { collectTraces, heldOutTasks, runnableTasks, trainingSeeds, trainingTasks } from './traces.ts';

/**
 * A run of the method (PAPER.md, pipeline): teacher traces, SFT for a budget, then multi-turn GRPO
 * for a budget, evaluated on held-out goals and held-out tasks as it goes, every metric recorded
 * against cumulative FLOPs. Checkpoints carry the state after their step, so a run paused, reloaded
 * or crashed resumes from its last checkpoint and recomputes what came after it, and every metric
 * and checkpoint ends up stored once. Plain TypeScript: the Train page and the headless CLI drive it.
 */

export interface RunEnvironment {
  readonly engine: Engine;
  readonly runner: EpisodeRunner;
  readonly store: LabStore;
  readonly loadAsset: (path: string) => Promise<ArrayBuffer>;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  /** Why a task cannot run here (Node: needs coordinates), or null. */
  readonly skipTask?: (task: string) => string | null;
  /** The LLM teacher's key: it is never stored, so a run that collects with an LLM needs it again here. */
  readonly llmApiKey?: string;
}

export type RunEvent =
  | { type: 'status'; status: RunStatus; message: string }
  | { type: 'progress'; what: string; done: number; total: number; etaMs: number | null }
  | { type: 'metric'; metric: MetricRecord }
  | { type: 'checkpoint'; step: number }
  | { type: 'episode'; result: EpisodeResult };

export interface RunControl {
  /** Aborting finishes the current step, saves a checkpoint and leaves the run 'paused'. */
  readonly signal?: AbortSignal;
  onEvent?(event: RunEvent): void;
}

/** The env options a runner must be built with for this run (DomEnvPool, EnvPool): its episodes are the run's. */
export function envOptionsOf(env: EnvSettings): Partial<EnvOptions> {
  return { maxSteps: env.maxSteps, format: env.observationFormat, successRule: env.successRule };
}

/**
 * The runner's envs must be built as the run's settings say:
 * episodes with another step limit or observation format than the configuration would be results
 * of another experiment, recorded under this one's name.
 */
function checkRunnerOptions(runner: EpisodeRunner, env: EnvSettings): void {
  const built = runner.envOptions;
  const wanted = envOptionsOf(env);
  const differ = (Object.keys(wanted) as (keyof typeof wanted)[]).filter(
    (key) => (built[key] ?? DEFAULT_ENV_OPTIONS[key]) !== wanted[key],
  );
  if (differ.length) {
    throw new Error(
      `The episode runner's envs differ from the run's env settings in ${differ
        .map(
          (key) => `${key} (${String(built[key] ?? DEFAULT_ENV_OPTIONS[key])}, not ${String(wanted[key])})`,
        )
        .join(', ')}: build the runner with envOptionsOf(config.env) from train/run.ts.`,
    );
  }
}

/** Marker, a short thought and an action such as click("12"): less leaves constrained decoding no candidate. */
const MIN_CONSTRAINED_NEW_TOKENS = 32;

/** LLM keys of the runs created in this session, never stored (withoutSecrets). */
const sessionKeys = new Map<string, string>();

/** Validates the configuration and stores a new run, status 'created'. */
export async function createRun(
  store: LabStore,
  config: unknown,
  options: { name?: string; id?: string } = {},
): Promise<RunRecord> {
  const parsed = parseRunConfig(config);
  const id = options.id ?? crypto.randomUUID();
  if (parsed.teacher.llm.apiKey !== '') sessionKeys.set(id, parsed.teacher.llm.apiKey);
  const now = Date.now();
  const run: RunRecord = {
    id,
    name: options.name ?? parsed.name,
    createdAt: now,
    updatedAt: now,
    config: withoutSecrets(parsed),
    status: 'created',
    error: null,
    datasetId: null,
    state: initialRunState(),
    summary: null,
  };
  await store.putRun(run);
  return run;
}

/** The run's summary, with the SFT amount its RL started from (PAPER.md: sftFlopsAtBranch). */
/** Kept as a name for what a finished run returns. */
export type RunResult = RunSummary;

/** Runs (or resumes) a stored run to its end, or until paused; resolves with the stored record. */
export async function executeRun(
  runId: string,
  env: RunEnvironment,
  control: RunControl = {},
): Promise<RunRecord> {
  const run = await env.store.getRun(runId);
  if (!run) throw new Error(`No run with id ${runId} in the store: create it first (createRun).`);
  if (run.status === 'finished') return run;
  return new RunDriver(run, env, control).execute();
}

const isDeviceLost = (error: unknown): boolean =>
  error instanceof Error && /device was lost/i.test(error.message);
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** SFT compute as the paper counts it: teacher generation and student training tokens (no evaluation). */
const sftFlops = (state: RunState): number => state.compute.teacher + state.compute.sftTraining;

/** Whether a step from `before` to `after` crosses a multiple of `every`. */
const crosses = (before: number, after: number, every: number): boolean =>
  Math.floor(after / every) > Math.floor(before / every);

class RunDriver {
  private readonly config: RunConfig;
  private readonly now: () => number;
  private readonly prompt: PromptOptions;
  private state: RunState = initialRunState();
  private student: Student | null = null;
  private examples: Example[] = [];
  private trainTasks: string[] = [];
  private testTasks: string[] = [];
  private rlSeeds: number[] = [];
  private lastCheckpointStep = -1;
  private wallBase = 0;
  private segmentStart = 0;

  constructor(
    private run: RunRecord,
    private readonly env: RunEnvironment,
    private readonly control: RunControl,
  ) {
    const apiKey = env.llmApiKey ?? sessionKeys.get(run.id) ?? '';
    this.config = {
      ...run.config,
      teacher: { ...run.config.teacher, llm: { ...run.config.teacher.llm, apiKey } },
    };
    this.now = env.now ?? Date.now;
    this.prompt = {
      historyLength: this.config.env.historyLength,
      errorLogFeedback: this.config.rl.errorLogFeedback,
    };
  }

  async execute(): Promise<RunRecord> {
    this.segmentStart = this.now();
    await this.setStatus('running', 'The run is starting.');
    try {
      this.checkConfig();
      if (await this.prepare()) {
        await this.setStatus('paused', 'Paused while collecting traces; resuming collects them again.');
        return this.run;
      }
      return await this.loop();
    } catch (error) {
      if (this.control.signal?.aborted && this.student === null && !isDeviceLost(error)) {
        await this.setStatus('paused', 'Paused before the first checkpoint; resuming starts the run again.');
        return this.run;
      }
      const message = isDeviceLost(error)
        ? `${messageOf(error)} The run can be resumed from its last checkpoint` +
          `${this.lastCheckpointStep >= 0 ? ` (step ${this.lastCheckpointStep})` : ''}: reopen the engine and resume the run.`
        : messageOf(error);
      this.run = { ...this.run, error: message };
      await this.setStatus('failed', message);
      throw isDeviceLost(error) ? new Error(message, { cause: error }) : error;
    }
  }

  /** Problems found before anything is spent. */
  private checkConfig(): void {
    const { config } = this;
    if (config.rl.constrainedDecoding && config.model.maxNewTokens < MIN_CONSTRAINED_NEW_TOKENS) {
      throw new Error(
        `rl.constrainedDecoding needs room for "\\nAction: " and a whole action after the thought: ` +
          `raise model.maxNewTokens to at least ${MIN_CONSTRAINED_NEW_TOKENS} (it is ${config.model.maxNewTokens}).`,
      );
    }
    checkRunnerOptions(this.env.runner, config.env);
    if (config.rl.iterations > 0) this.rlSeeds = trainingSeeds(config.rl.seeds, 'rl.seeds');
    const train = runnableTasks(trainingTasks(config.env), this.env.skipTask);
    const test = runnableTasks(heldOutTasks(config.env), this.env.skipTask);
    const why = (skipped: Record<string, string>): string =>
      Object.entries(skipped)
        .map(([task, reason]) => `${task}: ${reason}`)
        .join('; ');
    if (train.tasks.length === 0) throw new Error(`No training task can run here (${why(train.skipped)}).`);
    if (test.tasks.length === 0) throw new Error(`No held-out task can run here (${why(test.skipped)}).`);
    this.trainTasks = train.tasks;
    this.testTasks = test.tasks;
  }

  /** The model, the state and the SFT examples: from the last checkpoint, a branch point, or fresh. Returns true when paused. */
  private async prepare(): Promise<boolean> {
    const { store, engine } = this.env;
    const latest = await store.latestCheckpoint(this.run.id);
    if (latest) {
      this.student = await loadStudent(engine, latest);
      this.restoreState(latest.state);
      this.lastCheckpointStep = latest.step;
      // What came after the checkpoint is recomputed: remove it so each row and checkpoint exists once.
      await store.deleteMetricsAfter(this.run.id, latest.step);
      await store.deleteCheckpointsAfter(this.run.id, latest.step);
      if (this.state.phase === 'sft' && this.run.datasetId !== null) {
        this.examples = this.toExamples(await store.traces(this.run.datasetId));
      }
      return false;
    }
    await store.deleteMetricsAfter(this.run.id, -1);
    await store.deleteCheckpointsAfter(this.run.id, -1);
    if (this.config.branch !== null) await this.prepareBranch();
    else if (await this.prepareFresh()) return true;
    await this.evaluateNow();
    await this.checkpoint();
    return false;
  }

  private restoreState(state: RunState): void {
    this.state = { ...structuredClone(state), sftFlopsAtBranch: state.sftFlopsAtBranch ?? null };
    this.wallBase = this.state.wallMs;
  }

  private async prepareBranch(): Promise<void> {
    const { runId, step } = this.config.branch!;
    const { store, engine } = this.env;
    const source = await store.getRun(runId);
    if (!source) throw new Error(`branch.runId ${runId} names no stored run: branch from a run that exists.`);
    const checkpoint = await store.getCheckpoint(runId, step);
    if (!checkpoint) {
      const steps = (await store.listCheckpoints(runId)).map((c) => c.step);
      throw new Error(
        `Run ${source.name} has no checkpoint at step ${step}; it has checkpoints at steps ${steps.join(', ') || '(none)'}.`,
      );
    }
    this.student = await loadStudent(engine, checkpoint);
    this.restoreState(checkpoint.state);
    this.state.phase = 'rl';
    this.state.rlIterations = 0;
    this.state.heldOutGoalHistory = [];
    this.state.sftFlopsAtBranch = sftFlops(this.state);
    this.run = { ...this.run, datasetId: source.datasetId };
  }

  /** Returns true when the collection was stopped by a pause. */
  private async prepareFresh(): Promise<boolean> {
    const { config } = this;
    let traces: TraceRecord[] = [];
    const student = (): Promise<Student> =>
      createStudent(this.env.engine, config, {
        texts: () => datasetTexts(traces, this.prompt),
        loadAsset: this.env.loadAsset,
      });
    // The base student first: its shape and vocabulary are known before the traces, and they
    // count the teacher's FLOPs. A learned vocabulary needs the traces first.
    if (config.model.init === 'base-student') this.student = await student();
    if (config.sft.steps > 0) {
      const dataset = await this.dataset();
      if (dataset === null) return true;
      traces = await this.env.store.traces(dataset.id);
      this.state.compute.teacher = dataset.stats.teacherFlops;
    }
    this.student ??= await student();
    this.examples = this.toExamples(traces);
    if (config.sft.steps > 0 && this.examples.length === 0) {
      throw new Error(
        'The SFT dataset has no steps to learn from (no successful teacher episode): check the teacher, ' +
          'lower teacher.errorRate, or set teacher.keepOnlySuccessful to false.',
      );
    }
    return false;
  }

  /** The SFT dataset: sft.datasetId, the one this run already collected, or a new collection. Null when paused. */
  private async dataset(): Promise<DatasetRecord | null> {
    const { store } = this.env;
    const { config } = this;
    const id = config.sft.datasetId ?? this.run.datasetId;
    if (id !== null) {
      const dataset = await store.getDataset(id);
      if (dataset?.status === 'complete') {
        await this.saveRun({ datasetId: id });
        return dataset;
      }
      if (config.sft.datasetId !== null) {
        throw new Error(
          dataset
            ? `Dataset ${dataset.name} is ${dataset.status}${dataset.error ? ` (${dataset.error})` : ''}: collect it again or choose a complete one.`
            : `sft.datasetId ${id} names no stored dataset: choose one from the Data page, or set it to null to collect traces.`,
        );
      }
    }
    const dataset = await collectTraces(
      store,
      {
        teacher: config.teacher,
        env: config.env,
        studentShape: this.student?.model ?? studentModelConfig(config, expectedVocabSize(config)),
        studentLabel: config.model.preset,
        name: `${this.run.name}: ${config.teacher.kind} traces`,
        prompt: this.prompt,
      },
      this.env.runner,
      {
        ...(this.env.fetch ? { fetch: this.env.fetch } : {}),
        ...(this.control.signal ? { signal: this.control.signal } : {}),
        ...(this.env.skipTask ? { skip: this.env.skipTask } : {}),
        now: this.now,
        onProgress: (p) => this.emit({ type: 'progress', what: 'teacher traces', ...p }),
        onEpisode: (result) => this.emit({ type: 'episode', result }),
      },
    ).catch((error: unknown) => {
      if (this.control.signal?.aborted) return null;
      throw error;
    });
    if (dataset !== null) await this.saveRun({ datasetId: dataset.id });
    return dataset;
  }

  private toExamples(traces: readonly TraceRecord[]): Example[] {
    const { tokenizer, model } = this.student!;
    const options = {
      prompt: this.prompt,
      context: model.context,
      maxNewTokens: this.config.model.maxNewTokens,
    };
    return traces.flatMap((trace) => traceExamples(tokenizer, trace, options));
  }

  private async loop(): Promise<RunRecord> {
    for (;;) {
      const { phase } = this.state;
      if (phase === 'done') return this.finish();
      if (this.phaseFinished()) {
        await this.endPhase();
        continue;
      }
      if (this.control.signal?.aborted) {
        if (this.lastCheckpointStep !== this.state.step) await this.checkpoint();
        await this.setStatus('paused', `Paused at step ${this.state.step}.`);
        return this.run;
      }
      const before = this.state.step;
      if (phase === 'sft') await this.sftStep();
      else await this.rlIteration();
      const evaluated = crosses(before, this.state.step, this.config.eval.every);
      if (evaluated) await this.evaluateNow();
      if (evaluated || crosses(before, this.state.step, this.config.checkpointEvery)) await this.checkpoint();
    }
  }

  private phaseFinished(): boolean {
    const { sft, rl } = this.config;
    const { state } = this;
    const flops = totalFlops(state.compute);
    if (state.phase === 'sft') {
      return (
        state.sftSteps >= sftTotalSteps(this.config, this.examples.length) ||
        (sft.flopsBudget !== null && flops >= sft.flopsBudget)
      );
    }
    return state.rlIterations >= rl.iterations || (rl.flopsBudget !== null && flops >= rl.flopsBudget);
  }

  /** Evaluates at the end of a phase (unless this step was just evaluated), then moves on. */
  private async endPhase(): Promise<void> {
    const last = this.state.heldOutGoalHistory.at(-1);
    if (last?.step !== this.state.step) {
      await this.evaluateNow();
      await this.checkpoint();
    }
    if (this.state.phase === 'sft' && this.config.rl.iterations > 0) {
      this.state.phase = 'rl';
      this.state.sftFlopsAtBranch = sftFlops(this.state);
    } else {
      this.state.phase = 'done';
    }
  }

  private async sftStep(): Promise<void> {
    const { engine } = this.env;
    const result = await sftStep(
      engine,
      this.examples,
      this.state.sftSteps,
      this.config,
      this.student!.model,
    );
    this.state.step++;
    this.state.sftSteps++;
    this.state.compute.sftTraining += result.flops;
    await this.metric('train', {
      loss: result.loss,
      gradNorm: result.gradNorm,
      learningRate: result.learningRate,
      epoch: result.epoch,
      examples: result.examples,
      tokens: result.tokens,
      skipped: result.skipped ? 1 : 0,
    });
  }

  private async rlIteration(): Promise<void> {
    const { engine, runner } = this.env;
    const { tokenizer, model } = this.student!;
    const result = await grpoIteration(
      {
        engine,
        tokenizer,
        runner,
        config: this.config,
        model,
        tasks: this.trainTasks,
        seeds: this.rlSeeds,
        taskSuccess: this.state.taskSuccess,
        onEpisode: this.onEpisode('rollouts'),
      },
      this.state.rlIterations,
    );
    // An iteration whose examples were all filtered out makes no update but still gets its own row.
    this.state.step += Math.max(1, result.updates);
    this.state.rlIterations++;
    this.state.compute.rollouts += result.rolloutFlops;
    this.state.compute.rlTraining += result.trainingFlops;
    this.state.taskSuccess = result.taskSuccess;
    await this.metric('train', { ...result.values, iteration: this.state.rlIterations });
  }

  /** Held-out goals (training tasks x heldOutGoalSeeds) and held-out tasks (test tasks x heldOutTaskSeeds). */
  private async evaluateNow(): Promise<void> {
    const { engine, runner } = this.env;
    const { tokenizer, model } = this.student!;
    const { config, state } = this;
    const common = {
      temperature: config.eval.temperature,
      prompt: this.prompt,
      model,
      maxNewTokens: config.model.maxNewTokens,
      seed: createRandom(`${config.seed}/eval/${state.step}`).int(0, 0xffffffff),
      constrainedDecoding: config.rl.constrainedDecoding,
    };
    const [goals, tasks] = (await evaluateSets(
      engine,
      tokenizer,
      runner,
      [
        { tasks: this.trainTasks, seeds: parseSeedList(config.eval.heldOutGoalSeeds) },
        { tasks: this.testTasks, seeds: parseSeedList(config.eval.heldOutTaskSeeds) },
      ],
      { ...common, onEpisode: this.onEpisode('evaluation') },
    )) as [Evaluation, Evaluation];
    state.compute.evaluation += goals.flops + tasks.flops;
    state.heldOutGoalHistory.push({ step: state.step, success: goals.success });
    const values: Record<string, number> = {
      heldOutGoalSuccess: goals.success,
      heldOutGoalStderr: goals.stderr,
      heldOutGoalEpisodes: goals.episodes,
      heldOutTaskSuccess: tasks.success,
      heldOutTaskStderr: tasks.stderr,
      heldOutTaskEpisodes: tasks.episodes,
    };
    if (state.sftFlopsAtBranch !== null) values.sftFlopsAtBranch = state.sftFlopsAtBranch;
    await this.metric('eval', values, { ...goals.perTask, ...tasks.perTask });
  }

  private onEpisode(what: string): (result: EpisodeResult, progress: PoolProgress) => void {
    return (result, progress) => {
      this.emit({ type: 'episode', result });
      const etaMs =
        progress.done > 0 ? (progress.elapsedMs / progress.done) * (progress.total - progress.done) : null;
      this.emit({ type: 'progress', what, done: progress.done, total: progress.total, etaMs });
    };
  }

  private syncWall(): void {
    this.state.wallMs = this.wallBase + (this.now() - this.segmentStart);
  }

  private async metric(
    kind: MetricRecord['kind'],
    values: Record<string, number>,
    perTask?: Record<string, number>,
  ): Promise<void> {
    this.syncWall();
    const metric: MetricRecord = {
      runId: this.run.id,
      kind,
      step: this.state.step,
      phase: this.state.phase,
      flops: totalFlops(this.state.compute),
      wallMs: this.state.wallMs,
      values,
      ...(perTask ? { perTask } : {}),
    };
    await this.env.store.putMetrics([metric]);
    this.emit({ type: 'metric', metric });
  }

  /** Saves the model, the optimizer and the state after this step; a resume starts here. */
  private async checkpoint(): Promise<void> {
    this.syncWall();
    const saved = await this.env.engine.saveCheckpoint();
    const state = structuredClone(this.state);
    await this.env.store.putCheckpoint({
      runId: this.run.id,
      step: state.step,
      phase: state.phase,
      flops: totalFlops(state.compute),
      createdAt: this.now(),
      weights: saved.weights,
      optimizer: saved.optimizer ?? null,
      tokenizer: this.student!.tokenizer.spec,
      state,
    });
    this.lastCheckpointStep = state.step;
    await this.saveRun({ state });
    this.emit({ type: 'checkpoint', step: state.step });
  }

  private async finish(): Promise<RunRecord> {
    const { state, config } = this;
    this.syncWall();
    const selected = selectCheckpoint(state.heldOutGoalHistory, config.eval.selectionWindow);
    const evaluations = await this.env.store.metrics(this.run.id, 'eval');
    const row = evaluations.find((metric) => metric.step === selected?.step);
    if (!selected || !row)
      throw new Error('The run finished without an evaluation to report: this is a bug.');
    const summary: RunResult = {
      run_id: this.run.id,
      heldout_goals_success: row.values.heldOutGoalSuccess ?? 0,
      heldout_goals_stderr: row.values.heldOutGoalStderr ?? 0,
      heldout_tasks_success: row.values.heldOutTaskSuccess ?? 0,
      heldout_tasks_stderr: row.values.heldOutTaskStderr ?? 0,
      selected_step: selected.step,
      flops: totalFlops(state.compute),
      wall_s: state.wallMs / 1000,
      steps: state.step,
      per_task: row.perTask ?? {},
      sft_flops_at_branch: state.sftFlopsAtBranch,
    };
    this.run = { ...this.run, summary, state: structuredClone(state) };
    await this.setStatus('finished', `Finished at step ${state.step}; selected step ${selected.step}.`);
    return this.run;
  }

  private async saveRun(changes: Partial<RunRecord>): Promise<void> {
    this.run = { ...this.run, ...changes, updatedAt: this.now() };
    await this.env.store.putRun(this.run);
  }

  private async setStatus(status: RunStatus, message: string): Promise<void> {
    await this.saveRun({ status, ...(status === 'running' ? { error: null } : {}) });
    this.emit({ type: 'status', status, message });
  }

  private emit(event: RunEvent): void {
    this.control.onEvent?.(event);
  }
}
