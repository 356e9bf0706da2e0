import { tokenTerm, type TokenLossOptions } from '../../model/reference/loss.ts';

/**
 * The fast CPU engine's loss head: the per-token loss of model/reference/loss.ts on float32
 * logits, with per-row sums in float64. One pass per row gives the log-sum-exp at the temperature,
 * the token's log-probability, the row's loss and, when training, its gradient, so the engine
 * never keeps the probabilities [N, V]:
 *   log p_n = log softmax(logits_n / T)[y_n]
 *   loss_n = -w_n log p_n, or with old log-probabilities PPO's -min(rho w_n, clip(rho) w_n)
 *   loss = sum_n loss_n / normaliser
 *   dlogits_n = g_n / (normaliser T) * (softmax(logits_n / T) - onehot(y_n))   (g_n of loss.ts)
 *   logProbs_n = log p_n for every token
 */

export interface LossHeadResult {
  readonly loss: number;
  /** [N] log p(y_n) at the temperature, for every token. */
  readonly logProbs: Float64Array;
}

/** logits [N, V]; targets, weights [N]; dlogits [N, V] (overwritten) or null for no gradient. */
export function lossHead(
  logits: Float32Array,
  targets: Int32Array,
  weights: ArrayLike<number>,
  options: TokenLossOptions,
  normaliser: number,
  N: number,
  V: number,
  dlogits: Float32Array | null,
): LossHeadResult {
  const { temperature, oldLogProbs, clipEpsilon } = options;
  const inverse = 1 / temperature;
  const logProbs = new Float64Array(N);
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const row = n * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[row + v]! * inverse);
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[row + v]! * inverse - max);
    const logSumExp = max + Math.log(sum);
    const target = targets[n]!;
    logProbs[n] = logits[row + target]! * inverse - logSumExp;
    const w = weights[n]!;
    let g = 0;
    if (w !== 0) {
      const term = tokenTerm(logProbs[n]!, w, oldLogProbs?.[n] ?? null, clipEpsilon);
      loss += term.loss;
      g = term.gradWeight;
    }
    if (dlogits === null) continue;
    if (g === 0) {
      dlogits.fill(0, row, row + V);
      continue;
    }
    const scale = (g * inverse) / normaliser;
    for (let v = 0; v < V; v++) dlogits[row + v] = scale * Math.exp(logits[row + v]! * inverse - logSumExp);
    dlogits[row + target] = dlogits[row + target]! - scale;
  }
  return { loss: loss / normaliser, logProbs };
}
