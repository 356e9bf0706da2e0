import type { CpuRuntime } from './runtime.ts';

/**
 * Causal multi-head attention with segments on the CPU engine, head by head: the scores, the
 * weighted sum of the values and the backward's products are matrix products of the runtime
 * (kernels.ts), with the softmax between them in float64 sums. The layout is the reference's
 * (model/reference/attention.ts): qkv [B, T, 3C], queries then keys then values, head h on
 * channels h hs..(h + 1) hs - 1; att [B, NH, T, T] keeps the probabilities (0 where masked) for the
 * backward. The rows a causal mask zeroes are skipped in the products (kernels.ts, `causal`).
 */

export interface AttentionShape {
  readonly B: number;
  readonly T: number;
  readonly C: number;
  readonly NH: number;
}

/** Scratch for one head: scores [T, T] and a transposed key or value block [hs, T]. */
export interface AttentionScratch {
  readonly scores: Float32Array;
  readonly transposed: Float32Array;
}

export function attentionScratchFloats(T: number, C: number, NH: number): number {
  return T * T + (C / NH) * T;
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
  const { scores, transposed } = scratch;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const query = b * T * C3 + h * hs;
      transposeHead(transposed, qkv, query + C, C3, T, hs);
      scores.fill(0, 0, T * T);
      rt.matmul(qkv, query, transposed, 0, scores, 0, T, T, hs, C3, 1, T, T, 2);
      const probs = (b * NH + h) * T * T;
      for (let t = 0; t < T; t++) {
        const segment = segments[b * T + t];
        const row = t * T;
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          if (segments[b * T + s] === segment) max = Math.max(max, scores[row + s]! * scale);
        }
        let sum = 0;
        for (let s = 0; s <= t; s++) {
          const e = segments[b * T + s] === segment ? Math.exp(scores[row + s]! * scale - max) : 0;
          scores[row + s] = e;
          sum += e;
        }
        for (let s = 0; s <= t; s++) att[probs + row + s] = scores[row + s]! / sum;
        att.fill(0, probs + row + t + 1, probs + row + T);
      }
      // out (zeroed by the caller) += P V; P is 0 above the diagonal.
      rt.matmul(att, probs, qkv, query + 2 * C, out, b * T * C + h * hs, T, hs, T, T, 1, C3, C, 1);
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
  const { scores: dscores, transposed } = scratch;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const query = b * T * C3 + h * hs;
      const output = b * T * C + h * hs;
      const probs = (b * NH + h) * T * T;
      // datt = dout V^T, then through the softmax: dscore = P (datt - sum_r P datt) scale.
      transposeHead(transposed, qkv, query + 2 * C, C3, T, hs);
      dscores.fill(0, 0, T * T);
      rt.matmul(dout, output, transposed, 0, dscores, 0, T, T, hs, C, 1, T, T, 2);
      for (let t = 0; t < T; t++) {
        const row = t * T;
        let weighted = 0;
        for (let s = 0; s <= t; s++) weighted += att[probs + row + s]! * dscores[row + s]!;
        for (let s = 0; s <= t; s++) {
          dscores[row + s] = att[probs + row + s]! * (dscores[row + s]! - weighted) * scale;
        }
        dscores.fill(0, row + t + 1, row + T);
      }
      // dq += dscore K; dk += dscore^T Q; dv += P^T dout.
      rt.matmul(dscores, 0, qkv, query + C, dqkv, query, T, hs, T, T, 1, C3, C3, 1);
      rt.matmul(dscores, 0, qkv, query, dqkv, query + C, T, hs, T, 1, T, C3, C3);
      rt.matmul(att, probs, dout, output, dqkv, query + 2 * C, T, hs, T, 1, T, C, C3);
    }
  }
}
