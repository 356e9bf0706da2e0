import type { ParameterLayout } from '../layout.ts';

/**
 * The CPU reference of the optimizer side of a training step (float64): the global gradient norm,
 * clipping by it, and AdamW.
 */

type Vec = Float64Array;
/** The fast CPU engine (engine/cpu) runs the same optimizer on float32 arrays. */
type Floats = Float64Array | Float32Array;

/** sqrt(sum of squares) over every gradient of the model (the alignment gaps are zero). */
export function gradientNorm(grads: Floats): number {
  let sum = 0;
  for (let i = 0; i < grads.length; i++) sum += grads[i]! * grads[i]!;
  return Math.sqrt(sum);
}

/**
 * Scales the gradients by maxNorm / norm when their global norm exceeds maxNorm (llm.c's rule);
 * returns the norm before clipping and the scale applied. A norm that is not finite scales
 * nothing: the caller must skip that step.
 */
export function clipGradients(grads: Floats, maxNorm: number): { norm: number; scale: number } {
  const norm = gradientNorm(grads);
  const scale = norm > maxNorm ? maxNorm / norm : 1;
  if (scale !== 1) for (let i = 0; i < grads.length; i++) grads[i]! *= scale;
  return { norm, scale };
}

export interface AdamWOptions {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Decoupled (Loshchilov & Hutter): p -= lr * weightDecay * p, outside the adaptive update. */
  readonly weightDecay: number;
}

/** The optimizer's memory: first and second moments in the parameters' layout, and steps taken. */
export interface AdamWState {
  readonly m: Vec;
  readonly v: Vec;
  step: number;
}

export function adamwState(layout: ParameterLayout): AdamWState {
  return { m: new Float64Array(layout.totalFloats), v: new Float64Array(layout.totalFloats), step: 0 };
}

/**
 * One AdamW update of params[start..end) at step t (1 for the first), with bias correction:
 * m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  mhat = m / (1 - b1^t);  vhat = v / (1 - b2^t);
 * p -= lr (mhat / (sqrt(vhat) + eps) + wd p)   (wd = 0 where `decay` is false)
 */
export function adamwUpdate(
  params: Floats,
  grads: Floats,
  m: Floats,
  v: Floats,
  t: number,
  options: AdamWOptions,
  decay: boolean,
  start = 0,
  end = params.length,
): void {
  const { learningRate: lr, beta1, beta2, epsilon } = options;
  const weightDecay = decay ? options.weightDecay : 0;
  const correction1 = 1 - Math.pow(beta1, t);
  const correction2 = 1 - Math.pow(beta2, t);
  for (let i = start; i < end; i++) {
    const g = grads[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * g;
    const vi = beta2 * v[i]! + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    const update = mi / correction1 / (Math.sqrt(vi / correction2) + epsilon);
    params[i]! -= lr * (update + weightDecay * params[i]!);
  }
}

/** One AdamW step over the whole model, tensor by tensor (decay as the layout says). */
export function adamwStep(
  layout: ParameterLayout,
  params: Floats,
  grads: Floats,
  state: { readonly m: Floats; readonly v: Floats; step: number },
  options: AdamWOptions,
): void {
  state.step += 1;
  for (const tensor of layout.tensors) {
    adamwUpdate(
      params,
      grads,
      state.m,
      state.v,
      state.step,
      options,
      tensor.decay,
      tensor.offset,
      tensor.offset + tensor.size,
    );
  }
}
