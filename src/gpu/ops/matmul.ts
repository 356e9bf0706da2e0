import type { GpuTensor } from '../buffers.ts';
import { grid, type GpuContext } from '../context.ts';
import code from '../kernels/matmul.wgsl?raw';

/**
 * Matmul (a linear layer) on the GPU, mirroring model/reference/ops.ts:
 * out = inp weight^T + bias; inp [N, C]; weight [OC, C]; bias [OC] or null; out [N, OC].
 */

const TILE = 64;
/** Below this many output tiles a weight gradient splits its K (token) loop across workgroups. */
const SPLIT_K_TILES = 128;
/** Tokens per K slice, at least. */
const MIN_SLICE_K = 256;

export function matmulForward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  out: GpuTensor,
  inp: GpuTensor,
  weight: GpuTensor,
  bias: GpuTensor | null,
  N: number,
  C: number,
  OC: number,
): void {
  const pipeline = ctx.pipeline(code, 'matmul', { B_K_MAJOR: false, HAS_BIAS: bias !== null });
  const shape = ctx.uniform({ u32: [N, OC, C, C, 1] });
  ctx.dispatch(encoder, pipeline, [shape, inp, weight, out, bias ?? ctx.placeholder], tiles(N, OC));
}

export interface MatmulBackwardOptions {
  /** Slices of the token dimension for dweight; by default enough to fill the GPU with small weights. */
  readonly splitK?: number;
}

/** dinp [N, C] += dout weight; dweight [OC, C] += dout^T inp; dbias [OC] += column sums of dout. */
export function matmulBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  dinp: GpuTensor,
  dweight: GpuTensor,
  dbias: GpuTensor | null,
  dout: GpuTensor,
  inp: GpuTensor,
  weight: GpuTensor,
  N: number,
  C: number,
  OC: number,
  options: MatmulBackwardOptions = {},
): void {
  // dinp [N, C] += dout [N, OC] weight [OC, C]
  const dinpPipeline = ctx.pipeline(code, 'matmul', { B_K_MAJOR: true, ACCUMULATE: true });
  ctx.dispatch(
    encoder,
    dinpPipeline,
    [ctx.uniform({ u32: [N, C, OC, OC, 1] }), dout, weight, dinp, ctx.placeholder],
    tiles(N, C),
  );

  // dweight [OC, C] += dout^T [OC, N] inp [N, C]
  const slices = options.splitK ?? defaultSlices(OC, C, N);
  const sliceK = Math.ceil(N / slices / 16) * 16;
  const dweightShape = ctx.uniform({ u32: [OC, C, N, sliceK, slices] });
  if (slices === 1) {
    const pipeline = ctx.pipeline(code, 'matmul', { A_K_MAJOR: true, B_K_MAJOR: true, ACCUMULATE: true });
    ctx.dispatch(encoder, pipeline, [dweightShape, dout, inp, dweight, ctx.placeholder], tiles(OC, C));
  } else {
    const partials = ctx.pool.acquireFloats(slices * OC * C, 'matmul slices');
    const pipeline = ctx.pipeline(code, 'matmul', { A_K_MAJOR: true, B_K_MAJOR: true, SPLIT_K: true });
    ctx.dispatch(
      encoder,
      pipeline,
      [dweightShape, dout, inp, partials, ctx.placeholder],
      [...tiles(OC, C), slices],
    );
    const sum = ctx.pipeline(code, 'matmulSumSlices');
    ctx.dispatch(encoder, sum, [dweightShape, partials, null, dweight], grid(OC * C, 256));
    ctx.pool.release(partials);
  }

  if (dbias !== null) {
    const pipeline = ctx.pipeline(code, 'matmulBackwardBias');
    const shape = ctx.uniform({ u32: [N, OC, 0, 0, 0] });
    ctx.dispatch(encoder, pipeline, [shape, dout, null, dbias], [Math.ceil(OC / 64)]);
  }
}

/** Workgroups for an [M, N] output: x over columns, y over rows. */
function tiles(M: number, N: number): [number, number] {
  return [Math.ceil(N / TILE), Math.ceil(M / TILE)];
}

function defaultSlices(M: number, N: number, K: number): number {
  const outputTiles = Math.ceil(M / TILE) * Math.ceil(N / TILE);
  if (outputTiles >= SPLIT_K_TILES) return 1;
  return Math.max(1, Math.min(Math.ceil(SPLIT_K_TILES / outputTiles), Math.floor(K / MIN_SLICE_K)));
}
