import { checkLlmEndpoint, llmPolicy } from '../agent/llm-policy.ts';
import { promptText, recordedContext, targetText, type PromptOptions } from '../agent/prompt.ts';
import { expertTeacher } from '../agent/teacher.ts';
import type { PoolEpisode } from '../env/runner.ts';
import type { EpisodeRunner } from '../env/runner.ts';
import { PageClosedError } from '../env/host.ts';
import type { EpisodeResult, EpisodeStep, StepPolicy } from '../env/episode.ts';
import { findExpert } from '../experts/registry.ts';
import type { FlopsShape } from '../model/flops.ts';
import type { DatasetRecord, DatasetStats, TraceRecord } from '../store/records.ts';
import type { LabStore } from '../store/store.ts';
import { findTask } from '../tasks/registry.ts';
import { builtTasks, getSplit } from '../tasks/splits.ts';
import { teacherStepFlops } from './compute.ts';
import { parseSeedList, type EnvSettings, type TeacherSettings } from './config.ts';

/**
 * Teacher traces (PAPER.md, pipeline step 1): the teacher plays every training task on the
 * training seeds; the successful episodes are kept (a setting), stored as they come, and the
 * teacher's FLOPs count every step it played, kept or not, as the paper counts them in SFT compute.
 */

/** Seeds 0-2 of the training tasks are the held-out goals: no training data may come from them. */
export const HELD_OUT_GOAL_SEEDS = 3;

/** A training seed list, refused when it holds a held-out goal seed. */
export function trainingSeeds(seeds: string, setting: string): number[] {
  const list = parseSeedList(seeds);
  const heldOut = list.filter((seed) => seed < HELD_OUT_GOAL_SEEDS);
  if (heldOut.length) {
    throw new Error(
      `${setting} "${seeds}" holds seed${heldOut.length > 1 ? 's' : ''} ${heldOut.join(', ')}: seeds 0-2 are the ` +
        'held-out goals, kept for evaluation. Start training seeds at 3 (e.g. "3-202").',
    );
  }
  return list;
}

function checkBuilt(names: readonly string[], setting: string): void {
  const unknown = names.filter((name) => !findTask(name));
  if (unknown.length) {
    throw new Error(
      `${setting} names task${unknown.length > 1 ? 's' : ''} the lab has not built: ${unknown.join(', ')}.`,
    );
  }
}

/** The run's training tasks: env.tasks, or the split's built training tasks. */
export function trainingTasks(env: EnvSettings): string[] {
  checkBuilt(env.tasks, 'env.tasks');
  if (env.tasks.length) return [...new Set(env.tasks)];
  const split = getSplit(env.split);
  return split.train.filter((name) => findTask(name));
}

/** The run's held-out tasks: env.testTasks, or the split's built test tasks. */
export function heldOutTasks(env: EnvSettings): string[] {
  checkBuilt(env.testTasks, 'env.testTasks');
  if (env.testTasks.length) return [...new Set(env.testTasks)];
  const split = getSplit(env.split);
  return split.test.filter((name) => builtTasks(split).includes(name));
}

/** Keeps the tasks that can run here, and says why the others cannot. */
export function runnableTasks(
  tasks: readonly string[],
  skip: ((task: string) => string | null) | undefined,
): { tasks: string[]; skipped: Record<string, string> } {
  const skipped: Record<string, string> = {};
  const kept = tasks.filter((task) => {
    const why = skip?.(task) ?? null;
    if (why !== null) skipped[task] = why;
    return why === null;
  });
  return { tasks: kept, skipped };
}

export interface CollectSettings {
  readonly teacher: TeacherSettings;
  readonly env: EnvSettings;
  /** The student, for the teacher's FLOPs at the paper's ratio (and the label of that basis). */
  readonly studentShape: FlopsShape;
  readonly studentLabel: string;
  readonly name?: string;
  /** What the teacher reads (an LLM teacher), and what its FLOPs count. Default: env.historyLength, error logs on. */
  readonly prompt?: PromptOptions;
}

export interface CollectProgress {
  done: number;
  total: number;
  successes: number;
  /** null until an episode has ended. */
  etaMs: number | null;
}

export interface CollectOptions {
  readonly fetch?: typeof fetch;
  readonly onProgress?: (progress: CollectProgress) => void;
  readonly onEpisode?: (result: EpisodeResult) => void;
  /**
   * Stops the collection: no episode starts after it, those under way end at their next step
   * uncounted, and the dataset is marked 'stopped' with what it had collected (counted and usable).
   */
  readonly signal?: AbortSignal;
  /** Why a task cannot run here (Node: needs coordinates), or null. */
  readonly skip?: (task: string) => string | null;
  readonly now?: () => number;
}

/**
 * Traces go to the store in chunks of this many episodes, or of what came in this many milliseconds,
 * each followed by the dataset's counts: a reload or a crash loses at most that much, and what is
 * stored is what the counts say.
 */
const TRACE_CHUNK = 64;
const FLUSH_MS = 2000;

const utf8 = new TextEncoder();
const bytes = (text: string): number => utf8.encode(text).length;

function emptyStats(basis: string): DatasetStats {
  return {
    episodes: 0,
    successes: 0,
    kept: 0,
    keptSteps: 0,
    steps: 0,
    tokens: 0,
    teacherFlops: 0,
    teacherFlopsBasis: basis,
    perTask: {},
  };
}

/**
 * Collects a dataset of teacher traces and stores it: status 'collecting' while it runs,
 * 'complete' at the end, 'failed' with the error's message if anything goes wrong (and the error
 * is rethrown). An LLM teacher's endpoint is checked first, so a server that is down fails at once
 * with its message and leaves no dataset behind.
 */
export async function collectTraces(
  store: LabStore,
  settings: CollectSettings,
  runner: EpisodeRunner,
  options: CollectOptions = {},
): Promise<DatasetRecord> {
  const { teacher, env } = settings;
  const now = options.now ?? Date.now;
  const prompt = settings.prompt ?? { historyLength: env.historyLength, errorLogFeedback: true };
  const seeds = trainingSeeds(teacher.seeds, 'teacher.seeds');
  const noExpert = (task: string): string | null =>
    teacher.kind === 'expert' && !findExpert(task) ? 'no expert for this task yet' : null;
  const { tasks, skipped } = runnableTasks(
    trainingTasks(env),
    (task) => options.skip?.(task) ?? noExpert(task),
  );
  if (tasks.length === 0) {
    const why = Object.entries(skipped).map(([task, reason]) => `${task}: ${reason}`);
    throw new Error(
      `No training task can be played by the teacher here${why.length ? ` (${why.join('; ')})` : ''}.`,
    );
  }
  if (teacher.kind === 'llm') await checkLlmEndpoint(teacher.llm, options.fetch);

  const basis = teacherStepFlops(
    settings.studentShape,
    teacher.parameters,
    1,
    0,
    settings.studentLabel,
  ).basis;
  const stats = emptyStats(basis);
  const dataset: DatasetRecord = {
    id: crypto.randomUUID(),
    name: settings.name ?? `${teacher.kind} traces, ${env.split} split, seeds ${teacher.seeds}`,
    createdAt: now(),
    status: 'collecting',
    error: null,
    teacher: { ...teacher, llm: { ...teacher.llm, apiKey: '' } },
    split: env.split,
    tasks,
    observationFormat: env.observationFormat,
    maxSteps: env.maxSteps,
    stats,
  };
  await store.putDataset(dataset);

  // Chunks of traces and counts on their way to the store, in order.
  let writes: Promise<void> = Promise.resolve();
  try {
    const episodes: PoolEpisode[] = tasks.flatMap((task) =>
      seeds.map((seed) => ({ task, seed, source: 'built-in' as const })),
    );
    const teacherFor = (episode: PoolEpisode): StepPolicy => {
      const policy =
        teacher.kind === 'expert'
          ? expertTeacher(episode.task, teacher.errorRate, `${episode.task}/${episode.seed}`)
          : llmPolicy(teacher.llm, { prompt, ...(options.fetch ? { fetch: options.fetch } : {}) });
      return (view) => {
        if (options.signal?.aborted) throw new Error('The collection was stopped.');
        return policy(view);
      };
    };

    let pending: TraceRecord[] = [];
    let flushedAt = now();
    const flush = (): void => {
      const chunk = pending;
      const counted = { ...dataset, stats: structuredClone(stats) };
      pending = [];
      flushedAt = now();
      writes = writes
        .then(() => (chunk.length > 0 ? store.addTraces(chunk) : undefined))
        .then(() => store.putDataset(counted));
      // Awaited at the end; marked handled so a failed write is not reported twice meanwhile.
      writes.catch(() => undefined);
    };
    const started = now();
    const onResult = (
      result: EpisodeResult,
      progress: { done: number; total: number; successes: number },
    ): void => {
      const kept = countEpisode(stats, result, settings, prompt);
      if (kept) {
        pending.push({
          datasetId: dataset.id,
          task: result.task,
          seed: result.seed,
          success: result.success,
          reward: result.reward,
          steps: result.steps.map(textOnly),
        });
      }
      if (pending.length >= TRACE_CHUNK || now() - flushedAt >= FLUSH_MS) flush();
      options.onEpisode?.(result);
      const elapsed = now() - started;
      options.onProgress?.({
        done: progress.done,
        total: progress.total,
        successes: progress.successes,
        etaMs: progress.done > 0 ? (elapsed / progress.done) * (progress.total - progress.done) : null,
      });
    };
    // Pages closed under the pool (the page that held them was closed) stop the collection as Stop does.
    const closed = await runner.run(episodes, teacherFor, onResult, options.signal).then(
      () => false,
      (error: unknown) => {
        if (error instanceof PageClosedError) return true;
        throw error;
      },
    );
    flush();
    await writes;
    if (options.signal?.aborted || closed) {
      throw new CollectionStoppedError(
        `${closed ? 'The task pages were closed' : 'Stopped'} after ${stats.episodes} of ${episodes.length} ` +
          `episodes; the ${stats.kept} kept are stored and can train a run.`,
      );
    }
    dataset.status = 'complete';
    await store.putDataset(dataset);
    return dataset;
  } catch (error) {
    // A chunk still on its way would write the 'collecting' counts over the verdict.
    await writes.catch(() => undefined);
    dataset.status = error instanceof CollectionStoppedError ? 'stopped' : 'failed';
    dataset.error = error instanceof Error ? error.message : String(error);
    await store.putDataset(dataset);
    throw error;
  }
}

/** A collection ended by its signal: its dataset is 'stopped', and usable as far as it went. */
export class CollectionStoppedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollectionStoppedError';
  }
}

/** Whether a dataset's traces can train a run: a complete one, or a stopped one that kept some episodes. */
export function isUsableDataset(dataset: DatasetRecord): boolean {
  return dataset.status === 'complete' || (dataset.status === 'stopped' && dataset.stats.kept > 0);
}

/**
 * When the lab opens, before it collects anything: a dataset still 'collecting' was cut off by a
 * reload or a crash. It becomes 'stopped', keeping the traces its stored counts describe. (A second
 * tab collecting at that moment would see its dataset marked too; its end marks it complete again.)
 */
export async function stopInterruptedCollections(store: LabStore): Promise<number> {
  let marked = 0;
  for (const dataset of await store.listDatasets()) {
    if (dataset.status !== 'collecting') continue;
    const { episodes, kept } = dataset.stats;
    await store.putDataset({
      ...dataset,
      status: 'stopped',
      error: `Cut off by a reload after ${episodes} episodes; the ${kept} kept are stored and can train a run.`,
    });
    marked++;
  }
  return marked;
}

/** Adds one episode to the statistics; says whether it is kept. */
function countEpisode(
  stats: DatasetStats,
  result: EpisodeResult,
  settings: CollectSettings,
  prompt: PromptOptions,
): boolean {
  const kept = result.success || !settings.teacher.keepOnlySuccessful;
  const task = (stats.perTask[result.task] ??= { episodes: 0, successes: 0 });
  task.episodes++;
  stats.episodes++;
  stats.steps += result.steps.length;
  if (result.success) {
    task.successes++;
    stats.successes++;
  }
  const history: string[] = [];
  for (const step of result.steps) {
    const promptBytes = bytes(promptText(recordedContext(step, history), prompt));
    const targetBytes = bytes(targetText(step));
    history.push(step.action);
    stats.teacherFlops += teacherStepFlops(
      settings.studentShape,
      settings.teacher.parameters,
      promptBytes,
      targetBytes,
      settings.studentLabel,
    ).flops;
    if (kept) stats.tokens += promptBytes + targetBytes;
  }
  if (kept) {
    stats.kept++;
    stats.keptSteps += result.steps.length;
  }
  return kept;
}

function textOnly(step: EpisodeStep): Omit<EpisodeStep, 'sample'> {
  const { sample: _sample, ...text } = step;
  return text;
}
