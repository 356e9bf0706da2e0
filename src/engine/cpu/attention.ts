import { transposeHeads } from './copy.ts';
import { floatBits, type CpuRuntime } from './runtime.ts';

/**
 * Causal multi-head attention with segments on the CPU engine: the scores, the weighted sum of
 * the values and the backward's products are matrix products of the runtime (kernels.ts), each
 * one batch over every batch row and head (split between the threads by heads), with the softmax
 * between them on the elementwise kernels (kernels-pointwise.ts). The layout is the reference's
 * (model/reference/attention.ts): qkv [B, T, 3C], queries then keys then values, head h on
 * channels h hs..(h + 1) hs - 1; att [B, NH, T, Tp] keeps the probabilities (0 where masked) for
 * the backward, its rows padded to Tp (T rounded up to 4) so the softmax runs on whole vectors.
 * The rows a causal mask zeroes are skipped in the products (kernels.ts, `causal`).
 */

export interface AttentionShape {
  readonly B: number;
  readonly T: number;
  readonly C: number;
  readonly NH: number;
}

/**
 * Scratch: every head's score gradients [B, NH, T, Tp], keys or values transposed per head
 * [B, NH, hs, T], and the segments [B, Tp] (int32) where the softmax kernel reads them.
 */
export interface AttentionScratch {
  readonly scores: Float32Array;
  readonly transposed: Float32Array;
  readonly segments: Float32Array;
}

/** att's row stride: T rounded up to a whole vector. */
export function attentionStride(T: number): number {
  return Math.ceil(T / 4) * 4;
}

/** Floats of att [B, NH, T, Tp]. */
export function attentionFloats(B: number, T: number, NH: number): number {
  return B * NH * T * attentionStride(T);
}

/** Floats of each scratch array, in the order of AttentionScratch. */
export function attentionScratchSizes(B: number, T: number, C: number, NH: number): [number, number, number] {
  return [attentionFloats(B, T, NH), B * T * C, B * attentionStride(T)];
}

/** A batch of one product per (batch row, head), with each operand's [per row, per head] strides. */
function heads(
  shape: AttentionShape,
  a: readonly [number, number],
  b: readonly [number, number],
  c: readonly [number, number],
): Parameters<CpuRuntime['matmulBatch']>[0] {
  return { count: shape.B * shape.NH, inner: shape.NH, strides: { a, b, c } };
}

export function attentionForward(
  rt: CpuRuntime,
  out: Float32Array,
  att: Float32Array,
  qkv: Float32Array,
  segments: Int32Array,
  shape: AttentionShape,
  scratch: AttentionScratch,
): void {
  const { B, T, C, NH } = shape;
  const hs = C / NH;
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(hs);
  const Tp = attentionStride(T);
  const { transposed } = scratch;
  const segmentRows = new Int32Array(scratch.segments.buffer, scratch.segments.byteOffset, B * Tp);
  for (let b = 0; b < B; b++) segmentRows.set(segments.subarray(b * T, (b + 1) * T), b * Tp);
  // The scores of every head into att (the product adds; it writes only s <= t), ...
  rt.zero(att, B * NH * T * Tp);
  transposeHeads(rt, transposed, qkv, 1, B, T, C);
  const query = [T * C3, hs] as const;
  const probs = [NH * T * Tp, T * Tp] as const;
  const keysT = [NH * hs * T, hs * T] as const;
  rt.matmulBatch(heads(shape, query, keysT, probs), qkv, 0, transposed, 0, att, 0, T, T, hs, C3, 1, T, Tp, 2);
  // ... the softmax of every row in place, ...
  const args = [att.byteOffset, segmentRows.byteOffset, T, Tp, NH, floatBits(scale)];
  rt.pointwise('attention_softmax', args, B * NH * T, 1, Tp);
  // ... then out (zeroed by the caller) += P V; P is 0 above the diagonal.
  const output = [T * C, hs] as const;
  rt.matmulBatch(heads(shape, probs, query, output), att, 0, qkv, 2 * C, out, 0, T, hs, T, Tp, 1, C3, C, 1);
}

/** dqkv [B, T, 3C] += the gradient through attention of dout [B, T, C]. */
export function attentionBackward(
  rt: CpuRuntime,
  dqkv: Float32Array,
  dout: Float32Array,
  qkv: Float32Array,
  att: Float32Array,
  shape: AttentionShape,
  scratch: AttentionScratch,
): void {
  const { B, T, C, NH } = shape;
  const hs = C / NH;
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(hs);
  const Tp = attentionStride(T);
  const { scores: dscores, transposed } = scratch;
  const query = [T * C3, hs] as const;
  const output = [T * C, hs] as const;
  const probs = [NH * T * Tp, T * Tp] as const;
  // datt = dout V^T, then through the softmax: dscore = P (datt - sum_r P datt) scale.
  transposeHeads(rt, transposed, qkv, 2, B, T, C);
  rt.zero(dscores, B * NH * T * Tp);
  const valuesT = [NH * hs * T, hs * T] as const;
  const batch = heads(shape, output, valuesT, probs);
  rt.matmulBatch(batch, dout, 0, transposed, 0, dscores, 0, T, T, hs, C, 1, T, Tp, 2);
  const args = [att.byteOffset, dscores.byteOffset, T, Tp, 0, floatBits(scale)];
  rt.pointwise('attention_softmax_backward', args, B * NH * T, 1, Tp);
  // dq += dscore K; dk += dscore^T Q; dv += P^T dout. Key s meets queries t >= s only (causal 3).
  rt.matmulBatch(heads(shape, probs, query, query), dscores, 0, qkv, C, dqkv, 0, T, hs, T, Tp, 1, C3, C3, 1);
  rt.matmulBatch(heads(shape, probs, query, query), dscores, 0, qkv, 0, dqkv, C, T, hs, T, 1, Tp, C3, C3, 3);
  rt.matmulBatch(heads(shape, probs, output, query), att, 0, dout, 0, dqkv, 2 * C, T, hs, T, 1, Tp, C, C3, 3);
}
