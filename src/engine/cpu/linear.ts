import { broadcastRows } from './copy.ts';
import { columnSums } from './norm.ts';
import type { CpuRuntime } from './runtime.ts';

/**
 * The linear layer (out = inp weight^T + bias, weight [OC, C] as PyTorch stores it) as the
 * runtime's matrix products. The forward reads the weight transposed, [C, OC], so that the
 * kernel's B rows are contiguous: the engine keeps those copies (`transpose`, copy.ts) and
 * refreshes them after each optimizer step. Backward products are cut along the summed dimension
 * into panels whose rows of B fit in L2, so a long batch does not stream B from memory once per
 * row block. The bias's broadcast and gradient run on kernels too (copy.ts, norm.ts).
 */

/** out [N, OC] = inp [N, C] weightT [C, OC] + bias (out is overwritten). */
export function linearForward(
  rt: CpuRuntime,
  out: Float32Array,
  inp: Float32Array,
  weightT: Float32Array,
  bias: Float32Array | null,
  N: number,
  C: number,
  OC: number,
): void {
  if (bias === null) rt.zero(out, N * OC);
  else broadcastRows(rt, out, bias, N, OC);
  rt.matmul(inp, 0, weightT, 0, out, 0, N, OC, C, C, 1, OC, OC);
}

/** Floats of B per panel: 32 KiB floats, 128 KiB, a safe share of any L2. */
const PANEL_FLOATS = 32768;

/** dinp [N, C] += dout weight; dweight [OC, C] += dout^T inp; dbias [OC] += column sums of dout. */
export function linearBackward(
  rt: CpuRuntime,
  dinp: Float32Array | null,
  dweight: Float32Array,
  dbias: Float32Array | null,
  dout: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  N: number,
  C: number,
  OC: number,
): void {
  if (dinp !== null) rt.matmul(dout, 0, weight, 0, dinp, 0, N, C, OC, OC, 1, C, C);
  const panel = Math.max(16, Math.floor(PANEL_FLOATS / C / 4) * 4);
  for (let n0 = 0; n0 < N; n0 += panel) {
    const rows = Math.min(panel, N - n0);
    rt.matmul(dout, n0 * OC, inp, n0 * C, dweight, 0, OC, C, rows, 1, OC, C, C);
  }
  if (dbias !== null) columnSums(rt, dbias, dout, N, OC);
}
