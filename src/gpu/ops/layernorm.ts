import type { GpuTensor } from '../buffers.ts';
import { grid, type GpuContext } from '../context.ts';
import code from '../kernels/layernorm.wgsl?raw';

/**
 * Layer norm on the GPU, mirroring model/reference/ops.ts:
 * out = (inp - mean) * rstd * weight + bias per row; inp, out [N, C]; weight, bias [C]; mean, rstd [N].
 */

export function layerNormForward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  out: GpuTensor,
  mean: GpuTensor,
  rstd: GpuTensor,
  inp: GpuTensor,
  weight: GpuTensor,
  bias: GpuTensor,
  N: number,
  C: number,
  eps: number,
): void {
  const shape = ctx.uniform({ u32: [N, C], f32: [eps] });
  const pipeline = ctx.pipeline(code, 'layerNormForward');
  ctx.dispatch(encoder, pipeline, [shape, out, mean, rstd, inp, weight, bias], grid(N, 1));
}

/** dinp [N, C], dweight [C], dbias [C] += their gradients (backward ops add). */
export function layerNormBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  dinp: GpuTensor,
  dweight: GpuTensor,
  dbias: GpuTensor,
  dout: GpuTensor,
  inp: GpuTensor,
  weight: GpuTensor,
  mean: GpuTensor,
  rstd: GpuTensor,
  N: number,
  C: number,
): void {
  const shape = ctx.uniform({ u32: [N, C], f32: [0] });
  const rows = ctx.pipeline(code, 'layerNormBackwardInput');
  ctx.dispatch(encoder, rows, [shape, dinp, null, null, dout, inp, weight, mean, rstd], grid(N, 1));
  const params = ctx.pipeline(code, 'layerNormBackwardParams');
  ctx.dispatch(
    encoder,
    params,
    [shape, null, dweight, dbias, dout, inp, null, mean, rstd],
    [Math.ceil(C / 64)],
  );
}
