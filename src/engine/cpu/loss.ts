/**
 * The fast CPU engine's loss head: the weighted softmax cross-entropy of model/reference/loss.ts
 * on float32 logits, with per-row sums in float64. One pass per row gives the log-sum-exp, the
 * token's log-probability, the row's loss and, when training, its gradient, so the engine never
 * keeps the probabilities [N, V]:
 *   loss = sum_n w_n * (-log p_n(y_n)) / normaliser
 *   dlogits_n = w_n / normaliser * (softmax(logits_n) - onehot(y_n))   (0 where w_n = 0)
 *   logProbs_n = log p_n(y_n) for every token (RL's old-policy log-probabilities)
 */

export interface LossHeadResult {
  readonly loss: number;
  /** [N] log p(y_n) for every token. */
  readonly logProbs: Float64Array;
}

/** logits [N, V]; targets, weights [N]; dlogits [N, V] (overwritten) or null for no gradient. */
export function lossHead(
  logits: Float32Array,
  targets: Int32Array,
  weights: ArrayLike<number>,
  normaliser: number,
  N: number,
  V: number,
  dlogits: Float32Array | null,
): LossHeadResult {
  const logProbs = new Float64Array(N);
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const row = n * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[row + v]!);
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[row + v]! - max);
    const logSumExp = max + Math.log(sum);
    const target = targets[n]!;
    logProbs[n] = logits[row + target]! - logSumExp;
    const w = weights[n]!;
    if (w !== 0) loss -= w * logProbs[n]!;
    if (dlogits === null) continue;
    if (w === 0) {
      dlogits.fill(0, row, row + V);
      continue;
    }
    const scale = w / normaliser;
    for (let v = 0; v < V; v++) dlogits[row + v] = scale * Math.exp(logits[row + v]! - logSumExp);
    dlogits[row + target] = dlogits[row + target]! - scale;
  }
  return { loss: loss / normaliser, logProbs };
}
