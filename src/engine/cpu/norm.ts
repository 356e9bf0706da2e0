import type { CpuRuntime } from './runtime.ts';
import { floatBits } from './runtime.ts';

/**
 * Layer norm and column sums on the CPU engine's kernels (kernels-norm.ts), every thread taking
 * its rows (the forward, the input gradient) or its columns (the gains' and biases' gradients,
 * sums over all the rows that threads splitting the rows would race on). Columns past the last
 * whole vector (C mod 4) are summed here. The tests hold them to model/reference/ops.ts.
 */

/** Threads take columns in whole groups of 4 vectors where the width allows (kernels-norm.ts, GROUP). */
function columnUnit(vectors: number): number {
  return vectors % 16 === 0 ? 16 : 4;
}

/** out [N, C] = (inp - mean) rstd weight + bias per row; mean, rstd [N] kept for the backward. */
export function layerNormForward(
  rt: CpuRuntime,
  out: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  N: number,
  C: number,
  eps: number,
): void {
  const args = [out, mean, rstd, inp, weight, bias].map((array) => array.byteOffset);
  rt.pointwise('layer_norm_forward', [...args, C, floatBits(eps)], N, 1, 4 * C);
}

/** dinp [N, C] += the gradient through layer norm of dout; dweight, dbias [C] += theirs. */
export function layerNormBackward(
  rt: CpuRuntime,
  dinp: Float32Array,
  dweight: Float32Array,
  dbias: Float32Array,
  dout: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  N: number,
  C: number,
): void {
  const rows = [dinp, dout, inp, weight, mean, rstd].map((array) => array.byteOffset);
  rt.pointwise('layer_norm_backward', [...rows, C], N, 1, 6 * C);
  const vectors = C - (C % 4);
  const columns = [dweight, dbias, dout, inp, mean, rstd].map((array) => array.byteOffset);
  rt.pointwise('layer_norm_param_grads', [...columns, C, N], vectors, columnUnit(vectors), 2 * N);
  for (let n = 0; n < N; n++) {
    for (let c = vectors; c < C; c++) {
      const d = dout[n * C + c]!;
      dbias[c] = dbias[c]! + d;
      dweight[c] = dweight[c]! + (inp[n * C + c]! - mean[n]!) * rstd[n]! * d;
    }
  }
}

/** out [C] += the column sums of inp [N, C]. */
export function columnSums(rt: CpuRuntime, out: Float32Array, inp: Float32Array, N: number, C: number): void {
  const vectors = C - (C % 4);
  rt.pointwise('column_sums', [out.byteOffset, inp.byteOffset, C, N], vectors, columnUnit(vectors), N);
  for (let n = 0; n < N; n++) {
    for (let c = vectors; c < C; c++) out[c] = out[c]! + inp[n * C + c]!;
  }
}
