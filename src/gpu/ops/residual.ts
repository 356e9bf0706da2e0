import type { GpuTensor } from '../buffers.ts';
import { grid, type GpuContext } from '../context.ts';
import code from '../kernels/residual.wgsl?raw';

/** Residual add on the GPU, mirroring model/reference/ops.ts: out = inp1 + inp2; all [N]. */

export function residualForward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  out: GpuTensor,
  inp1: GpuTensor,
  inp2: GpuTensor,
  N: number,
): void {
  const pipeline = ctx.pipeline(code, 'residualForward');
  ctx.dispatch(encoder, pipeline, [ctx.uniform({ u32: [N] }), out, inp1, inp2], grid(N, 256));
}

/** dinp1 [N] += dout; dinp2 [N] += dout (two different tensors). */
export function residualBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  dinp1: GpuTensor,
  dinp2: GpuTensor,
  dout: GpuTensor,
  N: number,
): void {
  const pipeline = ctx.pipeline(code, 'residualBackward');
  ctx.dispatch(encoder, pipeline, [ctx.uniform({ u32: [N] }), dinp1, dinp2, dout], grid(N, 256));
}
