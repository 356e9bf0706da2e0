import type { CpuRuntime } from './runtime.ts';

/**
 * Data movement on the CPU engine's kernels (kernels-copy.ts), for arrays in the runtime's memory:
 * the residual stream's sum, a bias copied to every row, and transposes. The tests hold them to
 * the plain loops they replace.
 */

/** out [N] = a + b, the last N mod 4 here. */
export function residualForward(
  rt: CpuRuntime,
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
  N: number,
): void {
  const vectors = N - (N % 4);
  rt.pointwise('add', [out.byteOffset, a.byteOffset, b.byteOffset], vectors);
  for (let i = vectors; i < N; i++) out[i] = a[i]! + b[i]!;
}

/** Every row of out [N, width] = row [width]. */
export function broadcastRows(
  rt: CpuRuntime,
  out: Float32Array,
  row: Float32Array,
  N: number,
  width: number,
): void {
  rt.pointwise('broadcast_rows', [out.byteOffset, row.byteOffset, width], N, 1, width);
}

/** dst [cols, rows] = src [rows, cols] transposed. */
export function transpose(
  rt: CpuRuntime,
  dst: Float32Array,
  src: Float32Array,
  rows: number,
  cols: number,
): void {
  rt.pointwise('gather_columns', [dst.byteOffset, src.byteOffset, rows, cols, cols], cols, 1, rows);
}

/**
 * transposed [B, NH, hs, T] = part `part` (0 queries, 1 keys, 2 values) of qkv [B, T, 3C], head
 * by head: row (b, h, i) of the result is channel h hs + i of that part over the positions.
 */
export function transposeHeads(
  rt: CpuRuntime,
  transposed: Float32Array,
  qkv: Float32Array,
  part: number,
  B: number,
  T: number,
  C: number,
): void {
  const args = [transposed.byteOffset, qkv.byteOffset + 4 * part * C, T, 3 * C, C];
  rt.pointwise('gather_columns', args, B * C, 1, T);
}
