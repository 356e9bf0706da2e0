import { tokenTerm, type TokenLossOptions } from '../../model/reference/loss.ts';
import { floatBits, type CpuRuntime } from './runtime.ts';

/**
 * The fast CPU engine's loss head: the per-token loss of model/reference/loss.ts on float32
 * logits. The row kernels (kernels-loss.ts, on the threads) give each row's max and sum of exps,
 * then, when training, its gradient; the per-row scalars between (log-sum-exp, the token's
 * log-probability and loss term) are computed here in float64. The engine never keeps the
 * probabilities [N, V]:
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

/**
 * logits [N, V], dlogits [N, V] (overwritten) or null for no gradient, in the runtime's memory
 * (and 2N floats of room left there); targets, weights [N].
 */
export function lossHead(
  rt: CpuRuntime,
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
  // Per row: (max, sum of exps) from the kernel, then (scale, log-sum-exp) for the gradient's.
  const stats = rt.alloc(2 * N, false);
  const args = [logits.byteOffset, stats.byteOffset, V, floatBits(inverse)];
  rt.pointwise('row_softmax_sums', args, N, 1, 2 * V);
  const scales = new Float64Array(N);
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const logSumExp = stats[2 * n]! + Math.log(stats[2 * n + 1]!);
    const target = targets[n]!;
    logProbs[n] = logits[n * V + target]! * inverse - logSumExp;
    const w = weights[n]!;
    if (w !== 0) {
      const term = tokenTerm(logProbs[n]!, w, oldLogProbs?.[n] ?? null, clipEpsilon);
      loss += term.loss;
      scales[n] = (term.gradWeight * inverse) / normaliser;
    }
    stats[2 * n] = scales[n]!;
    stats[2 * n + 1] = logSumExp;
  }
  if (dlogits !== null) {
    rt.pointwise(
      'row_softmax_scaled',
      [...args.slice(0, 1), dlogits.byteOffset, V, args[3]!, stats.byteOffset],
      N,
      1,
      2 * V,
    );
    for (let n = 0; n < N; n++) {
      const at = n * V + targets[n]!;
      dlogits[at] = dlogits[at]! - scales[n]!;
    }
  }
  return { loss: loss / normaliser, logProbs };
}
