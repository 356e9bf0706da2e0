import type { Engine } from '../engine/engine.ts';
import type { ModelConfig } from '../model/config.ts';
import { createRandom } from '../core/random.ts';
import type { Example } from '../model/packing.ts';
import { trainingBatchFlops } from './compute.ts';
import type { RunConfig } from './config.ts';
import { packMicroBatches, targetTokens } from './examples.ts';
import { learningRateAt } from './schedule.ts';

/**
 * Supervised fine-tuning on teacher traces (PAPER.md, pipeline step 2): cross-entropy on the
 * teacher's output tokens (thought and action), never on the prompt. One call is one optimizer
 * step, and everything it draws comes from (run seed, step): a resumed run makes the same batches.
 */

/** Epsilon of AdamW (not a knob of the paper). */
export const ADAM_EPSILON = 1e-8;

export interface SftStepResult {
  loss: number;
  gradNorm: number;
  learningRate: number;
  /** The pass over the dataset this step's first example comes from (0-based). */
  epoch: number;
  examples: number;
  /** Tokens trained on (prompt and target, padding excluded). */
  tokens: number;
  /** Training FLOPs of the step (m = 3). */
  flops: number;
  /** The gradient was not finite: the model was left as it was. */
  skipped: boolean;
}

/** Steps the SFT phase takes at most: sft.steps, or fewer when sft.epochs passes over the dataset end first. */
export function sftTotalSteps(config: RunConfig, datasetSize: number): number {
  const { steps, epochs, batchSize } = config.sft;
  return Math.min(steps, Math.ceil((epochs * datasetSize) / batchSize));
}

/**
 * The examples of SFT step `step`: the dataset read in a shuffled order, a fresh shuffle each
 * epoch, seeded by the run seed and the epoch; a batch that crosses an epoch's end takes the rest
 * from the next epoch's order.
 */
export function sftBatch(
  examples: readonly Example[],
  step: number,
  batchSize: number,
  seed: number,
): { batch: Example[]; epoch: number } {
  const n = examples.length;
  if (n === 0)
    throw new Error('The SFT dataset has no examples: collect traces with successful episodes first.');
  const orders = new Map<number, number[]>();
  const orderOf = (epoch: number): number[] => {
    let order = orders.get(epoch);
    if (!order) {
      const indices = Array.from({ length: n }, (_, i) => i);
      order = createRandom(`${seed}/sft/epoch/${epoch}`).shuffle(indices);
      orders.set(epoch, order);
    }
    return order;
  };
  const first = step * batchSize;
  const batch = Array.from({ length: batchSize }, (_, j) => {
    const position = first + j;
    const epoch = Math.floor(position / n);
    return examples[orderOf(epoch)[position % n] as number] as Example;
  });
  return { batch, epoch: Math.floor(first / n) };
}

/** One SFT optimizer step (`step` counts SFT steps from 0). */
export async function sftStep(
  engine: Engine,
  examples: readonly Example[],
  step: number,
  config: RunConfig,
  model: ModelConfig,
): Promise<SftStepResult> {
  const { sft, optimizer, seed } = config;

  // 1. The batch: sft.batchSize examples of the epoch's shuffled order.
  const { batch, epoch } = sftBatch(examples, step, sft.batchSize, seed);

  // 2. The learning rate of this step (warmup, then the schedule's decay over the phase).
  const learningRate = learningRateAt(step, {
    learningRate: sft.learningRate,
    schedule: sft.schedule,
    warmupSteps: sft.warmupSteps,
    totalSteps: Math.max(1, sftTotalSteps(config, examples.length)),
  });

  // 3. Cross-entropy on target tokens only (prompt positions weigh 0), the mean over the step's
  //    target tokens even when the step is split into micro-batches.
  const microBatches = packMicroBatches(batch, {
    context: model.context,
    packing: sft.packing,
    normaliser: targetTokens(batch),
  });

  // 4. One AdamW step on the whole batch.
  const result = await engine.trainStep(
    microBatches.map(({ packed }) => packed.batch),
    {
      learningRate,
      beta1: optimizer.beta1,
      beta2: optimizer.beta2,
      epsilon: ADAM_EPSILON,
      weightDecay: optimizer.weightDecay,
      maxGradNorm: optimizer.maxGradNorm,
    },
  );

  return {
    loss: result.loss,
    gradNorm: result.gradNorm,
    learningRate,
    epoch,
    examples: batch.length,
    tokens: microBatches.reduce((sum, { packed }) => sum + packed.tokens, 0),
    flops: microBatches.reduce((sum, { packed }) => sum + trainingBatchFlops(model, packed.batch), 0),
    skipped: result.skipped,
  };
}
