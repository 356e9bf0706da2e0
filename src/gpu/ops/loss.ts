import type { GpuTensor } from '../buffers.ts';
import { grid, type GpuContext } from '../context.ts';
import code from '../kernels/loss.wgsl?raw';

/**
 * The loss on the GPU, mirroring model/reference/loss.ts: one per-token loss for SFT (weights =
 * the loss mask) and RL (weights = advantages, log p at the sampling temperature, and PPO's clipped
 * ratio when old log-probabilities are given), and per-token log-probabilities.
 * logits, probs [N, V]; targets [N] int32; weights, oldLogProbs, losses, gradWeights, logProbs [N].
 */

/** The reference's TokenLossOptions, with the old log-probabilities as a GPU tensor (null: no ratio). */
export interface GpuTokenLoss {
  readonly temperature: number;
  readonly oldLogProbs: GpuTensor | null;
  readonly clipEpsilon: number;
}

export const PLAIN_GPU_TOKEN_LOSS: GpuTokenLoss = { temperature: 1, oldLogProbs: null, clipEpsilon: 0 };

function shapeOf(
  ctx: GpuContext,
  N: number,
  V: number,
  normaliser: number,
  dloss: number,
  temperature: number,
  clipEpsilon: number,
): GPUBuffer {
  if (!(temperature > 0)) throw new Error(`The loss temperature must be positive (got ${temperature}).`);
  return ctx.uniform({ u32: [N, V], f32: [normaliser, dloss, 1 / temperature, clipEpsilon] });
}

/**
 * probs, losses, gradWeights [N] and loss [1] = sum_n losses_n / normaliser (the reference returns
 * it; here it stays on the GPU).
 */
export function tokenLossForward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  loss: GpuTensor,
  probs: GpuTensor,
  losses: GpuTensor,
  gradWeights: GpuTensor,
  logits: GpuTensor,
  targets: GpuTensor,
  weights: GpuTensor,
  options: GpuTokenLoss,
  normaliser: number,
  N: number,
  V: number,
): void {
  const ratio = options.oldLogProbs !== null;
  if (ratio && !(options.clipEpsilon > 0)) {
    throw new Error(`The clipped ratio needs a positive clipEpsilon (got ${options.clipEpsilon}).`);
  }
  const clipEpsilon = ratio ? options.clipEpsilon : 0;
  const shape = shapeOf(ctx, N, V, normaliser, 1, options.temperature, clipEpsilon);
  const rows = ctx.pipeline(code, 'tokenLossForward');
  // Without a ratio the kernel never reads oldLogProbs: any buffer of N floats fills the slot.
  const old = options.oldLogProbs ?? weights;
  ctx.dispatch(encoder, rows, [shape, probs, losses, logits, targets, weights, old, gradWeights], grid(N, 1));
  const total = ctx.pipeline(code, 'tokenLossTotal');
  ctx.dispatch(encoder, total, [shape, loss, losses], [1]);
}

/** dlogits [N, V] += dloss * g_n / (normaliser * temperature) * (probs_n - onehot(y_n)) */
export function tokenLossBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  dlogits: GpuTensor,
  probs: GpuTensor,
  targets: GpuTensor,
  gradWeights: GpuTensor,
  temperature: number,
  normaliser: number,
  N: number,
  V: number,
  dloss = 1,
): void {
  const shape = shapeOf(ctx, N, V, normaliser, dloss, temperature, 0);
  const pipeline = ctx.pipeline(code, 'tokenLossBackward');
  ctx.dispatch(encoder, pipeline, [shape, dlogits, probs, targets, gradWeights], grid(N * V, 256));
}

/**
 * out [N] = log softmax(logits_n / temperature)[y_n]. Its gradient is tokenLossBackward with
 * g_n = -dL/dout[n], normaliser 1.
 */
export function logProbsForward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  out: GpuTensor,
  logits: GpuTensor,
  targets: GpuTensor,
  N: number,
  V: number,
  temperature = 1,
): void {
  const shape = shapeOf(ctx, N, V, 1, 1, temperature, 0);
  const pipeline = ctx.pipeline(code, 'logProbsForward');
  ctx.dispatch(encoder, pipeline, [shape, out, null, logits, targets], grid(N, 1));
}
