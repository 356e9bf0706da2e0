import type { GpuTensor } from '../buffers.ts';
import { grid, type GpuContext } from '../context.ts';
import code from '../kernels/embedding.wgsl?raw';

/**
 * Token and learned position embeddings on the GPU, mirroring model/reference/ops.ts:
 * out[n] = wte[tokens[n]] + wpe[positions[n]]; tokens, positions [N] int32; wte [V, C];
 * wpe [maxT, C] or null (rotary); out [N, C].
 */

export function embeddingForward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  out: GpuTensor,
  tokens: GpuTensor,
  positions: GpuTensor,
  wte: GpuTensor,
  wpe: GpuTensor | null,
  N: number,
  C: number,
): void {
  const pipeline = ctx.pipeline(code, 'embeddingForward', { HAS_POSITIONS: wpe !== null });
  const shape = ctx.uniform({ u32: [N, C, 0] });
  ctx.dispatch(
    encoder,
    pipeline,
    [shape, out, tokens, positions, wte, wpe ?? ctx.placeholder],
    grid(N * C, 256),
  );
}

/**
 * Scatter-add, deterministic: dwte [V, C] += the rows of dout [N, C] of each token, and
 * dwpe [maxT, C] += those of each position. V and maxT are the tables' rows (the GPU cannot
 * infer them from the ids without reading them back).
 */
export function embeddingBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  dwte: GpuTensor,
  dwpe: GpuTensor | null,
  dout: GpuTensor,
  tokens: GpuTensor,
  positions: GpuTensor,
  N: number,
  C: number,
  V: number,
  maxT: number,
): void {
  gatherRows(ctx, encoder, dwte, dout, tokens, N, C, V);
  if (dwpe !== null) gatherRows(ctx, encoder, dwpe, dout, positions, N, C, maxT);
}

/** dtable [rows, C] += sum of dout [N, C] over the n with ids[n] = row. */
function gatherRows(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  dtable: GpuTensor,
  dout: GpuTensor,
  ids: GpuTensor,
  N: number,
  C: number,
  rows: number,
): void {
  const shape = ctx.uniform({ u32: [N, C, rows] });
  const starts = ctx.pool.acquireFloats(rows + 1, 'embedding row starts');
  const order = ctx.pool.acquireFloats(N, 'embedding row order');
  ctx.dispatch(encoder, ctx.pipeline(code, 'embeddingCountIds'), [shape, ids, starts], grid(rows, 256));
  ctx.dispatch(encoder, ctx.pipeline(code, 'embeddingScanIds'), [shape, null, starts], [1]);
  ctx.dispatch(encoder, ctx.pipeline(code, 'embeddingListIds'), [shape, ids, starts, order], grid(rows, 256));
  ctx.dispatch(
    encoder,
    ctx.pipeline(code, 'embeddingBackward'),
    [shape, dtable, dout, starts, order],
    grid(rows * C, 256),
  );
  ctx.pool.release(starts);
  ctx.pool.release(order);
}
