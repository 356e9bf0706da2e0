import { LAYER_NORM_EPSILON, ROTARY_BASE, type ModelConfig } from '../../model/config.ts';
import { tensorView, type TensorSpec } from '../../model/layout.ts';
import { embeddingForward, layerNormForward, residualForward } from '../../model/reference/ops.ts';
import { linearForward } from './linear.ts';
import { geluForward, rotary } from './pointwise.ts';
import type { CpuModelMemory } from './model.ts';
import type { CpuRuntime } from './runtime.ts';

/**
 * The fast CPU engine's incremental forward for generation: model/reference/decode.ts in float32,
 * with the dense layers of all sequences' new tokens as one matrix product on the kernels. The
 * keys and values stay in ordinary arrays (attention over a cache is a few dot products per new
 * token); the activations of a call live in the runtime's memory until the next call.
 */

export interface Float32Cache {
  length: number;
  readonly capacity: number;
  /** Per layer [capacity, C], keys rotated where positions are rotary. */
  readonly keys: readonly Float32Array[];
  readonly values: readonly Float32Array[];
}

export function createFloat32Cache(config: ModelConfig, capacity: number): Float32Cache {
  const make = (): Float32Array[] =>
    Array.from({ length: config.layers }, () => new Float32Array(capacity * config.width));
  return { length: 0, capacity, keys: make(), values: make() };
}

/** Reads tokens[k] after caches[k] for every k; returns the logits [K, V] after each sequence's last token. */
export function forwardCached(
  rt: CpuRuntime,
  model: CpuModelMemory,
  caches: readonly Float32Cache[],
  tokens: readonly ArrayLike<number>[],
): Float64Array {
  const { layout } = model;
  const { config } = layout;
  const { width: C, ffWidth: F, heads: NH, vocabSize: V } = config;
  const K = caches.length;
  const firstRow = new Int32Array(K + 1);
  for (const [k, cache] of caches.entries()) {
    const T = tokens[k]!.length;
    if (T < 1 || cache.length + T > cache.capacity) {
      throw new Error(
        `Sequence ${k} does not fit its key-value cache (${cache.length} + ${T} > ${cache.capacity}).`,
      );
    }
    firstRow[k + 1] = firstRow[k]! + T;
  }
  const N = firstRow[K]!;
  const ids = new Int32Array(N);
  const positions = new Int32Array(N);
  for (const [k, cache] of caches.entries()) {
    for (let i = 0; i < tokens[k]!.length; i++) {
      const token = tokens[k]![i]!;
      if (!(Number.isInteger(token) && token >= 0 && token < V)) {
        throw new Error(`Token ${token} (sequence ${k}, index ${i}) is outside the vocabulary 0..${V - 1}.`);
      }
      ids[firstRow[k]! + i] = token;
      positions[firstRow[k]! + i] = cache.length + i;
    }
  }
  rt.reset(model.mark, N * (12 * C + 2 * F + 2) + K * (2 * C + V) + 64);
  const params = model.params;
  const weightsT = model.transposed;
  const p = (tensor: TensorSpec): Float32Array => tensorView(params, tensor);
  const pt = (tensor: TensorSpec): Float32Array => tensorView(weightsT, tensor);
  const eps = LAYER_NORM_EPSILON;
  const residual = rt.alloc(N * C);
  embeddingForward(residual, ids, positions, p(layout.wte), layout.wpe && p(layout.wpe), N, C);
  const mean = rt.alloc(N);
  const rstd = rt.alloc(N);
  const ln = rt.alloc(N * C);
  const qkv = rt.alloc(N * 3 * C);
  const qkvRotated = config.positions === 'rotary' ? rt.alloc(N * 3 * C) : qkv;
  const atty = rt.alloc(N * C);
  const proj = rt.alloc(N * C);
  const fch = rt.alloc(N * F);
  const fchGelu = rt.alloc(N * F);
  const residual2 = rt.alloc(N * C);
  const next = rt.alloc(N * C);
  for (const [l, w] of layout.blocks.entries()) {
    layerNormForward(ln, mean, rstd, residual, p(w.ln1Weight), p(w.ln1Bias), N, C, eps);
    linearForward(rt, qkv, ln, pt(w.qkvWeight), p(w.qkvBias), N, C, 3 * C);
    if (qkvRotated !== qkv) rotary(qkvRotated, qkv, positions, N, C, NH, ROTARY_BASE, 1);
    for (const [k, cache] of caches.entries()) {
      const first = firstRow[k]!;
      const T = firstRow[k + 1]! - first;
      const keys = cache.keys[l]!;
      const values = cache.values[l]!;
      for (let i = 0; i < T; i++) {
        const row = (first + i) * 3 * C;
        keys.set(qkvRotated.subarray(row + C, row + 2 * C), (cache.length + i) * C);
        values.set(qkvRotated.subarray(row + 2 * C, row + 3 * C), (cache.length + i) * C);
      }
      cachedAttention(atty, qkvRotated, first, keys, values, cache.length, T, C, NH);
    }
    linearForward(rt, proj, atty, pt(w.attnProjWeight), p(w.attnProjBias), N, C, C);
    residualForward(residual2, residual, proj, N * C);
    layerNormForward(ln, mean, rstd, residual2, p(w.ln2Weight), p(w.ln2Bias), N, C, eps);
    linearForward(rt, fch, ln, pt(w.fcWeight), p(w.fcBias), N, C, F);
    geluForward(fchGelu, fch, N * F);
    linearForward(rt, proj, fchGelu, pt(w.fcProjWeight), p(w.fcProjBias), N, F, C);
    residualForward(next, residual2, proj, N * C);
    residual.set(next);
  }
  for (const [k, cache] of caches.entries()) cache.length += firstRow[k + 1]! - firstRow[k]!;

  const last = rt.alloc(K * C);
  for (let k = 0; k < K; k++)
    last.set(residual.subarray((firstRow[k + 1]! - 1) * C, firstRow[k + 1]! * C), k * C);
  const lnf = rt.alloc(K * C);
  layerNormForward(lnf, mean, rstd, last, p(layout.lnfWeight), p(layout.lnfBias), K, C, eps);
  const logits = rt.alloc(K * V);
  linearForward(rt, logits, lnf, pt(layout.wte), null, K, C, V);
  return Float64Array.from(logits);
}

/** Causal attention of one sequence's T new tokens (rows first.. of qkv) over its cache [start + T, C]. */
function cachedAttention(
  out: Float32Array,
  qkv: Float32Array,
  first: number,
  keys: Float32Array,
  values: Float32Array,
  start: number,
  T: number,
  C: number,
  NH: number,
): void {
  const hs = C / NH;
  const scale = 1 / Math.sqrt(hs);
  const weights = new Float64Array(start + T);
  const sums = new Float64Array(hs);
  for (let i = 0; i < T; i++) {
    const t = start + i;
    for (let h = 0; h < NH; h++) {
      const query = (first + i) * 3 * C + h * hs;
      let max = -Infinity;
      for (let s = 0; s <= t; s++) {
        const key = s * C + h * hs;
        let score = 0;
        for (let j = 0; j < hs; j++) score += qkv[query + j]! * keys[key + j]!;
        weights[s] = score * scale;
        max = Math.max(max, weights[s]!);
      }
      let sum = 0;
      for (let s = 0; s <= t; s++) {
        weights[s] = Math.exp(weights[s]! - max);
        sum += weights[s]!;
      }
      sums.fill(0);
      for (let s = 0; s <= t; s++) {
        const weight = weights[s]! / sum;
        const value = s * C + h * hs;
        for (let j = 0; j < hs; j++) sums[j] = sums[j]! + weight * values[value + j]!;
      }
      out.set(sums, (first + i) * C + h * hs);
    }
  }
}
