import { EnvPool } from '../env/pool.ts';
import type { RunRecord, SweepRecord } from '../store/records.ts';
import { plural, type LabStore } from '../store/store.ts';
import { planSweep } from '../sweep/plan.ts';
import { ProgressTracker, type SweepProgress } from '../sweep/progress.ts';
import { cancelSweep, type SweepEnvironment } from '../sweep/queue.ts';
import { parseSweepSpec, sweepIdOf } from '../sweep/spec.ts';
import { createSweep, planOfSweep, runSweep } from '../sweep/sweeps.ts';
import type { SweepPlan } from '../sweep/types.ts';
import { runConfigOf } from '../train/config.ts';
import { exportResults } from '../train/results-file.ts';
import { envOptionsOf, type RunEnvironment } from '../train/run-environment.ts';
import { loadApiKey } from './data-settings.ts';
import type { EngineSession } from './engine-session.svelte.ts';
import { errorMessage, loadAsset } from './lab-format.ts';
import { downloadResults } from './results-export.ts';

/** The specs that ship in configs/ (sweep-*.json), by file name. */
export const SHIPPED_SPECS: Record<string, unknown> = Object.fromEntries(
  Object.entries(
    import.meta.glob<unknown>('../../configs/sweep-*.json', { eager: true, import: 'default' }),
  ).map(([path, spec]) => [path.replace(/^.*\//, ''), spec]),
);

/** The spec box's reading: the plan, or why there is none (the message names the field). */
export type SpecCheck = { plan: SweepPlan; error: null } | { plan: null; error: string };

/** Parses and plans the text of the spec box, as createSweep will. */
export function checkSpecText(text: string): SpecCheck {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { plan: null, error: `The spec is not JSON: ${errorMessage(error)}` };
  }
  try {
    const spec = parseSweepSpec(json);
    return { plan: planSweep(spec, sweepIdOf(spec)), error: null };
  } catch (error) {
    return { plan: null, error: errorMessage(error) };
  }
}

/**
 * The Sweeps page's work: the spec being written (checked and planned as it is typed), the stored
 * sweeps, and at most one sweep running in this page, one run at a time on the page's engine (the
 * page has one engine worker; the CLI's --parallel runs several). Its progress is read back from the
 * stored runs, so after a reload the sweep shows where it stands; one the store still calls
 * 'running' with nothing running here was cut off, and Resume goes on from each run's checkpoint.
 */
export class SweepSession {
  specText = $state('');
  readonly check: SpecCheck = $derived(checkSpecText(this.specText));
  sweeps = $state.raw<SweepRecord[]>([]);
  selectedId = $state<string | null>(null);
  /** The selected sweep's plan and progress (from the store, then live while it runs here). */
  plan = $state.raw<SweepPlan | null>(null);
  progress = $state.raw<SweepProgress | null>(null);
  /** The sweep running in this page. */
  activeId = $state<string | null>(null);
  statusMessage = $state<string | null>(null);
  error = $state<string | null>(null);
  pausing = $state(false);

  readonly selected = $derived(this.sweeps.find((sweep) => sweep.id === this.selectedId) ?? null);
  /** Why Start cannot be pressed now, or null. */
  readonly startBlocked = $derived(
    this.activeId !== null ? 'A sweep is running: pause it first.' : this.check.error,
  );

  private abort: AbortController | null = null;
  private running: Promise<void> | null = null;
  private pool: EnvPool | null = null;
  private disposed = false;

  constructor(
    readonly store: LabStore,
    readonly engine: EngineSession,
  ) {}

  async load(): Promise<void> {
    await this.refresh();
    const id = this.selectedId ?? this.sweeps[0]?.id ?? null;
    if (id) await this.select(id);
  }

  async refresh(): Promise<void> {
    try {
      const sweeps = await this.store.listSweeps();
      if (!this.disposed) this.sweeps = sweeps;
    } catch (error) {
      this.error = `Could not read the stored sweeps: ${errorMessage(error)}`;
    }
  }

  /** Shows a stored sweep: its planned runs and how far each has come. */
  async select(id: string): Promise<void> {
    this.selectedId = id;
    const sweep = this.sweeps.find((s) => s.id === id) ?? (await this.store.getSweep(id));
    if (!sweep) return;
    try {
      const plan = planOfSweep(sweep);
      const tracker = new ProgressTracker(
        plan.runs.map((planned) => ({ planned, role: 'own' })),
        Date.now,
      );
      for (const planned of plan.runs) {
        const run = await this.store.getRun(planned.runId);
        if (run) tracker.fromRecord(run);
      }
      if (this.selectedId !== id || this.disposed) return;
      this.plan = plan;
      // A sweep running here reports its own progress, which this reading of the store must not overwrite.
      if (id !== this.activeId) this.progress = tracker.snapshot();
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  /** Stored 'running', but not running here: a reload or a crash cut it off. */
  isInterrupted(sweep: SweepRecord): boolean {
    return sweep.status === 'running' && sweep.id !== this.activeId;
  }

  canResume(sweep: SweepRecord): boolean {
    return (
      this.activeId === null &&
      (['created', 'paused', 'failed'].includes(sweep.status) || this.isInterrupted(sweep))
    );
  }

  /** Stores the spec's sweep (or finds it, for a spec already started) and runs it, its pages shown in `container`. */
  async start(container: HTMLElement): Promise<void> {
    if (this.startBlocked !== null) return;
    let sweep: SweepRecord;
    try {
      sweep = await createSweep(this.store, JSON.parse(this.specText));
    } catch (error) {
      this.error = errorMessage(error);
      return;
    }
    await this.refresh();
    await this.execute(sweep.id, container);
  }

  /** Runs (or resumes) a stored sweep until it finishes, fails or is paused. */
  execute(sweepId: string, container: HTMLElement): Promise<void> {
    if (this.running) return this.running;
    this.running = this.runHere(sweepId, container).finally(() => (this.running = null));
    return this.running;
  }

  /** The runs in flight save a checkpoint after their step and stop; the sweep is 'paused'. */
  pause(): void {
    if (!this.abort) return;
    this.pausing = true;
    this.statusMessage = 'Pausing after the current step (a checkpoint is saved)…';
    this.abort.abort();
  }

  /** Stops the sweep for good (pausing it first if it runs here); its runs stay as they are. */
  async cancel(sweepId: string): Promise<void> {
    if (this.activeId === sweepId) {
      this.pause();
      await this.running;
    }
    try {
      await cancelSweep(this.store, sweepId);
      this.statusMessage = 'The sweep was cancelled; its runs are kept.';
    } catch (error) {
      this.error = errorMessage(error);
    }
    await this.refresh();
  }

  /**
   * The sweep's stored runs (finished or not) as the results file the Results page exports, with the
   * sweep's spec: another lab imports it on its Results page.
   */
  async exportSweep(sweepId: string): Promise<void> {
    this.error = null;
    try {
      const runs = (await this.store.listRuns()).filter((run) => run.lineage.sweepId === sweepId);
      if (runs.length === 0) {
        this.error = 'This sweep has no stored runs yet, so there is nothing to export: start it first.';
        return;
      }
      const results = await exportResults(
        this.store,
        runs.map((run) => run.id),
      );
      downloadResults(results, 'json');
      this.statusMessage = `Exported ${plural(runs.length, 'run')} of the sweep as a results file.`;
    } catch (error) {
      this.error = `The export failed: ${errorMessage(error)}`;
    }
  }

  /**
   * Pauses the sweep in flight and resolves once its runs have saved a checkpoint after their step
   * and it is stored 'paused'; only then are its pages freed (and may the caller free the engine: a
   * step cut off inside the engine would never end, and the sweep would stay 'running').
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.abort?.abort();
    await this.running?.catch(() => undefined);
    this.pool?.dispose();
    this.pool = null;
  }

  private async runHere(sweepId: string, container: HTMLElement): Promise<void> {
    this.error = null;
    this.pausing = false;
    this.statusMessage = 'Starting the engine…';
    await this.select(sweepId);
    this.activeId = sweepId;
    const abort = new AbortController();
    this.abort = abort;
    try {
      const engine = await this.engine.ready();
      const apiKey = loadApiKey();
      const slots: SweepEnvironment = {
        store: this.store,
        slot: (_index, run) => Promise.resolve(this.environment(engine, run, container, apiKey)),
      };
      this.statusMessage = 'The sweep is running.';
      const outcome = await runSweep(sweepId, slots, abort, {
        onProgress: (progress) => {
          if (!this.disposed) this.progress = progress;
        },
        onRunEvent: (_runId, event) => {
          if (event.type === 'status' && event.status === 'running') void this.refresh();
        },
      });
      this.statusMessage = outcome.message;
      if (outcome.status === 'failed') this.error = outcome.message;
    } catch (error) {
      this.error = `${errorMessage(error)}${this.engine.error ? ` ${this.engine.error}` : ''}`;
      this.statusMessage = null;
    } finally {
      this.abort = null;
      this.activeId = null;
      this.pausing = false;
      await this.refresh();
    }
  }

  /** A run's environment: the page's engine and an iframe pool built with the run's env settings. */
  private environment(
    engine: RunEnvironment['engine'],
    run: RunRecord,
    container: HTMLElement,
    apiKey: string | null,
  ): RunEnvironment {
    this.pool?.dispose();
    container.replaceChildren();
    const { env } = runConfigOf(run);
    this.pool = new EnvPool(container, { size: env.poolSize, env: envOptionsOf(env) });
    return {
      engine,
      runner: this.pool,
      store: this.store,
      loadAsset,
      // An LLM teacher's key is never stored: the one entered on the Data page (this tab) serves.
      ...(apiKey ? { llmApiKey: apiKey } : {}),
    };
  }
}
