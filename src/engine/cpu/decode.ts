import { LAYER_NORM_EPSILON, ROTARY_BASE, type ModelConfig } from '../../model/config.ts';
import { tensorView, type TensorSpec } from '../../model/layout.ts';
import { embeddingForward } from '../../model/reference/ops.ts';
import { residualForward } from './copy.ts';
import { layerNormForward } from './norm.ts';
import { linearForward } from './linear.ts';
import { geluForward, rotary, rotaryTable } from './pointwise.ts';
import type { CpuModelMemory } from './model.ts';
import type { CpuRuntime } from './runtime.ts';

/**
 * The fast CPU engine's incremental forward for generation: model/reference/decode.ts in float32,
 * with the dense layers of all sequences' new tokens as one matrix product on the kernels. The
 * keys and values live in the runtime's memory too, keys transposed ([C, capacity]) so that a new
 * token's scores over its cache are one row of a matrix product, and its weighted sum of the
 * values another: attention runs on the kernels, not in scalar JavaScript.
 */

export interface Float32Cache {
  length: number;
  readonly capacity: number;
  /** Per layer, byte offsets in the runtime's memory: keys [C, capacity] (rotated where rotary). */
  readonly keys: readonly number[];
  /** Per layer, byte offsets: values [capacity, C]. */
  readonly values: readonly number[];
}

/**
 * A cache allocated at the runtime's current mark: create every cache of a generation first, then
 * call forwardCached with the mark after the last (`rt.mark`), where its activations start.
 */
export function createFloat32Cache(rt: CpuRuntime, config: ModelConfig, capacity: number): Float32Cache {
  const floats = capacity * config.width;
  rt.reset(rt.mark, 2 * config.layers * (floats + 4));
  const make = (): number[] =>
    Array.from({ length: config.layers }, () => rt.alloc(floats, false).byteOffset);
  return { length: 0, capacity, keys: make(), values: make() };
}

/** Reads tokens[k] after caches[k] for every k; returns the logits [K, V] after each sequence's last token. */
export function forwardCached(
  rt: CpuRuntime,
  model: CpuModelMemory,
  /** Where this call's activations start: the mark after the last cache was created. */
  base: number,
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
  const longest = Math.max(...caches.map((cache) => cache.capacity));
  const tableFloats = N * (C / NH) + 4;
  rt.reset(base, N * (12 * C + 2 * F + 2) + K * (2 * C + V) + longest + tableFloats + 68);
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
  const table = qkvRotated === qkv ? null : rotaryTable(rt, positions, N, C, NH, ROTARY_BASE, 1);
  const atty = rt.alloc(N * C);
  const proj = rt.alloc(N * C);
  const fch = rt.alloc(N * F);
  const fchGelu = rt.alloc(N * F);
  const residual2 = rt.alloc(N * C);
  const scores = rt.alloc(longest, false);
  // No allocation below grows the memory, so this view of it stays valid for the whole call.
  const memory = new Float32Array(rt.memory.buffer);
  for (const [l, w] of layout.blocks.entries()) {
    layerNormForward(rt, ln, mean, rstd, residual, p(w.ln1Weight), p(w.ln1Bias), N, C, eps);
    linearForward(rt, qkv, ln, pt(w.qkvWeight), p(w.qkvBias), N, C, 3 * C);
    if (qkvRotated !== qkv) rotary(rt, qkvRotated, qkv, positions, N, C, NH, ROTARY_BASE, 1, table);
    rt.zero(atty);
    for (const [k, cache] of caches.entries()) {
      const first = firstRow[k]!;
      const T = firstRow[k + 1]! - first;
      const keys = cache.keys[l]! / 4;
      const values = cache.values[l]! / 4;
      for (let i = 0; i < T; i++) {
        const row = (first + i) * 3 * C;
        const t = cache.length + i;
        for (let c = 0; c < C; c++) memory[keys + c * cache.capacity + t] = qkvRotated[row + C + c]!;
        memory.set(qkvRotated.subarray(row + 2 * C, row + 3 * C), values + t * C);
      }
      const at = { memory, keys, values, capacity: cache.capacity, start: cache.length };
      cachedAttention(rt, atty, qkvRotated, first, at, T, C, NH, scores);
    }
    linearForward(rt, proj, atty, pt(w.attnProjWeight), p(w.attnProjBias), N, C, C);
    residualForward(rt, residual2, residual, proj, N * C);
    layerNormForward(rt, ln, mean, rstd, residual2, p(w.ln2Weight), p(w.ln2Bias), N, C, eps);
    linearForward(rt, fch, ln, pt(w.fcWeight), p(w.fcBias), N, C, F);
    geluForward(rt, fchGelu, fch, N * F);
    linearForward(rt, proj, fchGelu, pt(w.fcProjWeight), p(w.fcProjBias), N, F, C);
    residualForward(rt, residual, residual2, proj, N * C);
  }
  for (const [k, cache] of caches.entries()) cache.length += firstRow[k + 1]! - firstRow[k]!;

  const last = rt.alloc(K * C);
  for (let k = 0; k < K; k++)
    last.set(residual.subarray((firstRow[k + 1]! - 1) * C, firstRow[k + 1]! * C), k * C);
  const lnf = rt.alloc(K * C);
  layerNormForward(rt, lnf, mean, rstd, last, p(layout.lnfWeight), p(layout.lnfBias), K, C, eps);
  const logits = rt.alloc(K * V);
  linearForward(rt, logits, lnf, pt(layout.wte), null, K, C, V);
  return Float64Array.from(logits);
}

/** One sequence's cache of one layer: float offsets of its keys and values in `memory`. */
interface LayerCache {
  readonly memory: Float32Array;
  readonly keys: number;
  readonly values: number;
  readonly capacity: number;
  /** Tokens cached before this call's. */
  readonly start: number;
}

/**
 * Causal attention of one sequence's T new tokens (rows first.. of qkv) over its cache, whose
 * first start + T positions are filled; out (zeroed by the caller) receives the heads' outputs.
 */
function cachedAttention(
  rt: CpuRuntime,
  out: Float32Array,
  qkv: Float32Array,
  first: number,
  cache: LayerCache,
  T: number,
  C: number,
  NH: number,
  scores: Float32Array,
): void {
  const { memory, keys, values, capacity, start } = cache;
  const hs = C / NH;
  const scale = 1 / Math.sqrt(hs);
  for (let i = 0; i < T; i++) {
    const t = start + i;
    for (let h = 0; h < NH; h++) {
      const query = (first + i) * 3 * C + h * hs;
      scores.fill(0, 0, t + 1);
      // scores [1, t + 1] = q [1, hs] keys [hs, t + 1] (this head's rows of the transposed keys)
      rt.matmul(qkv, query, memory, keys + h * hs * capacity, scores, 0, 1, t + 1, hs, hs, 1, capacity, 0);
      let max = -Infinity;
      for (let s = 0; s <= t; s++) max = Math.max(max, scores[s]! * scale);
      let sum = 0;
      for (let s = 0; s <= t; s++) {
        const e = Math.exp(scores[s]! * scale - max);
        scores[s] = e;
        sum += e;
      }
      for (let s = 0; s <= t; s++) scores[s] = scores[s]! / sum;
      // out [1, hs] += p [1, t + 1] values [t + 1, hs]
      rt.matmul(scores, 0, memory, values + h * hs, out, (first + i) * C + h * hs, 1, hs, t + 1, 0, 1, C, C);
    }
  }
}
