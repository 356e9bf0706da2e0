import { floatBits, type CpuRuntime } from './runtime.ts';

/**
 * Causal multi-head attention with segments on the CPU engine, head by head: the scores, the
 * weighted sum of the values and the backward's products are matrix products of the runtime
 * (kernels.ts), with the softmax between them on the elementwise kernels, every head's rows at
 * once over the threads (kernels-pointwise.ts). The layout is the reference's
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
 * Scratch: one head's scores [T, T], a transposed key or value block [hs, T], and the segments
 * [B, Tp] (int32) where the softmax kernel reads them.
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

export function attentionScratchFloats(B: number, T: number, C: number, NH: number): number {
  return T * T + (C / NH) * T + B * attentionStride(T);
}

/** dst [hs, T] = the hs channels at `offset` of T rows of stride `stride` in src, transposed. */
function transposeHead(
  dst: Float32Array,
  src: Float32Array,
  offset: number,
  stride: number,
  T: number,
  hs: number,
): void {
  for (let t = 0; t < T; t++) {
    const row = offset + t * stride;
    for (let i = 0; i < hs; i++) dst[i * T + t] = src[row + i]!;
  }
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
  att.fill(0, 0, B * NH * T * Tp);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const query = b * T * C3 + h * hs;
      transposeHead(transposed, qkv, query + C, C3, T, hs);
      rt.matmul(qkv, query, transposed, 0, att, (b * NH + h) * T * Tp, T, T, hs, C3, 1, T, Tp, 2);
    }
  }
  // ... the softmax of every row in place, ...
  const args = [att.byteOffset, segmentRows.byteOffset, T, Tp, NH, floatBits(scale)];
  rt.pointwise('attention_softmax', args, B * NH * T, 1, Tp);
  // ... then out (zeroed by the caller) += P V; P is 0 above the diagonal.
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const query = b * T * C3 + h * hs;
      const probs = (b * NH + h) * T * Tp;
      rt.matmul(att, probs, qkv, query + 2 * C, out, b * T * C + h * hs, T, hs, T, Tp, 1, C3, C, 1);
    }
  }
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
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const query = b * T * C3 + h * hs;
      const output = b * T * C + h * hs;
      const probs = (b * NH + h) * T * Tp;
      // datt = dout V^T, then through the softmax: dscore = P (datt - sum_r P datt) scale.
      transposeHead(transposed, qkv, query + 2 * C, C3, T, hs);
      dscores.fill(0, 0, T * T);
      rt.matmul(dout, output, transposed, 0, dscores, 0, T, T, hs, C, 1, T, T, 2);
      for (let t = 0; t < T; t++) {
        const row = t * T;
        const probsRow = probs + t * Tp;
        let weighted = 0;
        for (let s = 0; s <= t; s++) weighted += att[probsRow + s]! * dscores[row + s]!;
        for (let s = 0; s <= t; s++) {
          dscores[row + s] = att[probsRow + s]! * (dscores[row + s]! - weighted) * scale;
        }
        dscores.fill(0, row + t + 1, row + T);
      }
      // dq += dscore K; dk += dscore^T Q; dv += P^T dout.
      rt.matmul(dscores, 0, qkv, query + C, dqkv, query, T, hs, T, T, 1, C3, C3, 1);
      rt.matmul(dscores, 0, qkv, query, dqkv, query + C, T, hs, T, 1, T, C3, C3);
      rt.matmul(att, probs, dout, output, dqkv, query + 2 * C, T, hs, T, 1, Tp, C, C3);
    }
  }
}
