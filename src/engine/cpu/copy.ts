import type { CpuRuntime } from './runtime.ts';

/**
 * Data movement on the CPU engine's kernels (kernels-copy.ts), for arrays in the runtime's memory:
 * the residual stream's sum, a bias copied to every row, transposes, and the embedding's lookup
 * and scatter-add. The tests hold them to the plain loops they replace.
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

/** Tokens, then positions: int32 [2, N] in the runtime's memory, where the embedding kernels read them. */
export function placeTokens(
  rt: CpuRuntime,
  tokens: Int32Array,
  positions: Int32Array,
  N: number,
): Int32Array {
  const floats = rt.alloc(2 * N, false);
  const ids = new Int32Array(floats.buffer, floats.byteOffset, 2 * N);
  ids.set(tokens.subarray(0, N));
  ids.set(positions.subarray(0, N), N);
  return ids;
}

/** out [N, C] = wte[tokens[n]] + wpe[positions[n]] (wpe null with rotary positions); ids from placeTokens. */
export function embeddingForward(
  rt: CpuRuntime,
  out: Float32Array,
  ids: Int32Array,
  wte: Float32Array,
  wpe: Float32Array | null,
  N: number,
  C: number,
): void {
  const tables = [wte.byteOffset, wpe?.byteOffset ?? 0];
  const args = [out.byteOffset, ...tables, ids.byteOffset, ids.byteOffset + 4 * N, C, wpe === null ? 0 : 1];
  rt.pointwise('embedding_forward', args, N, 1, C);
}

/** Every row of dout [N, C] added to its token's row of dwte and its position's row of dwpe. */
export function embeddingBackward(
  rt: CpuRuntime,
  dwte: Float32Array,
  dwpe: Float32Array | null,
  dout: Float32Array,
  ids: Int32Array,
  N: number,
  C: number,
): void {
  const vectors = C - (C % 4);
  const args = [
    dwte.byteOffset,
    dwpe?.byteOffset ?? 0,
    dout.byteOffset,
    ids.byteOffset,
    ids.byteOffset + 4 * N,
  ];
  rt.pointwise('embedding_backward', [...args, C, N, dwpe === null ? 0 : 1], vectors, 4, N);
  for (let n = 0; n < N; n++) {
    for (let c = vectors; c < C; c++) {
      const d = dout[n * C + c]!;
      dwte[ids[n]! * C + c] = dwte[ids[n]! * C + c]! + d;
      if (dwpe !== null) dwpe[ids[N + n]! * C + c] = dwpe[ids[N + n]! * C + c]! + d;
    }
  }
}
