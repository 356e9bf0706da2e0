import type { RunRecord, SweepRecord, SweepStatus } from '../store/records.ts';
import { StoreFullError, type LabStore } from '../store/store.ts';
import type { RunEvent } from '../train/run-book.ts';
import type { RunControl, RunEnvironment } from '../train/run-environment.ts';
import { createRun, executeRun } from '../train/run.ts';
import { ProgressTracker, type SweepProgress } from './progress.ts';
import { shardRuns, type Shard } from './shards.ts';
import type { PlannedRun, SweepPlan } from './types.ts';

/**
 * The sweep's queue, kept in the store and nowhere else: the runs of the plan (or of one shard's
 * share) are stored under their planned ids, so whatever ran before (a reload, a crash, another
 * call) is found, not repeated. Each call of `runSweepPlan` creates the runs the store lacks, skips
 * the finished ones and executes the rest, parents first: a branched run starts once its parent's
 * checkpoint at the branch step exists. A run cut off earlier resumes from its last checkpoint
 * (executeRun), so no metric row or checkpoint is written twice.
 *
 * Pausing (the control's signal) lets the runs in flight finish their step and save a checkpoint;
 * a full store (StoreFullError) pauses the sweep the same way, with its message. A run that fails
 * for another reason (a diverged learning rate is a result of the sweep, not a bug) is noted and
 * the others go on; the sweep then ends 'failed', naming them, and running it again retries them
 * from their last checkpoints.
 */

export interface SweepEnvironment {
  readonly store: LabStore;
  /**
   * The engine and episode runner of slot `index` (0 to parallel - 1) for `run`: each run in flight
   * needs a model of its own, and a runner built with its env settings (envOptionsOf). Asked for when
   * a slot takes a run; the caller owns and closes what it gives.
   */
  slot(index: number, run: RunRecord): Promise<RunEnvironment>;
}

/** One slot that every run takes in turn. */
export function oneSlot(env: RunEnvironment): SweepEnvironment {
  return { store: env.store, slot: () => Promise.resolve(env) };
}

export interface SweepRunOptions {
  /** Run only this shard's share (shards.ts); the whole plan without it. */
  shard?: Shard;
  /** Runs in flight at once (default 1), each on its own slot of the environment. */
  parallel?: number;
  onProgress?: (progress: SweepProgress) => void;
  /** Every run's own events (its curves, episodes, notices), with its id. */
  onRunEvent?: (runId: string, event: RunEvent) => void;
  /** After each run of this share finishes (not a prerequisite): e.g. write its results file. */
  onRunFinished?: (run: RunRecord) => Promise<void> | void;
  now?: () => number;
}

export interface SweepOutcome {
  status: SweepStatus;
  /** What happened, in words for the user: why it paused, which runs failed. */
  message: string;
  /** This share's own runs, in plan order: what it counts and exports (prerequisites left out). */
  ownRunIds: string[];
  progress: SweepProgress;
}

/** Runs the plan's sweep (its record must be stored) until every run of the share finishes, or it pauses. */
export async function runSweepPlan(
  plan: SweepPlan,
  env: SweepEnvironment,
  control: Pick<RunControl, 'signal'> = {},
  options: SweepRunOptions = {},
): Promise<SweepOutcome> {
  const { store } = env;
  const record = await store.getSweep(plan.sweepId);
  if (!record) throw new Error(`No sweep ${plan.sweepId} in the store: create it first (createSweep).`);
  if (record.status === 'cancelled') {
    throw new Error(
      `Sweep ${record.name} was cancelled; its runs are kept. Start a new one (another name or seed) to go on.`,
    );
  }
  const parallel = options.parallel ?? 1;
  if (!Number.isSafeInteger(parallel) || parallel < 1) {
    throw new Error(`parallel is ${parallel}: run 1 or more runs at once.`);
  }
  const share = options.shard
    ? shardRuns(plan, options.shard.index, options.shard.count)
    : { owned: plan.runs, prerequisites: [] };
  const own = new Set(share.owned.map((run) => run.key));
  const needed = new Set([...own, ...share.prerequisites.map((run) => run.key)]);
  const todo = plan.runs.filter((run) => needed.has(run.key));
  const now = options.now ?? Date.now;
  const tracker = new ProgressTracker(
    todo.map((planned) => ({ planned, role: own.has(planned.key) ? 'own' : 'prerequisite' })),
    now,
  );
  const queue = new SweepQueue(plan, env, control, options, tracker, parallel, record, now, own);
  return queue.run(todo);
}

/** Stops the sweep for good: it is marked 'cancelled' and its runs stay as they are (pause first if it runs here). */
export async function cancelSweep(store: LabStore, sweepId: string): Promise<SweepRecord> {
  const record = await store.getSweep(sweepId);
  if (!record) throw new Error(`No sweep ${sweepId} in the store.`);
  const cancelled = { ...record, status: 'cancelled' as const, updatedAt: Date.now() };
  await store.putSweep(cancelled);
  return cancelled;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

class SweepQueue {
  private readonly byKey: Map<string, PlannedRun>;
  /** Aborted by the caller's signal, or by a full store: the runs in flight pause at their next step. */
  private readonly stopping = new AbortController();
  private storeFull: StoreFullError | null = null;
  private fatal: unknown = null;
  private readonly failures: string[] = [];
  /** Set by wake(): something changed since the scheduler last looked (a run ended, a checkpoint was saved). */
  private changed = false;
  private waiter: (() => void) | null = null;

  constructor(
    private readonly plan: SweepPlan,
    private readonly env: SweepEnvironment,
    private readonly control: Pick<RunControl, 'signal'>,
    private readonly options: SweepRunOptions,
    private readonly tracker: ProgressTracker,
    private readonly parallel: number,
    private record: SweepRecord,
    private readonly now: () => number,
    private readonly own: ReadonlySet<string>,
  ) {
    this.byKey = new Map(plan.runs.map((run) => [run.key, run]));
  }

  async run(todo: PlannedRun[]): Promise<SweepOutcome> {
    const { signal } = this.control;
    const onAbort = (): void => this.stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.setStatus('running', null);
      const pending = await this.stored(todo);
      await this.schedule(pending);
      return await this.outcome(
        pending,
        todo.filter((run) => this.own.has(run.key)),
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The runs not yet finished, each stored (created now if the store lacks it). */
  private async stored(todo: PlannedRun[]): Promise<PlannedRun[]> {
    const pending: PlannedRun[] = [];
    for (const planned of todo) {
      const run = (await this.env.store.getRun(planned.runId)) ?? (await this.create(planned));
      this.tracker.fromRecord(run);
      if (run.status !== 'finished') pending.push(planned);
    }
    this.report();
    return pending;
  }

  private create(planned: PlannedRun): Promise<RunRecord> {
    const parent = planned.parent ? this.byKey.get(planned.parent.key) : null;
    return createRun(this.env.store, planned.config, {
      id: planned.runId,
      name: planned.name,
      lineage: {
        sweepId: this.plan.sweepId,
        strategy: planned.strategy,
        parent: parent && planned.parent ? { runId: parent.runId, step: planned.parent.step } : null,
        sftAmount: planned.sftAmount,
        hyperparameters: planned.hyperparameters,
      },
    });
  }

  /** Fills the slots with runs whose parent checkpoint exists, in plan order, until nothing more can start. */
  private async schedule(pending: PlannedRun[]): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const freeSlots = Array.from({ length: this.parallel }, (_, index) => index).reverse();
    for (;;) {
      this.changed = false;
      while (!this.stopped && freeSlots.length > 0) {
        const next = await this.nextReady(pending);
        if (!next) break;
        pending.splice(pending.indexOf(next), 1);
        const slot = freeSlots.pop()!;
        const task: Promise<void> = this.execute(next, slot).finally(() => {
          inFlight.delete(task);
          freeSlots.push(slot);
          this.wake();
        });
        inFlight.add(task);
      }
      if (inFlight.size === 0) return;
      // Until a run ends or saves a checkpoint (a child may be ready then).
      if (!this.changed) await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = null;
    }
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted || this.fatal !== null;
  }

  private async nextReady(pending: PlannedRun[]): Promise<PlannedRun | null> {
    for (const planned of pending) {
      if (!planned.parent) return planned;
      const parent = this.byKey.get(planned.parent.key)!;
      const steps = await this.env.store.listCheckpoints(parent.runId);
      if (steps.some((checkpoint) => checkpoint.step === planned.parent!.step)) return planned;
    }
    return null;
  }

  private async execute(planned: PlannedRun, slot: number): Promise<void> {
    const { runId } = planned;
    let run: RunRecord;
    try {
      const stored = await this.env.store.getRun(runId);
      if (!stored) throw new Error(`Run ${runId} has gone from the store while the sweep ran.`);
      const env = await this.env.slot(slot, stored);
      this.tracker.status(runId, 'running');
      this.report();
      run = await executeRun(runId, env, {
        signal: this.stopping.signal,
        onEvent: (event) => this.onRunEvent(runId, event),
      });
    } catch (error) {
      if (error instanceof StoreFullError) {
        this.storeFull ??= error;
        this.stop();
        await this.markPaused(runId, error.message);
      } else {
        this.failures.push(`${planned.name} (${planned.key}): ${messageOf(error)}`);
        this.tracker.status(runId, 'failed');
        this.report();
      }
      return;
    }
    this.tracker.fromRecord(run);
    this.report();
    // A run paused that nobody asked to pause (its pages were closed): the sweep pauses with it.
    if (run.status === 'paused') this.stop();
    if (run.status !== 'finished' || !this.own.has(planned.key)) return;
    try {
      await this.options.onRunFinished?.(run);
    } catch (error) {
      // The caller's own step (writing a results file): the sweep cannot go on as asked.
      this.fatal ??= error;
      this.wake();
    }
  }

  private onRunEvent(runId: string, event: RunEvent): void {
    if (event.type === 'metric') this.tracker.flops(runId, event.metric.flops);
    else if (event.type === 'status') this.tracker.status(runId, event.status);
    if (event.type === 'metric' || event.type === 'status') this.report();
    if (event.type === 'checkpoint') this.wake();
    this.options.onRunEvent?.(runId, event);
  }

  /** A run stopped by a full store was left 'running' or 'failed': it is paused, and resumes like one. */
  private async markPaused(runId: string, message: string): Promise<void> {
    const run = await this.env.store.getRun(runId).catch(() => undefined);
    if (run && run.status !== 'finished') {
      await this.env.store
        .putRun({ ...run, status: 'paused', error: message, updatedAt: this.now() })
        .catch(() => undefined);
    }
    this.tracker.status(runId, 'paused');
  }

  private async outcome(pending: PlannedRun[], own: PlannedRun[]): Promise<SweepOutcome> {
    const ownRunIds = own.map((run) => run.runId);
    const progress = this.tracker.snapshot();
    if (this.fatal !== null) {
      await this.setStatus('failed', messageOf(this.fatal)).catch(() => undefined);
      throw this.fatal;
    }
    // A pause asked for as the last run finished leaves nothing to resume.
    const stoppedEarly =
      this.stopping.signal.aborted && progress.runs.some((run) => run.status !== 'finished');
    let status: SweepStatus;
    let message: string;
    if (this.storeFull) {
      status = 'paused';
      message = this.storeFull.message;
    } else if (stoppedEarly) {
      status = 'paused';
      message = `Paused with ${progress.finished} of ${progress.total} runs finished: resuming goes on from each run's last checkpoint.`;
    } else if (this.failures.length > 0 || pending.length > 0) {
      status = 'failed';
      const blocked = pending.map(
        (run) => `${run.name} (its parent ${run.parent?.key} has no checkpoint at step ${run.parent?.step})`,
      );
      message =
        [
          this.failures.length ? `${this.failures.length} run(s) failed: ${this.failures.join('; ')}.` : '',
          blocked.length ? `${blocked.length} run(s) could not start: ${blocked.join('; ')}.` : '',
        ]
          .filter(Boolean)
          .join(' ') + ' Resuming the sweep retries them from their last checkpoints.';
    } else {
      status = 'finished';
      message = `Finished: ${progress.total} runs.`;
    }
    await this.setStatus(status, status === 'finished' ? null : message).catch((error: unknown) => {
      // The store is full: the outcome still says why the sweep stopped.
      if (!(error instanceof StoreFullError)) throw error;
    });
    const cancelled = this.record.status === 'cancelled';
    return { status: cancelled ? 'cancelled' : status, message, ownRunIds, progress };
  }

  /** Saves the sweep's status, unless it was cancelled meanwhile (cancel wins over a pause that was under way). */
  private async setStatus(status: SweepStatus, error: string | null): Promise<void> {
    const current = (await this.env.store.getSweep(this.record.id)) ?? this.record;
    if (current.status === 'cancelled') {
      this.record = current;
      return;
    }
    this.record = { ...current, status, error, updatedAt: this.now() };
    await this.env.store.putSweep(this.record);
  }

  private wake(): void {
    this.changed = true;
    this.waiter?.();
  }

  private stop(): void {
    if (!this.stopping.signal.aborted) this.stopping.abort();
    this.wake();
  }

  private report(): void {
    this.options.onProgress?.(this.tracker.snapshot());
  }
}
