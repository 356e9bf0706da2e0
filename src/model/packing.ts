import type { TokenBatch } from './batch.ts';

/**
 * Examples into the engine's TokenBatch, for both phases (PAPER.md, pipeline steps 2 and 4). An
 * example is one step of an episode: the prompt (observation + history) and the target (the
 * chain-of-thought and action the teacher or the student wrote). SFT's cross-entropy is on the
 * target tokens only, so prompt predictions get weight 0; RL puts each target token's advantage
 * (with its sampling log-probability for the clipped ratio) where SFT puts 1. Packing (`sft.packing`) fills rows of
 * the context with several examples, kept apart by segments, so short steps do not pay for padding.
 */

export interface Example {
  readonly prompt: ArrayLike<number>;
  readonly target: ArrayLike<number>;
  /** per target token; default 1 (SFT); RL passes advantages */
  readonly weights?: ArrayLike<number>;
  /** per target token: log p under the policy that sampled it (RL, for the clipped importance ratio) */
  readonly oldLogProbs?: ArrayLike<number>;
}

export interface PackedBatch {
  batch: TokenBatch;
  /** tokens holding a sequence (not padding) */
  tokens: number;
  /** per example: row, first column, length in the batch */
  placements: { row: number; start: number; length: number }[];
}

/**
 * Each example is the sequence x = prompt ++ target; the model reads x[0..n-2] and predicts x[1..n-1]; the weight of the
 * position that predicts target token j is weights[j] (so the first target token is predicted from the prompt's last
 * token), 0 on prompt predictions. With packing, examples are placed first-fit (in the given order) into rows of
 * `seqLen` columns, each example its own segment (src/model/batch.ts: segments keep them apart and restart positions);
 * without it, one example per row. seqLen = the longest row's length (never more than options.context). Padding:
 * segment -1, token PADDING, target 0, weight 0. An example longer than context+1 tokens throws (say which and how long).
 * normaliser is left undefined (the engine counts nonzero weights) unless options.normaliser is given.
 * With options.oldLogProbs every example's oldLogProbs go where its weights go (0 elsewhere).
 */
export function packExamples(
  examples: readonly Example[],
  options: { context: number; packing: boolean; padding: number; normaliser?: number; oldLogProbs?: boolean },
): PackedBatch {
  const { context, packing, padding } = options;
  if (!Number.isInteger(context) || context < 1) {
    throw new Error(`context must be a positive integer (got ${context}).`);
  }
  if (examples.length === 0) throw new Error('No examples to put in a batch: give at least one.');
  const lengths = examples.map((example, i) => {
    const { prompt, target, weights } = example;
    if (prompt.length === 0) {
      throw new Error(
        `Example ${i} has an empty prompt: the first target token is predicted from the prompt's last token, ` +
          'so start the prompt with at least one token.',
      );
    }
    if (target.length === 0)
      throw new Error(`Example ${i} has no target tokens: there is nothing to learn from it.`);
    if (weights !== undefined && weights.length !== target.length) {
      throw new Error(
        `Example ${i} has ${weights.length} weights for ${target.length} target tokens: give one per target token.`,
      );
    }
    if (options.oldLogProbs && example.oldLogProbs?.length !== target.length) {
      throw new Error(
        `Example ${i} has ${example.oldLogProbs?.length ?? 'no'} old log-probabilities for ${target.length} target ` +
          'tokens: the importance ratio needs one per target token.',
      );
    }
    const total = prompt.length + target.length;
    if (total > context + 1) {
      throw new Error(
        `Example ${i} has ${total} tokens (prompt ${prompt.length} + target ${target.length}); ` +
          `the model reads at most ${context} (context + 1 with the last one only predicted). ` +
          'Truncate its prompt or use a model with a longer context.',
      );
    }
    // The last token is only predicted, never read.
    return total - 1;
  });

  const rowLengths: number[] = [];
  const placements = lengths.map((length) => {
    const row = packing ? rowLengths.findIndex((used) => used + length <= context) : -1;
    if (row === -1) {
      rowLengths.push(length);
      return { row: rowLengths.length - 1, start: 0, length };
    }
    const start = rowLengths[row] as number;
    rowLengths[row] = start + length;
    return { row, start, length };
  });

  const batchSize = rowLengths.length;
  const seqLen = Math.max(...rowLengths);
  const size = batchSize * seqLen;
  const tokens = new Int32Array(size).fill(padding);
  const segments = new Int32Array(size).fill(-1);
  const targets = new Int32Array(size);
  const weightsOut = new Float64Array(size);
  const oldLogProbsOut = options.oldLogProbs ? new Float64Array(size) : null;
  const segmentsInRow = new Array<number>(batchSize).fill(0);
  examples.forEach(({ prompt, target, weights, oldLogProbs }, i) => {
    const { row, start, length } = placements[i] as { row: number; start: number; length: number };
    const segment = segmentsInRow[row] as number;
    segmentsInRow[row] = segment + 1;
    const token = (k: number): number =>
      (k < prompt.length ? prompt[k] : target[k - prompt.length]) as number;
    const offset = row * seqLen + start;
    for (let k = 0; k < length; k++) {
      tokens[offset + k] = token(k);
      segments[offset + k] = segment;
      targets[offset + k] = token(k + 1);
      const j = k + 1 - prompt.length;
      if (j < 0) continue;
      weightsOut[offset + k] = weights === undefined ? 1 : (weights[j] as number);
      if (oldLogProbsOut) oldLogProbsOut[offset + k] = oldLogProbs![j] as number;
    }
  });

  const batch: TokenBatch = {
    batchSize,
    seqLen,
    tokens,
    segments,
    targets,
    weights: weightsOut,
    ...(oldLogProbsOut ? { oldLogProbs: oldLogProbsOut } : {}),
    ...(options.normaliser !== undefined ? { normaliser: options.normaliser } : {}),
  };
  return { batch, tokens: lengths.reduce((sum, n) => sum + n, 0), placements };
}

/** The [B, T] per-position values of a batch gathered back per example target token (e.g. logProbs from engine.logProbs): out[i][j] is the value at the position predicting target token j of example i. */
export function gatherTargetValues(
  packed: PackedBatch,
  examples: readonly Example[],
  values: ArrayLike<number>,
): Float64Array[] {
  const { batchSize, seqLen } = packed.batch;
  if (values.length !== batchSize * seqLen) {
    throw new Error(
      `Got ${values.length} values for a batch of ${batchSize} x ${seqLen} = ${batchSize * seqLen} positions: ` +
        'pass the values computed on this packed batch.',
    );
  }
  if (examples.length !== packed.placements.length) {
    throw new Error(
      `Got ${examples.length} examples for a batch packed from ${packed.placements.length}: pass the same examples.`,
    );
  }
  return examples.map(({ prompt, target }, i) => {
    const { row, start, length } = packed.placements[i] as { row: number; start: number; length: number };
    if (length !== prompt.length + target.length - 1) {
      throw new Error(
        `Example ${i} is not the one packed at placement ${i}: pass the same examples in the same order.`,
      );
    }
    const first = row * seqLen + start + prompt.length - 1;
    return Float64Array.from({ length: target.length }, (_, j) => values[first + j] as number);
  });
}
