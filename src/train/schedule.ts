/**
 * Learning-rate schedules of both phases (RunConfig.sft.schedule, warmupSteps). The paper sweeps
 * only the learning rate itself (`learningRate`, PAPER.md table) and does not state a schedule; the
 * lab offers the usual ones. Decay ends at a tenth of the peak rather than 0 so the last steps of a
 * budget still move the model (a branch point late in SFT is then not a frozen model).
 */

export interface ScheduleOptions {
  readonly learningRate: number;
  readonly schedule: 'constant' | 'cosine' | 'linear';
  readonly warmupSteps: number;
  readonly totalSteps: number;
}

/** The fraction of the peak learning rate that decay ends at. */
const FINAL_FRACTION = 0.1;

/** step counts from 0. Linear warmup (lr * (step+1)/warmupSteps) for step < warmupSteps; then constant, or cosine / linear decay from lr to 0.1 lr at totalSteps - 1. */
export function learningRateAt(step: number, options: ScheduleOptions): number {
  const { learningRate, schedule, warmupSteps, totalSteps } = options;
  if (!Number.isInteger(step) || step < 0) throw new Error(`step must be an integer from 0 (got ${step}).`);
  if (!(learningRate > 0)) throw new Error(`learningRate must be positive (got ${learningRate}).`);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0) {
    throw new Error(`warmupSteps must be a non-negative integer (got ${warmupSteps}).`);
  }
  if (!Number.isInteger(totalSteps) || totalSteps < 1) {
    throw new Error(`totalSteps must be a positive integer (got ${totalSteps}).`);
  }

  if (step < warmupSteps) return (learningRate * (step + 1)) / warmupSteps;
  if (schedule === 'constant') return learningRate;

  // Decay runs from the first step after warmup (progress 0) to the last step (progress 1); past the
  // last step it stays at the end. With no steps left to decay over, the peak is kept up to the last step.
  const span = totalSteps - 1 - warmupSteps;
  const progress = span > 0 ? Math.min(1, (step - warmupSteps) / span) : step > totalSteps - 1 ? 1 : 0;
  const shape = schedule === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
  return learningRate * (FINAL_FRACTION + (1 - FINAL_FRACTION) * shape);
}
