import type { PromptOptions } from '../agent/prompt.ts';
import { createRandom } from '../core/random.ts';
import { DEFAULT_ENV_OPTIONS } from '../env/env.ts';
import type { EpisodeResult } from '../env/episode.ts';
import { PageClosedError } from '../env/host.ts';
import type { PoolProgress } from '../env/runner.ts';
import type { Example } from '../model/packing.ts';
import type { MetricRecord, PhaseSelection, RunLineage, RunRecord, RunState } from '../store/records.ts';
import { derivedLineage, type LabStore } from '../store/store.ts';
import { parseRunConfig, parseSeedList, runConfigOf, withoutSecrets, type RunConfig } from './config.ts';
import { evaluateSets, selectCheckpoint, type Evaluation } from './evaluate.ts';
import { grpoIteration } from './grpo.ts';
import { RunBook } from './run-book.ts';
import type { RunControl, RunEnvironment } from './run-environment.ts';
import { startRun, switchToRl } from './run-start.ts';
import { checkRunnable, checkRunConfig } from './run-checks.ts';
import { sftStep, sftTotalSteps } from './sft.ts';
import { initialRunState, trainingFlops } from './state.ts';
import type { Student } from './student.ts';
import { teacherCharged } from './teacher-cost.ts';

/**
 * A run of the method (PAPER.md, pipeline), read top to bottom in `RunDriver.execute`:
 *
 *   1. the student and its data: from the last checkpoint, a branch point, or fresh (teacher
 *      traces, then the student's tokenizer and model);
 *   2. SFT steps until sft.steps (or sft.epochs, or sft.flopsBudget), evaluating every eval.every;
 *   3. multi-turn GRPO iterations until rl.iterations (or rl.flopsBudget), from a fresh AdamW when
 *      rl.resetOptimizer;
 *   4. the summary: each phase's checkpoint chosen by the rolling mean of held-out-goal success.
 *
 * Compute is a ledger (state.ts); every curve's axis is training compute, evaluation excluded.
 * Checkpoints, metric rows, status and wall time are the bookkeeping of run-book.ts.
 */

/** LLM keys of the runs created in this session, never stored (withoutSecrets). */
const sessionKeys = new Map<string, string>();

/**
 * Validates the configuration (the schema, then what the schema cannot see: tasks, seeds that leak
 * into held-out goals, budgets) and stores a new run, status 'created'. A bad configuration stores nothing.
 */
export async function createRun(
  store: LabStore,
  config: unknown,
  options: { name?: string; id?: string; lineage?: Partial<RunLineage> } = {},
): Promise<RunRecord> {
  const parsed = parseRunConfig(config);
  checkRunConfig(parsed);
  const id = options.id ?? crypto.randomUUID();
  if (parsed.teacher.llm.apiKey !== '') sessionKeys.set(id, parsed.teacher.llm.apiKey);
  const now = Date.now();
  const stored = withoutSecrets(parsed);
  const run: RunRecord = {
    id,
    name: options.name ?? parsed.name,
    createdAt: now,
    updatedAt: now,
    config: stored,
    status: 'created',
    error: null,
    datasetId: null,
    state: initialRunState(),
    summary: null,
    lineage: { ...derivedLineage(stored), ...options.lineage },
  };
  await store.putRun(run);
  return run;
}

/**
 * Runs (or resumes) a stored run to its end, or until paused; resolves with the stored record. It holds
 * the run's lock (LabStore.lockRun) throughout: a second execution of the run is refused, not interleaved.
 */
export async function executeRun(
  runId: string,
  env: RunEnvironment,
  control: RunControl = {},
): Promise<RunRecord> {
  const lock = await env.store.lockRun(runId);
  try {
    // Read under the lock: an execution that held it until now may have changed the record.
    const run = await env.store.getRun(runId);
    if (!run) throw new Error(`No run with id ${runId} in the store: create it first (createRun).`);
    if (run.status === 'finished') return run;
    return await new RunDriver(run, env, control).execute();
  } finally {
    await lock.release();
  }
}

const isDeviceLost = (error: unknown): boolean =>
  error instanceof Error && /device was lost/i.test(error.message);
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Whether a step from `before` to `after` crosses a multiple of `every`. */
const crosses = (before: number, after: number, every: number): boolean =>
  Math.floor(after / every) > Math.floor(before / every);

class RunDriver {
  private readonly config: RunConfig;
  private readonly prompt: PromptOptions;
  private readonly book: RunBook;
  private state: RunState = initialRunState();
  private student: Student | null = null;
  private examples: Example[] = [];
  private trainTasks: string[] = [];
  private testTasks: string[] = [];
  private rlSeeds: number[] = [];

  constructor(
    run: RunRecord,
    private readonly env: RunEnvironment,
    private readonly control: RunControl,
  ) {
    const apiKey = env.llmApiKey ?? sessionKeys.get(run.id) ?? '';
    const stored = runConfigOf(run);
    this.config = { ...stored, teacher: { ...stored.teacher, llm: { ...stored.teacher.llm, apiKey } } };
    this.prompt = {
      historyLength: this.config.env.historyLength,
      errorLogFeedback: this.config.rl.errorLogFeedback,
    };
    this.book = new RunBook(run, env.store, env.now ?? Date.now, (event) => control.onEvent?.(event));
  }

  async execute(): Promise<RunRecord> {
    await this.book.setStatus('running', 'The run is starting.');
    try {
      // 1. Everything checked before anything is spent, then the student and its data.
      this.checkConfig();
      if (await this.prepare()) {
        await this.book.setStatus('paused', 'Paused while collecting traces; resuming collects them again.');
        return this.book.run;
      }
      // 2-3. The phases, one optimizer step (SFT) or iteration (RL) at a time.
      for (;;) {
        if (this.state.phase === 'done') return await this.finish();
        if (this.phaseFinished()) {
          await this.endPhase();
          continue;
        }
        if (this.control.signal?.aborted) return await this.pause();
        const before = this.state.step;
        if (this.state.phase === 'sft') await this.sftStep();
        else await this.rlIteration();
        const evaluated = crosses(before, this.state.step, this.config.eval.every);
        if (evaluated) await this.evaluateNow();
        // A phase's last step is checkpointed once, after its end-of-phase evaluation (endPhase),
        // so that no stored checkpoint of a step lacks that step's evaluation.
        const checkpointDue = evaluated || crosses(before, this.state.step, this.config.checkpointEvery);
        if (checkpointDue && (evaluated || !this.phaseFinished())) await this.checkpoint();
      }
    } catch (error) {
      return this.fail(error);
    }
  }

  /** Problems found before anything is spent: the configuration, the runner, the tasks this machine can run. */
  private checkConfig(): void {
    const runnable = checkRunnable(
      this.config,
      this.env.runner.envOptions,
      DEFAULT_ENV_OPTIONS,
      this.env.skipTask,
    );
    this.trainTasks = runnable.trainTasks;
    this.testTasks = runnable.testTasks;
    this.rlSeeds = runnable.rlSeeds;
  }

  /** The model, the state and the SFT examples (run-start.ts); a fresh or branched run is evaluated at its start. Returns true when paused. */
  private async prepare(): Promise<boolean> {
    const start = await startRun({
      config: this.config,
      prompt: this.prompt,
      env: this.env,
      control: this.control,
      book: this.book,
    });
    if (start === null) return true;
    ({ student: this.student, state: this.state, examples: this.examples } = start);
    if (start.kind !== 'resumed') {
      await this.evaluateNow();
      await this.checkpoint();
    }
    return false;
  }

  private phaseFinished(): boolean {
    const { sft, rl } = this.config;
    const { state } = this;
    const flops = trainingFlops(state.compute);
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
      await switchToRl(this.state, this.env.engine, this.config);
    } else {
      this.state.phase = 'done';
    }
  }

  private async sftStep(): Promise<void> {
    const { config, state } = this;
    const result = await sftStep(this.env.engine, this.examples, state.sftSteps, config, this.student!.model);
    state.step++;
    state.sftSteps++;
    state.compute.sftTraining += result.flops;
    const diverged = !Number.isFinite(result.loss);
    if (state.teacherCost !== null) {
      state.compute.teacher = teacherCharged(state.teacherCost, state.sftSteps, config.sft.batchSize);
    }
    await this.book.metric(state, 'train', {
      loss: result.loss,
      gradNorm: result.gradNorm,
      learningRate: result.learningRate,
      epoch: result.epoch,
      examples: result.examples,
      tokens: result.tokens,
      skipped: result.skipped ? 1 : 0,
    });
    if (diverged) throw divergence(`SFT step ${state.sftSteps}`, 'sft.learningRate');
  }

  private async rlIteration(): Promise<void> {
    const { engine, runner } = this.env;
    const { tokenizer, model } = this.student!;
    const { config, state } = this;
    const budget = config.rl.flopsBudget;
    const result = await grpoIteration(
      {
        engine,
        tokenizer,
        runner,
        config,
        model,
        tasks: this.trainTasks,
        seeds: this.rlSeeds,
        taskSuccess: state.taskSuccess,
        flopsLeft: budget === null ? Infinity : budget - trainingFlops(state.compute),
        onEpisode: this.onEpisode('rollouts'),
      },
      state.rlIterations,
    );
    if (result.shortfall !== null) this.book.emit({ type: 'notice', message: result.shortfall });
    // An iteration that made no update still gets its own row.
    state.step += Math.max(1, result.updates);
    state.rlIterations++;
    state.compute.rollouts += result.rolloutFlops;
    state.compute.rlTraining += result.trainingFlops;
    state.taskSuccess = result.taskSuccess;
    await this.book.metric(state, 'train', { ...result.values, iteration: state.rlIterations });
    const { loss } = result.values;
    if (loss !== undefined && !Number.isFinite(loss)) {
      throw divergence(`RL iteration ${state.rlIterations}`, 'rl.learningRate');
    }
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
    const phase = state.phase === 'rl' && state.rlIterations > 0 ? 'rl' : 'sft';
    state.heldOutGoalHistory.push({ step: state.step, success: goals.success, phase });
    const values: Record<string, number> = {
      heldOutGoalSuccess: goals.success,
      heldOutGoalStderr: goals.stderr,
      heldOutGoalEpisodes: goals.episodes,
      heldOutTaskSuccess: tasks.success,
      heldOutTaskStderr: tasks.stderr,
      heldOutTaskEpisodes: tasks.episodes,
    };
    if (state.sftFlopsAtBranch !== null) values.sftFlopsAtBranch = state.sftFlopsAtBranch;
    await this.book.metric(state, 'eval', values, { ...goals.perTask, ...tasks.perTask });
  }

  private onEpisode(what: string): (result: EpisodeResult, progress: PoolProgress) => void {
    return (result, progress) => {
      this.book.emit({ type: 'episode', result });
      const etaMs =
        progress.done > 0 ? (progress.elapsedMs / progress.done) * (progress.total - progress.done) : null;
      this.book.emit({ type: 'progress', what, done: progress.done, total: progress.total, etaMs });
    };
  }

  private async checkpoint(): Promise<void> {
    await this.book.checkpoint(this.state, this.env.engine, this.student!.tokenizer);
  }

  private async pause(): Promise<RunRecord> {
    if (this.book.lastCheckpointStep !== this.state.step) await this.checkpoint();
    await this.book.setStatus('paused', `Paused at step ${this.state.step}.`);
    return this.book.run;
  }

  private async fail(error: unknown): Promise<RunRecord> {
    if (this.control.signal?.aborted && this.student === null && !isDeviceLost(error)) {
      await this.book.setStatus(
        'paused',
        'Paused before the first checkpoint; resuming starts the run again.',
      );
      return this.book.run;
    }
    const step = this.book.lastCheckpointStep;
    if (error instanceof PageClosedError) {
      // Nothing half-done is saved: the stored state is the last checkpoint's, and a resume drops the rows after it.
      await this.book.setStatus(
        'paused',
        `Paused: ${error.message} ` +
          (step >= 0
            ? `Resuming goes on from the last checkpoint (step ${step}).`
            : 'Resuming starts the run again.'),
      );
      return this.book.run;
    }
    const message = isDeviceLost(error)
      ? `${messageOf(error)} The run can be resumed from its last checkpoint` +
        `${step >= 0 ? ` (step ${step})` : ''}: reopen the engine and resume the run.`
      : messageOf(error);
    await this.book.save({ error: message });
    await this.book.setStatus('failed', message);
    throw isDeviceLost(error) ? new Error(message, { cause: error }) : error;
  }

  /** 4. Each phase's checkpoint, chosen among its own evaluations; the run reports RL's when it made RL updates. */
  private async finish(): Promise<RunRecord> {
    const { state, config } = this;
    this.book.syncWall(state);
    const evaluations = await this.env.store.metrics(this.book.run.id, 'eval');
    const selection = (phase: 'sft' | 'rl'): PhaseSelection | null => {
      const history = state.heldOutGoalHistory.filter((entry) => entry.phase === phase);
      const selected = selectCheckpoint(history, config.eval.selectionWindow);
      const row = evaluations.find((metric) => metric.step === selected?.step);
      return row ? phaseSelection(row) : null;
    };
    const sft = selection('sft');
    const rl = selection('rl');
    const reported = rl ?? sft;
    if (!reported) throw new Error('The run finished without an evaluation to report: this is a bug.');
    const summary = {
      run_id: this.book.run.id,
      ...reported,
      flops: trainingFlops(state.compute),
      compute: { ...state.compute },
      teacher_flops_basis: state.teacherCost?.basis ?? null,
      wall_s: state.wallMs / 1000,
      steps: state.step,
      sft_flops_at_branch: state.sftFlopsAtBranch,
      sft,
      rl,
    };
    await this.book.save({ summary, state: structuredClone(state) });
    await this.book.setStatus(
      'finished',
      `Finished at step ${state.step}; selected step ${reported.selected_step}.`,
    );
    return this.book.run;
  }
}

/** A loss that is not a number: the run fails rather than finish on a model that learned nothing more. */
function divergence(where: string, knob: string): Error {
  return new Error(
    `${where} gave a loss that is not a number (the model diverged; the engine left its parameters as they were): ` +
      `lower ${knob} or optimizer.maxGradNorm, then resume from the last checkpoint or start again.`,
  );
}

function phaseSelection(row: MetricRecord): PhaseSelection {
  return {
    selected_step: row.step,
    heldout_goals_success: row.values.heldOutGoalSuccess ?? 0,
    heldout_goals_stderr: row.values.heldOutGoalStderr ?? 0,
    heldout_tasks_success: row.values.heldOutTaskSuccess ?? 0,
    heldout_tasks_stderr: row.values.heldOutTaskStderr ?? 0,
    flops: row.flops,
    per_task: row.perTask ?? {},
  };
}
