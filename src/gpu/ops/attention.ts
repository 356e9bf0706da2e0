import type { GpuTensor } from '../buffers.ts';
import { grid, type GpuContext } from '../context.ts';
import attentionCode from '../kernels/attention.wgsl?raw';
import rotaryCode from '../kernels/rotary.wgsl?raw';

/**
 * Rotary positions and causal multi-head attention on the GPU, mirroring
 * model/reference/attention.ts. qkv [B, T, 3C]: queries, keys, values; head h owns channels
 * h*hs..(h+1)*hs-1 of each (hs = C / NH). Where the reference keeps the attention matrix
 * att [B, NH, T, T] for its backward, the fused kernels keep only lse [B, NH, T] and recompute.
 */

/** Widest head the attention kernels hold in registers. */
export const MAX_HEAD_WIDTH = 64;
const ROWS = 64;

/**
 * (cos, sin) of position * base^(-2i / hs) for positions 0..maxT-1 and i < hs/2, as [maxT, hs/2, 2]
 * float32, computed in float64: the table the rotary kernel reads in place of `base`.
 */
export function rotaryTable(device: GPUDevice, headWidth: number, base: number, maxT: number): GPUBuffer {
  const half = headWidth / 2;
  const values = new Float32Array(Math.max(4, maxT * half * 2));
  for (let position = 0; position < maxT; position++) {
    for (let i = 0; i < half; i++) {
      const angle = position * Math.pow(base, (-2 * i) / headWidth);
      values[(position * half + i) * 2] = Math.cos(angle);
      values[(position * half + i) * 2 + 1] = Math.sin(angle);
    }
  }
  const buffer = device.createBuffer({
    label: `rotary table hs=${headWidth} base=${base}`,
    size: values.byteLength,
    usage: GPUBufferUsage.STORAGE,
    mappedAtCreation: true,
  });
  new Float32Array(buffer.getMappedRange()).set(values);
  buffer.unmap();
  return buffer;
}

/** out [N, 3C] = inp with its queries and keys turned by their positions [N] (table from rotaryTable). */
export function rotaryForward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  out: GpuTensor,
  inp: GpuTensor,
  positions: GpuTensor,
  N: number,
  C: number,
  NH: number,
  table: GPUBuffer,
): void {
  recordRotary(ctx, encoder, out, inp, positions, N, C, NH, table, 1);
}

/** dinp [N, 3C] += dout turned back by minus the angles (a rotation's transpose). */
export function rotaryBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  dinp: GpuTensor,
  dout: GpuTensor,
  positions: GpuTensor,
  N: number,
  C: number,
  NH: number,
  table: GPUBuffer,
): void {
  recordRotary(ctx, encoder, dinp, dout, positions, N, C, NH, table, -1);
}

function recordRotary(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  out: GpuTensor,
  inp: GpuTensor,
  positions: GpuTensor,
  N: number,
  C: number,
  NH: number,
  table: GPUBuffer,
  direction: 1 | -1,
): void {
  const shape = ctx.uniform({ u32: [N, C, C / NH], f32: [direction] });
  const pipeline = ctx.pipeline(rotaryCode, 'rotary', { ACCUMULATE: direction === -1 });
  ctx.dispatch(encoder, pipeline, [shape, out, inp, positions, table], grid(N * 3 * C, 256));
}

/** out [B, T, C] and lse [B, NH, T] from qkv [B, T, 3C] and segments [B, T] (int32; -1 is padding). */
export function attentionForward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  out: GpuTensor,
  lse: GpuTensor,
  inp: GpuTensor,
  segments: GpuTensor,
  B: number,
  T: number,
  C: number,
  NH: number,
): void {
  const pipeline = ctx.pipeline(attentionCode, 'attentionForward', { HEAD_SIZE: headWidthOf(C, NH) });
  ctx.dispatch(encoder, pipeline, [shapeOf(ctx, B, T, C, NH), out, lse, inp, segments], blocks(B, T, NH));
}

/** dinp [B, T, 3C] += the gradient of qkv given dout [B, T, C], from the forward's out and lse. */
export function attentionBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  dinp: GpuTensor,
  dout: GpuTensor,
  inp: GpuTensor,
  out: GpuTensor,
  lse: GpuTensor,
  segments: GpuTensor,
  B: number,
  T: number,
  C: number,
  NH: number,
): void {
  const constants = { HEAD_SIZE: headWidthOf(C, NH) };
  const shape = shapeOf(ctx, B, T, C, NH);
  const dotOut = ctx.pool.acquireFloats(B * NH * T, 'attention dout.out');
  const dot = ctx.pipeline(attentionCode, 'attentionBackwardDot', constants);
  ctx.dispatch(encoder, dot, [shape, null, dout, null, null, out, null, dotOut], grid(B * T * NH, 64));
  const bindings = [shape, dinp, dout, inp, segments, null, lse, dotOut];
  const query = ctx.pipeline(attentionCode, 'attentionBackwardQuery', constants);
  ctx.dispatch(encoder, query, bindings, blocks(B, T, NH));
  const keyValue = ctx.pipeline(attentionCode, 'attentionBackwardKeyValue', constants);
  ctx.dispatch(encoder, keyValue, bindings, blocks(B, T, NH));
  ctx.pool.release(dotOut);
}

function shapeOf(ctx: GpuContext, B: number, T: number, C: number, NH: number): GPUBuffer {
  return ctx.uniform({ u32: [B, T, C, NH], f32: [1 / Math.sqrt(C / NH)] });
}

function headWidthOf(C: number, NH: number): number {
  const hs = C / NH;
  if (!Number.isInteger(hs) || hs > MAX_HEAD_WIDTH) {
    throw new Error(
      `The attention kernels need a head width width / heads that is an integer up to ${MAX_HEAD_WIDTH} ` +
        `(got ${C} / ${NH}): use more heads.`,
    );
  }
  return hs;
}

/** Workgroups: x over blocks of 64 tokens, y over heads, z over batch rows. */
function blocks(B: number, T: number, NH: number): [number, number, number] {
  return [Math.ceil(T / ROWS), NH, B];
}
