import type { ParameterLayout } from '../../model/layout.ts';
import type { AdamWOptions } from '../../model/reference/optim.ts';
import { STORAGE_USAGE, type GpuTensor } from '../buffers.ts';
import { grid, type GpuContext } from '../context.ts';
import code from '../kernels/optim.wgsl?raw';

/**
 * The optimizer side of a training step on the GPU, mirroring model/reference/optim.ts. The
 * reference returns the norm and the scale; here they stay on the GPU in a `status` tensor of two
 * floats (norm before clipping, scale applied), which AdamW reads to skip a step whose norm is
 * not finite, so a whole step needs no read-back.
 */

const PER_GROUP = 4096;
/** The largest float32: "no clipping" without relying on infinities inside a kernel. */
const NO_CLIP = 3.4e38;

/** status [2] = (sqrt(sum of squares of grads [count]), 1). */
export function gradientNorm(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  status: GpuTensor,
  grads: GpuTensor,
  count: number,
): void {
  normInto(ctx, encoder, status, grads, count, NO_CLIP);
}

/** status = (norm, scale) with scale = maxNorm / norm where norm > maxNorm, else 1; grads *= scale. */
export function clipGradients(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  status: GpuTensor,
  grads: GpuTensor,
  maxNorm: number,
  count: number,
): void {
  const shape = normInto(ctx, encoder, status, grads, count, Math.min(maxNorm, NO_CLIP));
  ctx.dispatch(encoder, ctx.pipeline(code, 'clipGradients'), [shape, grads, status], grid(count, 256));
}

function normInto(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  status: GpuTensor,
  grads: GpuTensor,
  count: number,
  maxNorm: number,
): GPUBuffer {
  const partialCount = Math.max(1, Math.ceil(count / PER_GROUP));
  const shape = ctx.uniform({ u32: [count, partialCount, 0, 0], f32: [maxNorm, 0, 0, 0, 0, 0, 1, 1] });
  const partials = ctx.pool.acquireFloats(partialCount, 'gradient norm partials');
  ctx.dispatch(encoder, ctx.pipeline(code, 'sumSquares'), [shape, grads, partials], grid(partialCount, 1));
  ctx.dispatch(encoder, ctx.pipeline(code, 'gradientNormFinish'), [shape, status, partials], [1]);
  ctx.pool.release(partials);
  return shape;
}

/** The optimizer's memory on the GPU: moments in the parameters' layout, steps taken, and which floats decay. */
export interface GpuAdamWState {
  readonly m: GPUBuffer;
  readonly v: GPUBuffer;
  step: number;
  /** One bit per 64 floats of the layout: 1 where the tensor there takes weight decay. */
  readonly decayMask: GPUBuffer;
}

/** Zero moments for `layout`, and its decay mask. */
export function adamwState(ctx: GpuContext, layout: ParameterLayout): GpuAdamWState {
  // WebGPU zero-initialises new buffers.
  const zeros = (label: string): GPUBuffer =>
    ctx.device.createBuffer({ label, size: layout.totalFloats * 4, usage: STORAGE_USAGE });
  const bits = new Uint32Array(Math.max(4, Math.ceil(layout.totalFloats / 64 / 32 / 4) * 4));
  for (const tensor of layout.tensors) {
    if (!tensor.decay) continue;
    for (let chunk = tensor.offset / 64; chunk < Math.ceil((tensor.offset + tensor.size) / 64); chunk++) {
      bits[chunk >>> 5]! |= 1 << (chunk & 31);
    }
  }
  const decayMask = ctx.device.createBuffer({
    label: 'adamw decay mask',
    size: bits.byteLength,
    usage: GPUBufferUsage.STORAGE,
    mappedAtCreation: true,
  });
  new Uint32Array(decayMask.getMappedRange()).set(bits);
  decayMask.unmap();
  return { m: zeros('adamw m'), v: zeros('adamw v'), step: 0, decayMask };
}

/**
 * One AdamW update of params[start..end) at step t (1 for the first), with bias correction and
 * decoupled weight decay (none where `decay` is false). With `status` (from clipGradients or
 * gradientNorm) a non-finite gradient norm leaves everything untouched.
 */
export function adamwUpdate(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  params: GpuTensor,
  grads: GpuTensor,
  m: GpuTensor,
  v: GpuTensor,
  t: number,
  options: AdamWOptions,
  decay: boolean,
  start: number,
  end: number,
  status: GpuTensor | null = null,
): void {
  recordAdamW(
    ctx,
    encoder,
    params,
    grads,
    m,
    v,
    t,
    options,
    decay ? options.weightDecay : 0,
    null,
    start,
    end,
    status,
  );
}

/** One AdamW step over the whole model in one dispatch, weight decay as the layout says; advances state.step. */
export function adamwStep(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  layout: ParameterLayout,
  params: GpuTensor,
  grads: GpuTensor,
  state: GpuAdamWState,
  options: AdamWOptions,
  status: GpuTensor | null = null,
): void {
  state.step += 1;
  const { m, v, decayMask, step } = state;
  recordAdamW(
    ctx,
    encoder,
    params,
    grads,
    m,
    v,
    step,
    options,
    options.weightDecay,
    decayMask,
    0,
    layout.totalFloats,
    status,
  );
}

function recordAdamW(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  params: GpuTensor,
  grads: GpuTensor,
  m: GpuTensor,
  v: GpuTensor,
  t: number,
  options: AdamWOptions,
  weightDecay: number,
  decayMask: GPUBuffer | null,
  start: number,
  end: number,
  status: GpuTensor | null,
): void {
  const { learningRate, beta1, beta2, epsilon } = options;
  const shape = ctx.uniform({
    u32: [end, 0, start, end],
    f32: [
      0,
      learningRate,
      beta1,
      beta2,
      epsilon,
      weightDecay,
      1 - Math.pow(beta1, t),
      1 - Math.pow(beta2, t),
    ],
  });
  const pipeline = ctx.pipeline(code, 'adamw', { USE_DECAY_MASK: decayMask !== null });
  ctx.dispatch(
    encoder,
    pipeline,
    [shape, params, grads, m, v, decayMask ?? ctx.placeholder, status ?? ctx.placeholder],
    grid(end - start, 256),
  );
}
