import type { ParameterLayout } from '../../model/layout.ts';
import type { AdamWOptions } from '../../model/reference/optim.ts';
import { ADAMW_CONSTANTS } from './kernels-optim.ts';
import { floatBits, type CpuRuntime } from './runtime.ts';

/**
 * The optimizer side of a training step on the CPU engine's kernels (kernels-optim.ts): the
 * global gradient norm and AdamW, with clipping folded into AdamW's read of the gradients (the
 * reference, model/reference/optim.ts, scales them first; the product is the same). Both need a
 * little scratch in the runtime's memory: the caller resets the arena (optimizerFloats of room).
 */

/** Floats summed per partial of the norm: float32 sums of 4096 squares lose no more than float32 itself. */
const NORM_BLOCK = 4096;

/** Floats of scratch that gradientNorm and adamwStep allocate, together. */
export function optimizerFloats(layout: ParameterLayout): number {
  return Math.ceil(layout.totalFloats / NORM_BLOCK) + 4 * ADAMW_CONSTANTS.length + 16;
}

function checkVectors(length: number): void {
  if (length % 4 !== 0) {
    throw new Error(`CPU engine bug: the optimizer got ${length} floats, not whole vectors.`);
  }
}

/** sqrt(sum of squares) of grads (in the runtime's memory), the partial sums added in float64. */
export function gradientNorm(rt: CpuRuntime, grads: Float32Array): number {
  checkVectors(grads.length);
  const blocks = Math.ceil(grads.length / NORM_BLOCK);
  const partials = rt.alloc(blocks, false);
  const args = [partials.byteOffset, grads.byteOffset, grads.length, NORM_BLOCK];
  rt.pointwise('sum_squares', args, blocks, 1, NORM_BLOCK);
  let sum = 0;
  for (const partial of partials) sum += partial;
  return Math.sqrt(sum);
}

/**
 * One AdamW step (t, counting from 1) over every tensor, the gradients read times gradScale.
 * Tensors in a row with the same decay go as one run, alignment gaps included: their floats are
 * zero in params, grads and both moments, and zeros stay zeros under the update.
 */
export function adamwStep(
  rt: CpuRuntime,
  layout: ParameterLayout,
  arrays: Readonly<Record<'params' | 'grads' | 'm' | 'v', Float32Array>>,
  t: number,
  options: AdamWOptions,
  gradScale: number,
): void {
  const { learningRate: lr, beta1, beta2, epsilon, weightDecay } = options;
  const constants: Record<(typeof ADAMW_CONSTANTS)[number], number> = {
    beta1,
    oneMinusBeta1: 1 - beta1,
    beta2,
    oneMinusBeta2: 1 - beta2,
    inverseCorrection1: 1 / (1 - Math.pow(beta1, t)),
    inverseCorrection2: 1 / (1 - Math.pow(beta2, t)),
    epsilon,
    learningRate: lr,
    gradScale,
  };
  const table = rt.alloc(ADAMW_CONSTANTS.length, false);
  table.set(ADAMW_CONSTANTS.map((name) => constants[name]));
  const tensors = [...layout.tensors].sort((a, b) => a.offset - b.offset);
  const { params, grads, m, v } = arrays;
  let start = 0;
  for (let i = 0; i < tensors.length; i++) {
    const decay = tensors[i]!.decay;
    const next = tensors[i + 1];
    if (next !== undefined && next.decay === decay) continue;
    const end = next?.offset ?? layout.totalFloats;
    checkVectors(start);
    checkVectors(end);
    const at = (array: Float32Array): number => array.byteOffset + 4 * start;
    const args = [
      at(params),
      at(grads),
      at(m),
      at(v),
      table.byteOffset,
      floatBits(decay ? lr * weightDecay : 0),
    ];
    rt.pointwise('adamw', args, end - start, 4, 8);
    start = end;
  }
}
