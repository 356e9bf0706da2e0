import type { PromptOptions } from '../agent/prompt.ts';
import type { Engine } from '../engine/engine.ts';
import type { Example } from '../model/packing.ts';
import type { CheckpointRecord, DatasetRecord, RunState, TraceRecord } from '../store/records.ts';
import type { RunConfig } from './config.ts';
import { datasetTexts, traceExamples } from './examples.ts';
import type { RunBook } from './run-book.ts';
import type { RunControl, RunEnvironment } from './run-environment.ts';
import { initialRunState } from './state.ts';
import {
  createStudent,
  expectedVocabSize,
  loadStudent,
  studentModelConfig,
  type Student,
} from './student.ts';
import { teacherCost } from './teacher-cost.ts';
import { collectTraces, isUsableDataset } from './traces.ts';

/**
 * Where a run starts from: its last intact checkpoint (a resume), another run's SFT checkpoint (a
 * branch), or nothing (teacher traces, then the student). What a resume finds is not trusted: a
 * damaged checkpoint is passed over and metric rows gone from the store are reported.
 */

export interface StartContext {
  readonly config: RunConfig;
  readonly prompt: PromptOptions;
  readonly env: RunEnvironment;
  readonly control: RunControl;
  readonly book: RunBook;
}

export interface RunStart {
  readonly kind: 'resumed' | 'branched' | 'fresh';
  readonly student: Student;
  readonly state: RunState;
  /** SFT's examples (empty once SFT is over). */
  readonly examples: Example[];
}

/** The student, its state and its SFT examples; null when a pause stopped the teacher's collection. */
export async function startRun(context: StartContext): Promise<RunStart | null> {
  const { book, config, env } = context;
  const latest = await lastIntactCheckpoint(context);
  if (latest) {
    const state = restoredState(latest.checkpoint.state, book);
    book.lastCheckpointStep = latest.checkpoint.step;
    await checkRowsUpTo(context, state, latest.checkpoint.step);
    await book.forgetAfter(latest.checkpoint.step);
    const examples =
      state.phase === 'sft' && book.run.datasetId !== null
        ? toExamples(context, latest.student, await env.store.traces(book.run.datasetId))
        : [];
    return { kind: 'resumed', student: latest.student, state, examples };
  }
  await book.forgetAfter(-1);
  if (config.branch !== null) return { kind: 'branched', ...(await branchPoint(context)), examples: [] };
  const fresh = await freshStart(context);
  return fresh === null ? null : { kind: 'fresh', ...fresh };
}

/** The switch to RL (after SFT, at a branch point): a fresh AdamW when rl.resetOptimizer. */
export async function switchToRl(state: RunState, engine: Engine, config: RunConfig): Promise<void> {
  state.phase = 'rl';
  state.rlIterations = 0;
  // PAPER.md: sftFlopsAtBranch, the SFT compute (teacher and SFT training) the RL phase starts from.
  state.sftFlopsAtBranch = state.compute.teacher + state.compute.sftTraining;
  if (config.rl.resetOptimizer) {
    // A checkpoint without optimizer state loads with fresh moments and step count.
    const { weights } = await engine.saveCheckpoint();
    await engine.loadCheckpoint({ weights });
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The newest checkpoint that loads, with the student loaded from it; a damaged newer one (a write
 * cut short) is named and passed over, and removed with what came after the one resumed from.
 */
async function lastIntactCheckpoint(
  context: StartContext,
): Promise<{ checkpoint: CheckpointRecord; student: Student } | null> {
  const { store, engine } = context.env;
  const runId = context.book.run.id;
  const steps = (await store.listCheckpoints(runId)).map((info) => info.step).sort((a, b) => b - a);
  const damaged: string[] = [];
  for (const step of steps) {
    try {
      const checkpoint = await store.getCheckpoint(runId, step);
      if (!checkpoint) throw new Error('it is listed but cannot be read');
      const student = await loadStudent(engine, checkpoint);
      if (damaged.length) {
        context.book.emit({
          type: 'notice',
          message:
            `Damaged checkpoint${damaged.length > 1 ? 's' : ''} passed over: ${damaged.join('; ')}. ` +
            `The run resumes from step ${step}, its last intact checkpoint.`,
        });
      }
      return { checkpoint, student };
    } catch (error) {
      damaged.push(`step ${step} (${messageOf(error)})`);
    }
  }
  if (damaged.length) {
    throw new Error(
      `Every checkpoint of this run is damaged (${damaged.join('; ')}): start the run again from its configuration.`,
    );
  }
  return null;
}

/** Says so when metric rows up to the checkpoint have gone from the store (a damaged metrics file). */
async function checkRowsUpTo(context: StartContext, state: RunState, step: number): Promise<void> {
  const rows = await context.env.store.metrics(context.book.run.id);
  const stored = rows.filter((row) => row.step <= step).length;
  const missing = (state.rowsRecorded ?? stored) - stored;
  if (missing > 0) {
    const message =
      `${missing} metric row${missing > 1 ? 's' : ''} up to step ${step} ${missing > 1 ? 'are' : 'is'} missing from the ` +
      "store (its metrics were damaged): the run's curves have a gap there. The run goes on from step " +
      `${step}; export its results to keep what is left.`;
    context.book.emit({ type: 'notice', message });
  }
  state.rowsRecorded = stored;
}

/** A checkpoint's state, with the fields older checkpoints lack; the wall clock goes on from it. */
function restoredState(saved: RunState, book: RunBook): RunState {
  const state = {
    ...structuredClone(saved),
    sftFlopsAtBranch: saved.sftFlopsAtBranch ?? null,
    teacherCost: saved.teacherCost ?? null,
  };
  book.resumeClock(state);
  return state;
}

/** Another run's SFT checkpoint, switched to RL: its model, state and FLOPs, its own curves from here. */
async function branchPoint(context: StartContext): Promise<{ student: Student; state: RunState }> {
  const { runId, step } = context.config.branch!;
  const { store, engine } = context.env;
  const source = await store.getRun(runId);
  if (!source) throw new Error(`branch.runId ${runId} names no stored run: branch from a run that exists.`);
  const checkpoint = await store.getCheckpoint(runId, step);
  if (!checkpoint) {
    const steps = (await store.listCheckpoints(runId)).map((c) => c.step);
    throw new Error(
      `Run ${source.name} has no checkpoint at step ${step}; it has checkpoints at steps ${steps.join(', ') || '(none)'}.`,
    );
  }
  const student = await loadStudent(engine, checkpoint);
  const state = restoredState(checkpoint.state, context.book);
  await switchToRl(state, engine, context.config);
  state.heldOutGoalHistory = [];
  state.rowsRecorded = 0;
  await context.book.save({ datasetId: source.datasetId });
  return { student, state };
}

/** Teacher traces (unless SFT is skipped), then the student; null when a pause stopped the collection. */
async function freshStart(
  context: StartContext,
): Promise<{ student: Student; state: RunState; examples: Example[] } | null> {
  const { config, env, prompt } = context;
  const state = initialRunState();
  let traces: TraceRecord[] = [];
  let dataset: DatasetRecord | null = null;
  let student: Student | null = null;
  const newStudent = (): Promise<Student> =>
    createStudent(env.engine, config, {
      texts: () => datasetTexts(traces, prompt),
      loadAsset: env.loadAsset,
    });
  // The base student first: its shape and vocabulary are known before the traces. A learned
  // vocabulary needs the traces first.
  if (config.model.init === 'base-student') student = await newStudent();
  if (config.sft.steps > 0) {
    dataset = await sftDataset(context, student);
    if (dataset === null) return null;
    traces = await env.store.traces(dataset.id);
  }
  student ??= await newStudent();
  const examples = toExamples(context, student, traces);
  if (dataset !== null) {
    if (examples.length === 0) {
      throw new Error(
        'The SFT dataset has no steps to learn from (no successful teacher episode): check the teacher, ' +
          'lower teacher.errorRate, or set teacher.keepOnlySuccessful to false.',
      );
    }
    state.teacherCost = teacherCost(
      examples,
      dataset.stats,
      student.model,
      config.teacher,
      config.model.preset,
    );
  }
  return { student, state, examples };
}

/** The SFT dataset: sft.datasetId, the one this run already collected, or a new collection. Null when paused. */
async function sftDataset(context: StartContext, student: Student | null): Promise<DatasetRecord | null> {
  const { config, env, control, book, prompt } = context;
  const { store } = env;
  const id = config.sft.datasetId ?? book.run.datasetId;
  if (id !== null) {
    const dataset = await store.getDataset(id);
    // The run's own collection, cut off by a pause, is collected again; a stopped one the user chose trains as it is.
    if (
      dataset &&
      (dataset.status === 'complete' || (config.sft.datasetId !== null && isUsableDataset(dataset)))
    ) {
      await book.save({ datasetId: id });
      return dataset;
    }
    if (config.sft.datasetId !== null) {
      throw new Error(
        dataset
          ? `Dataset ${dataset.name} is ${dataset.status}${dataset.error ? ` (${dataset.error})` : ''}: collect it again, or choose a complete one or a stopped one with kept episodes.`
          : `sft.datasetId ${id} names no stored dataset: choose one from the Data page, or set it to null to collect traces.`,
      );
    }
  }
  const dataset = await collectTraces(
    store,
    {
      teacher: config.teacher,
      env: config.env,
      studentShape: student?.model ?? studentModelConfig(config, expectedVocabSize(config)),
      studentLabel: config.model.preset,
      name: `${book.run.name}: ${config.teacher.kind} traces`,
      prompt,
    },
    env.runner,
    {
      ...(env.fetch ? { fetch: env.fetch } : {}),
      ...(control.signal ? { signal: control.signal } : {}),
      ...(env.skipTask ? { skip: env.skipTask } : {}),
      now: env.now ?? Date.now,
      onProgress: (p) => book.emit({ type: 'progress', what: 'teacher traces', ...p }),
      onEpisode: (result) => book.emit({ type: 'episode', result }),
    },
  ).catch((error: unknown) => {
    if (control.signal?.aborted) return null;
    throw error;
  });
  if (dataset !== null) await book.save({ datasetId: dataset.id });
  return dataset;
}

function toExamples(context: StartContext, student: Student, traces: readonly TraceRecord[]): Example[] {
  const options = {
    prompt: context.prompt,
    context: student.model.context,
    maxNewTokens: context.config.model.maxNewTokens,
  };
  return traces.flatMap((trace) => traceExamples(student.tokenizer, trace, options));
}
