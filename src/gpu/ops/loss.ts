import type { GpuTensor } from '../buffers.ts';
import { grid, type GpuContext } from '../context.ts';
import code from '../kernels/loss.wgsl?raw';

/**
 * The loss on the GPU, mirroring model/reference/loss.ts: one weighted softmax cross-entropy for
 * SFT (weights = the loss mask) and RL (weights = advantages), and per-token log-probabilities.
 * logits, probs [N, V]; targets [N] int32; weights, losses, logProbs [N].
 */

/** probs, losses [N] and loss [1] = sum_n w_n losses_n / normaliser (the reference returns it; here it stays on the GPU). */
export function crossEntropyForward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  loss: GpuTensor,
  probs: GpuTensor,
  losses: GpuTensor,
  logits: GpuTensor,
  targets: GpuTensor,
  weights: GpuTensor,
  normaliser: number,
  N: number,
  V: number,
): void {
  const shape = ctx.uniform({ u32: [N, V], f32: [normaliser, 1] });
  const rows = ctx.pipeline(code, 'crossEntropyForward');
  ctx.dispatch(encoder, rows, [shape, probs, losses, logits, targets, weights], grid(N, 1));
  const total = ctx.pipeline(code, 'crossEntropyLoss');
  ctx.dispatch(encoder, total, [shape, loss, losses, null, null, weights], [1]);
}

/** dlogits [N, V] += dloss * w_n / normaliser * (probs_n - onehot(y_n)) */
export function crossEntropyBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  dlogits: GpuTensor,
  probs: GpuTensor,
  targets: GpuTensor,
  weights: GpuTensor,
  normaliser: number,
  N: number,
  V: number,
  dloss = 1,
): void {
  const shape = ctx.uniform({ u32: [N, V], f32: [normaliser, dloss] });
  const pipeline = ctx.pipeline(code, 'crossEntropyBackward');
  ctx.dispatch(encoder, pipeline, [shape, dlogits, probs, targets, weights], grid(N * V, 256));
}

/** out [N] = log softmax(logits_n)[y_n]. Its gradient is crossEntropyBackward with w_n = -dL/dout[n], normaliser 1. */
export function logProbsForward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  out: GpuTensor,
  logits: GpuTensor,
  targets: GpuTensor,
  N: number,
  V: number,
): void {
  const shape = ctx.uniform({ u32: [N, V], f32: [1, 1] });
  const pipeline = ctx.pipeline(code, 'logProbsForward');
  ctx.dispatch(encoder, pipeline, [shape, out, null, logits, targets], grid(N, 1));
}
