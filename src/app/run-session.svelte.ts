import { EnvPool } from '../env/pool.ts';
import type { EpisodeResult } from '../env/episode.ts';
import { exportResults } from '../train/results-file.ts';
import type { MetricRecord, RunRecord } from '../store/records.ts';
import type { LabStore } from '../store/store.ts';
import { runConfigOf, type RunConfig } from '../train/config.ts';
import { createRun, executeRun } from '../train/run.ts';
import { envOptionsOf } from '../train/run-environment.ts';
import { type RunEvent } from '../train/run-book.ts';
import { RunPace, type PhaseProgress } from '../train/run-pace.ts';
import { loadApiKey } from './data-settings.ts';
import type { EngineSession } from './engine-session.svelte.ts';
import { errorMessage, formatDuration, loadAsset } from './lab-format.ts';
import { downloadResults } from './results-export.ts';

export interface RunProgress {
  what: string;
  done: number;
  total: number;
  etaMs: number | null;
}

/**
 * The Train page's work: the runs in the store, the selected one's metrics (its curves), and at
 * most one run executing in this page, on the page's engine and an env pool whose iframes the page
 * shows. Everything shown is read back from the store, so a reload loses nothing: a run the store
 * still calls 'running' with nothing executing here was cut off, and Resume continues it from its
 * last checkpoint.
 */
export class RunSession {
  runs = $state.raw<RunRecord[]>([]);
  selectedId = $state<string | null>(null);
  /** The selected run's metric rows, in step order; live rows are appended as they arrive. */
  metrics = $state.raw<MetricRecord[]>([]);
  /** The run executing in this page. */
  activeId = $state<string | null>(null);
  statusMessage = $state<string | null>(null);
  /** What the run said along the way (an RL batch it could not fill, a damaged checkpoint passed over), newest last. */
  notices = $state<string[]>([]);
  /** Episodes under way (teacher traces, rollouts, an evaluation); null between them. */
  progress = $state.raw<RunProgress | null>(null);
  /** The training phase's step of its total, its pace and ETA, from the last training row. */
  phase = $state.raw<PhaseProgress | null>(null);
  lastEpisode = $state.raw<EpisodeResult | null>(null);
  lastCheckpoint = $state<number | null>(null);
  error = $state<string | null>(null);
  pausing = $state(false);

  readonly selected = $derived(this.runs.find((run) => run.id === this.selectedId) ?? null);
  /** Runs whose held-out curves are drawn over the selected run's, with their stored rows. */
  overlayIds = $state.raw<string[]>([]);
  overlay = $state.raw<{ id: string; name: string; metrics: MetricRecord[] }[]>([]);

  private abort: AbortController | null = null;
  /** Settles when the run in flight has stopped (finished, failed or paused at a checkpoint). */
  private running: Promise<void> | null = null;
  private pool: EnvPool | null = null;
  private disposed = false;

  constructor(
    readonly store: LabStore,
    readonly engine: EngineSession,
  ) {}

  /** Lists the runs and shows the newest (or the one selected) with its stored metrics. */
  async load(): Promise<void> {
    await this.refresh();
    const id = this.selectedId ?? this.runs[0]?.id ?? null;
    if (id) await this.select(id);
  }

  async refresh(): Promise<void> {
    try {
      const runs = await this.store.listRuns();
      if (!this.disposed) this.runs = runs;
    } catch (error) {
      this.error = `Could not read the stored runs: ${errorMessage(error)}`;
    }
  }

  async select(id: string): Promise<void> {
    this.selectedId = id;
    try {
      const metrics = await this.store.metrics(id);
      if (this.selectedId === id && !this.disposed) this.metrics = metrics;
    } catch (error) {
      this.error = `Could not read the run's metrics: ${errorMessage(error)}`;
    }
  }

  /** Stored 'running', but not executing here: a reload or a crash cut it off. */
  isInterrupted(run: RunRecord): boolean {
    return run.status === 'running' && run.id !== this.activeId;
  }

  canResume(run: RunRecord): boolean {
    return (
      this.activeId === null &&
      (run.status === 'paused' || run.status === 'created' || this.isInterrupted(run))
    );
  }

  /** Stores a new run with `config` and executes it, its iframes placed in `container`. */
  async start(config: RunConfig, container: HTMLElement): Promise<void> {
    if (this.activeId !== null) return;
    let run: RunRecord;
    try {
      run = await createRun(this.store, config);
    } catch (error) {
      this.error = errorMessage(error);
      return;
    }
    await this.refresh();
    await this.execute(run.id, container);
  }

  /** Executes (or resumes) a stored run until it finishes, fails or is paused. */
  async execute(runId: string, container: HTMLElement): Promise<void> {
    if (this.activeId !== null) return;
    const run = this.runs.find((r) => r.id === runId) ?? (await this.store.getRun(runId));
    if (!run) return;
    this.activeId = runId;
    this.error = null;
    this.progress = null;
    this.phase = null;
    this.lastEpisode = null;
    this.pausing = false;
    this.statusMessage = 'Starting the engine…';
    const pace = new RunPace(runConfigOf(run));
    this.notices = [];
    await this.select(runId);
    const abort = new AbortController();
    this.abort = abort;
    let stopped = (): void => undefined;
    this.running = new Promise<void>((resolve) => (stopped = resolve));
    try {
      const engine = await this.engine.ready();
      this.pool?.dispose();
      container.replaceChildren();
      const { env } = runConfigOf(run);
      const pool = new EnvPool(container, { size: env.poolSize, env: envOptionsOf(env) });
      this.pool = pool;
      const apiKey = loadApiKey();
      const done = await executeRun(
        runId,
        // An LLM teacher's key is never stored: the one entered on the Data page (this tab) serves.
        { engine, runner: pool, store: this.store, loadAsset, ...(apiKey ? { llmApiKey: apiKey } : {}) },
        { signal: abort.signal, onEvent: (event) => this.onEvent(runId, event, pace) },
      );
      this.statusMessage = finalMessage(done);
      if (done.status === 'failed' && done.error) this.error = done.error;
    } catch (error) {
      this.error = `${errorMessage(error)}${this.engine.error ? ` ${this.engine.error}` : ''}`;
      this.statusMessage = null;
    } finally {
      stopped();
      this.running = null;
      this.abort = null;
      this.activeId = null;
      this.pausing = false;
      this.progress = null;
      this.phase = null;
      await this.refresh();
      if (this.selectedId === runId) await this.select(runId);
    }
  }

  /** Adds a run's held-out curves to the chart of the selected run, or takes them off. */
  async toggleOverlay(id: string): Promise<void> {
    if (this.overlayIds.includes(id)) {
      this.overlayIds = this.overlayIds.filter((other) => other !== id);
      this.overlay = this.overlay.filter((entry) => entry.id !== id);
      return;
    }
    const run = this.runs.find((r) => r.id === id);
    if (!run) return;
    this.overlayIds = [...this.overlayIds, id];
    try {
      const metrics = await this.store.metrics(id, 'eval');
      if (this.overlayIds.includes(id)) this.overlay = [...this.overlay, { id, name: run.name, metrics }];
    } catch (error) {
      this.error = `Could not read the curves of "${run.name}": ${errorMessage(error)}`;
      this.overlayIds = this.overlayIds.filter((other) => other !== id);
    }
  }

  /** The run saves a checkpoint after its current step and stops, 'paused'. */
  pause(): void {
    if (!this.abort) return;
    this.pausing = true;
    this.statusMessage = 'Pausing after the current step (a checkpoint is saved)…';
    this.abort.abort();
  }

  async remove(id: string): Promise<void> {
    if (id === this.activeId) return;
    try {
      await this.store.deleteRun(id);
    } catch (error) {
      this.error = `Could not delete the run: ${errorMessage(error)}`;
    }
    if (this.selectedId === id) {
      this.selectedId = null;
      this.metrics = [];
    }
    await this.load();
  }

  /** Downloads the runs (all of them when `ids` is empty) as the results JSON, or their metrics as CSV. */
  async exportRuns(ids: readonly string[], format: 'json' | 'csv'): Promise<void> {
    try {
      // The engine of the page that exports: runs trained here on another engine are not told apart.
      const info = this.engine.info;
      const environment = info ? { adapter: info.adapter, engine: info.backend } : {};
      const runIds = ids.length ? ids : this.runs.map((run) => run.id);
      const stored = await exportResults(this.store, runIds, environment);
      // A run cut off while running is stored as 'running'; exported so, it would claim to be going on. It
      // resumes from its last checkpoint exactly as a paused run does, so that is what the file says.
      const results = {
        ...stored,
        runs: stored.runs.map((entry) =>
          this.isInterrupted(entry.run)
            ? { ...entry, run: { ...entry.run, status: 'paused' as const } }
            : entry,
        ),
      };
      downloadResults(results, format);
    } catch (error) {
      this.error = `The export failed: ${errorMessage(error)}`;
    }
  }

  /**
   * Pauses the run in flight and resolves once it has saved a checkpoint after its step; only then
   * are its pages freed (and may the caller free the engine: a step cut off inside the engine would
   * never end, and the run would stay 'running').
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.abort?.abort();
    await this.running;
    this.pool?.dispose();
    this.pool = null;
  }

  private onEvent(runId: string, event: RunEvent, pace: RunPace): void {
    if (this.disposed) return;
    switch (event.type) {
      case 'status':
        this.statusMessage = event.message;
        this.runs = this.runs.map((run) => (run.id === runId ? { ...run, status: event.status } : run));
        return;
      case 'progress':
        // A finished batch of episodes leaves no bar behind: the phase's bar says where the run is.
        this.progress =
          event.done < event.total
            ? { what: event.what, done: event.done, total: event.total, etaMs: event.etaMs }
            : null;
        return;
      case 'metric': {
        if (this.selectedId === runId) this.metrics = withMetric(this.metrics, event.metric);
        const phase = pace.onRow(event.metric);
        if (phase === null) return;
        this.phase = phase;
        this.statusMessage = phaseMessage(phase);
        // The run table follows each step; the stored record catches up at the next checkpoint.
        const { step, compute, wallMs } = event.metric;
        this.runs = this.runs.map((run) =>
          run.id === runId
            ? {
                ...run,
                state: {
                  ...run.state,
                  step,
                  phase: event.metric.phase,
                  wallMs,
                  compute: compute ?? run.state.compute,
                },
              }
            : run,
        );
        return;
      }
      case 'checkpoint':
        this.lastCheckpoint = event.step;
        // The stored record now holds the state after this step: the list shows its step and FLOPs.
        void this.refresh();
        return;
      case 'episode':
        this.lastEpisode = event.result;
        return;
      case 'notice':
        this.notices = [...this.notices.slice(-4), event.message];
        return;
    }
  }
}

/** The rows with `metric` in its place: a resume recomputes rows after its checkpoint, replacing them. */
export function withMetric(rows: readonly MetricRecord[], metric: MetricRecord): MetricRecord[] {
  const kept = rows.filter((row) => !(row.kind === metric.kind && row.step === metric.step));
  const index = kept.findIndex(
    (row) => row.step > metric.step || (row.step === metric.step && row.kind === 'eval'),
  );
  return index === -1 ? [...kept, metric] : [...kept.slice(0, index), metric, ...kept.slice(index)];
}

/** "SFT step 12 of 200 · 1.4 s per step · ETA 4 min" */
export function phaseMessage(phase: PhaseProgress): string {
  const per = phase.unit.split(' ')[1];
  const ms = phase.msPerStep;
  const pace =
    ms === null ? null : `${ms < 10_000 ? (ms / 1000).toFixed(1) + ' s' : formatDuration(ms)} per ${per}`;
  const eta = phase.etaMs === null ? null : `ETA ${formatDuration(phase.etaMs)}`;
  return [`${phase.unit} ${phase.done} of ${phase.total}`, pace, eta]
    .filter((part) => part !== null)
    .join(' · ');
}

function finalMessage(run: RunRecord): string {
  switch (run.status) {
    case 'finished':
      return 'The run finished.';
    case 'paused':
      return `Paused at step ${run.state.step}: Resume continues from the last checkpoint.`;
    case 'failed':
      return 'The run failed.';
    default:
      return `The run stopped (${run.status}).`;
  }
}
