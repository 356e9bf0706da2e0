import type { TokenLossOptions } from './reference/loss.ts';
import type { ModelConfig } from './config.ts';

/**
 * What the model reads: B rows of T tokens. Rows are split into segments: a token attends to
 * itself and to earlier tokens of its own segment only, and positions count from the start of its
 * segment's run. One segment per row with right padding is the plain case
 * (`segmentsFromLengths`); left padding for batched generation, and several sequences packed into
 * one row, are the same rule with other ids. The id -1 marks padding (no loss by default).
 */
export interface TokenBatch {
  /** B */
  readonly batchSize: number;
  /** T, at most the model's context. */
  readonly seqLen: number;
  /** [B, T] token ids in [0, V). */
  readonly tokens: Int32Array;
  /** [B, T] segment ids; -1 is padding. Default: every token in segment 0. */
  readonly segments?: Int32Array;
  /** [B, T] the token each position should predict, in [0, V) everywhere (padding too); needed for a loss. */
  readonly targets?: Int32Array;
  /**
   * [B, T] per-token loss weights: the SFT loss mask (1 on target tokens, 0 on the prompt) or RL
   * advantages. Default: 1 on every token that is not padding.
   */
  readonly weights?: Float32Array | Float64Array;
  /**
   * The loss is sum_t w_t * (-log p(y_t)) / normaliser. Default: the number of tokens with a
   * nonzero weight in this batch (so SFT's loss is the mean over target tokens, and RL's tokens
   * dropped by zero-advantage filtering do not dilute the rest). When one optimizer step
   * accumulates several micro-batches, pass the count over all of them.
   */
  readonly normaliser?: number;
  /**
   * RL: the loss reads log p at this temperature (the rollouts' sampling temperature), so the policy
   * it moves is the one that sampled. Default 1 (SFT).
   */
  readonly temperature?: number;
  /**
   * [B, T] log p(target) under the policy that sampled it, at `temperature` (read where the weight is
   * nonzero): the loss becomes PPO's clipped surrogate with ratio exp(log p - oldLogProbs) and
   * `clipEpsilon` (model/reference/loss.ts). Absent: the plain weighted loss.
   */
  readonly oldLogProbs?: Float32Array | Float64Array;
  readonly clipEpsilon?: number;
}

/** Segment ids for right-padded rows: 0 on the first lengths[b] tokens of row b, -1 after them. */
export function segmentsFromLengths(lengths: ArrayLike<number>, seqLen: number): Int32Array {
  const segments = new Int32Array(lengths.length * seqLen);
  for (let b = 0; b < lengths.length; b++) {
    const length = lengths[b] ?? 0;
    for (let t = 0; t < seqLen; t++) segments[b * seqLen + t] = t < length ? 0 : -1;
  }
  return segments;
}

/** [B, T] segment ids, all 0 where the batch gives none. */
export function segmentsOf(batch: TokenBatch): Int32Array {
  return batch.segments ?? new Int32Array(batch.batchSize * batch.seqLen);
}

/** [B, T] position of each token: its distance from the start of its run of equal segment ids. */
export function positionsOf(batch: TokenBatch): Int32Array {
  const { batchSize: B, seqLen: T } = batch;
  const segments = segmentsOf(batch);
  const positions = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    for (let t = 1; t < T; t++) {
      const i = b * T + t;
      positions[i] = segments[i] === segments[i - 1] ? (positions[i - 1] as number) + 1 : 0;
    }
  }
  return positions;
}

/** [B, T] loss weights: the batch's, or 1 on every token that is not padding. */
export function lossWeightsOf(batch: TokenBatch): Float64Array {
  if (batch.weights !== undefined) return Float64Array.from(batch.weights);
  return Float64Array.from(segmentsOf(batch), (segment) => (segment === -1 ? 0 : 1));
}

/** The batch's normaliser, or the number of nonzero weights (at least 1, so an empty batch gives loss 0). */
export function lossNormaliserOf(batch: TokenBatch, weights: ArrayLike<number>): number {
  if (batch.normaliser !== undefined) return batch.normaliser;
  let count = 0;
  for (let i = 0; i < weights.length; i++) if (weights[i] !== 0) count++;
  return Math.max(count, 1);
}

/** How the batch's loss reads the model: temperature, and the clipped ratio when it has old log-probabilities. */
export function tokenLossOf(batch: TokenBatch): TokenLossOptions {
  return {
    temperature: batch.temperature ?? 1,
    oldLogProbs: batch.oldLogProbs ?? null,
    clipEpsilon: batch.clipEpsilon ?? 0,
  };
}

/** Throws one error naming what is wrong with the batch for this model. */
export function validateBatch(batch: TokenBatch, config: ModelConfig): void {
  const { batchSize: B, seqLen: T } = batch;
  const problems: string[] = [];
  if (!Number.isInteger(B) || B < 1) problems.push(`batchSize must be a positive integer (got ${B})`);
  if (!Number.isInteger(T) || T < 1 || T > config.context) {
    problems.push(`seqLen must be an integer in 1..${config.context} (the model's context), got ${T}`);
  }
  const size = B * T;
  const checkLength = (name: string, array: ArrayLike<number> | undefined): void => {
    if (array !== undefined && array.length !== size) {
      problems.push(`${name} has ${array.length} entries, expected batchSize * seqLen = ${size}`);
    }
  };
  checkLength('tokens', batch.tokens);
  checkLength('segments', batch.segments);
  checkLength('targets', batch.targets);
  checkLength('weights', batch.weights);
  checkLength('oldLogProbs', batch.oldLogProbs);
  if (batch.temperature !== undefined && !(batch.temperature > 0 && Number.isFinite(batch.temperature))) {
    problems.push(`temperature must be a positive number (got ${batch.temperature})`);
  }
  if (batch.oldLogProbs !== undefined && !(batch.clipEpsilon !== undefined && batch.clipEpsilon > 0)) {
    problems.push(`a batch with oldLogProbs needs a positive clipEpsilon (got ${batch.clipEpsilon})`);
  }
  if (problems.length === 0) {
    const V = config.vocabSize;
    const badToken = batch.tokens.findIndex((token) => token < 0 || token >= V);
    if (badToken >= 0)
      problems.push(`tokens[${badToken}] = ${batch.tokens[badToken]} is outside 0..${V - 1}`);
    const badWeight = batch.weights?.findIndex((w) => !Number.isFinite(w)) ?? -1;
    if (badWeight >= 0)
      problems.push(`weights[${badWeight}] is ${batch.weights?.[badWeight]}, not a finite number`);
    if (batch.targets !== undefined) {
      const targets = batch.targets;
      const badTarget = targets.findIndex((y) => y < 0 || y >= V);
      if (badTarget >= 0) {
        problems.push(
          `targets[${badTarget}] = ${targets[badTarget]} is outside 0..${V - 1} (give padding any valid id)`,
        );
      }
    }
    if (batch.normaliser !== undefined && !(batch.normaliser > 0 && Number.isFinite(batch.normaliser))) {
      problems.push(`normaliser must be a positive number (got ${batch.normaliser})`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid token batch: ${problems.join('; ')}.`);
}
