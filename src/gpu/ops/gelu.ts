import type { GpuTensor } from '../buffers.ts';
import { grid, type GpuContext } from '../context.ts';
import code from '../kernels/gelu.wgsl?raw';

/** GELU (tanh approximation) on the GPU, mirroring model/reference/ops.ts; inp, out [N]. */

export function geluForward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  out: GpuTensor,
  inp: GpuTensor,
  N: number,
): void {
  const pipeline = ctx.pipeline(code, 'geluForward');
  ctx.dispatch(encoder, pipeline, [ctx.uniform({ u32: [N] }), out, inp], grid(N, 256));
}

/** dinp [N] += gelu'(inp) dout */
export function geluBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  dinp: GpuTensor,
  inp: GpuTensor,
  dout: GpuTensor,
  N: number,
): void {
  const pipeline = ctx.pipeline(code, 'geluBackward');
  ctx.dispatch(encoder, pipeline, [ctx.uniform({ u32: [N] }), dinp, inp, dout], grid(N, 256));
}
