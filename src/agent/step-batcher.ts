import type { PolicyStep } from '../env/episode.ts';

/** One step waiting for its batch: what the batch needs of it, and how to answer it. */
export interface WaitingStep {
  readonly resolve: (step: PolicyStep) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the steps of the K episodes an env pool has in flight into batches for one model call:
 * a batch goes when `batchSize` steps wait, or when no new step came for `flushAfterMs`. One batch
 * is served at a time (the engine is one model); steps that arrive meanwhile form the next one. A
 * batch whose call fails rejects every step in it with that error.
 */
export class StepBatcher<Step extends WaitingStep> {
  private readonly queue: Step[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private serving = false;

  constructor(
    private readonly batchSize: number,
    private readonly flushAfterMs: number,
    private readonly serve: (batch: readonly Step[]) => Promise<PolicyStep[]>,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(
        `The model policy's batchSize (the pool's K) must be a positive whole number; got ${batchSize}.`,
      );
    }
  }

  push(step: Step): void {
    this.queue.push(step);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.serving || this.queue.length === 0) return;
    if (this.queue.length >= this.batchSize) {
      void this.flush();
    } else {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.flushAfterMs);
    }
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.batchSize);
    if (batch.length === 0) return;
    this.serving = true;
    try {
      const steps = await this.serve(batch);
      if (steps.length !== batch.length) {
        throw new Error(`The model answered ${steps.length} steps for a batch of ${batch.length}.`);
      }
      batch.forEach((waiting, i) => waiting.resolve(steps[i] as PolicyStep));
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    } finally {
      this.serving = false;
      this.schedule();
    }
  }
}
