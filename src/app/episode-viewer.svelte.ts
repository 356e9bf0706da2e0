import type { DatasetRecord, TraceRecord } from '../store/records.ts';
import type { LabStore } from '../store/store.ts';
import { findTask } from '../tasks/registry.ts';
import { errorMessage } from './lab-format.ts';
import { DEFAULT_TASK_SETTINGS } from './settings.ts';
import { builtInTask } from './task-catalog.ts';
import { TaskSession } from './task-session.svelte.ts';

/**
 * The episode viewer: a dataset's stored episodes, one step at a time, as the model reads them (the
 * observation, the goal, the previous error) and as the teacher answered (thought, action, error,
 * reward). The page as it looked before a step is rebuilt in an iframe: the task at the episode's
 * seed, with the episode's actions before that step replayed (tasks are deterministic per seed).
 */
export class EpisodeViewer {
  dataset = $state.raw<DatasetRecord | null>(null);
  traces = $state.raw<TraceRecord[]>([]);
  /** Only this task's episodes ('' for all). */
  task = $state('');
  /** Which episode of the filtered list, and which of its steps. */
  index = $state(0);
  step = $state(0);
  /** The replayed page matches the shown step. */
  replayedStep = $state<number | null>(null);
  error = $state<string | null>(null);

  readonly filtered = $derived(this.task ? this.traces.filter((t) => t.task === this.task) : this.traces);
  readonly trace = $derived(this.filtered[this.index] ?? null);
  readonly current = $derived(this.trace?.steps[this.step] ?? null);
  readonly tasks = $derived(
    this.traces
      .map((t) => t.task)
      .filter((task, i, all) => all.indexOf(task) === i)
      .sort(),
  );

  private page: TaskSession | null = null;
  private container: HTMLElement | null = null;

  constructor(private readonly store: LabStore) {}

  /** Loads a dataset's episodes (newest selection wins). */
  async show(dataset: DatasetRecord): Promise<void> {
    if (this.dataset?.id === dataset.id && this.traces.length === dataset.stats.kept) return;
    this.dataset = dataset;
    this.error = null;
    try {
      const traces = await this.store.traces(dataset.id);
      if (this.dataset?.id !== dataset.id) return;
      this.traces = traces;
      this.select(0);
    } catch (error) {
      this.error = `Could not read the episodes of "${dataset.name}": ${errorMessage(error)}`;
    }
  }

  select(index: number): void {
    this.index = Math.max(0, Math.min(index, this.filtered.length - 1));
    this.step = 0;
    this.replayedStep = null;
  }

  filter(task: string): void {
    this.task = task;
    this.select(0);
  }

  go(step: number): void {
    const last = (this.trace?.steps.length ?? 1) - 1;
    this.step = Math.max(0, Math.min(step, last));
    this.replayedStep = null;
  }

  attach(container: HTMLElement): void {
    this.container = container;
  }

  /** Rebuilds the page as it was before the shown step: the episode's seed, its earlier actions replayed. */
  async replay(): Promise<void> {
    const trace = this.trace;
    const dataset = this.dataset;
    if (!trace || !dataset || !this.container) return;
    const task = findTask(trace.task);
    if (!task) {
      this.error = `Task ${trace.task} is not built in this lab version: its page cannot be rebuilt.`;
      return;
    }
    this.error = null;
    this.page?.dispose();
    const page = new TaskSession({
      ...DEFAULT_TASK_SETTINGS,
      format: dataset.observationFormat,
      maxSteps: Math.max(dataset.maxSteps, trace.steps.length + 1),
      // A replay takes its time; the page's own clock must not end the episode under it.
      timeLimit: 'off',
    });
    this.page = page;
    page.attach(this.container);
    const step = this.step;
    try {
      await page.open(builtInTask(task), trace.seed);
      for (const earlier of trace.steps.slice(0, step)) await page.act(earlier.action, earlier.thought);
      if (this.page === page) this.replayedStep = step;
    } catch (error) {
      this.error = `The replay stopped: ${errorMessage(error)}`;
    }
  }

  dispose(): void {
    this.page?.dispose();
    this.page = null;
  }
}
