import { LAYER_NORM_EPSILON, ROTARY_BASE, type ModelConfig } from '../config.ts';
import { tensorView, type ParameterLayout, type TensorSpec } from '../layout.ts';
import { rotaryForward } from './attention.ts';
import { embeddingForward, geluForward, layerNormForward, matmulForward, residualForward } from './ops.ts';

/**
 * Incremental forward of the CPU reference for decoding (float64): one sequence's keys and values
 * stay in a cache, so each new token costs one token's forward plus attention over the cache,
 * where modelForward would re-run the whole sequence. Several sequences, each with its own cache,
 * go through one call, so the dense layers run over all their new tokens together: a prompt is
 * read in one call (prefill), then each call reads one token per sequence (decode). Positions
 * count from the sequence's first token, as the GPU's left-padded generation counts them (padding
 * is a segment of its own there).
 *
 * Every number is computed in the order modelForward computes it for the same sequence (the same
 * ops on each row, attention summed over the same keys in the same order), so the logits equal
 * those of modelForward on the whole sequence; the generation tests hold the two to that.
 */

type Vec = Float64Array;

/** The keys and values of the tokens one sequence has read so far. */
export interface KeyValueCache {
  /** Tokens read so far: the position of the next one. */
  length: number;
  /** Tokens the cache can hold. */
  readonly capacity: number;
  /** Per layer [capacity, C]: keys, rotated where positions are rotary. */
  readonly keys: readonly Vec[];
  /** Per layer [capacity, C]. */
  readonly values: readonly Vec[];
}

export function createKeyValueCache(config: ModelConfig, capacity: number): KeyValueCache {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > config.context) {
    throw new Error(
      `A key-value cache holds 1..${config.context} tokens (the model's context); got ${capacity}.`,
    );
  }
  const make = (): Vec[] =>
    Array.from({ length: config.layers }, () => new Float64Array(capacity * config.width));
  return { length: 0, capacity, keys: make(), values: make() };
}

/**
 * Reads tokens[k] after the tokens already in caches[k], for every sequence k at once, appends
 * their keys and values, and returns the logits [K, V] after the last token of each sequence (its
 * next token's distribution). Sequences may read different numbers of tokens: a prefill reads a
 * prompt, a decode step one token per sequence.
 */
export function forwardCached(
  layout: ParameterLayout,
  params: Vec,
  caches: readonly KeyValueCache[],
  tokens: readonly ArrayLike<number>[],
): Vec {
  const { config } = layout;
  const { width: C, ffWidth: F, heads: NH, vocabSize: V } = config;
  if (params.length !== layout.totalFloats) {
    throw new Error(`Parameters have ${params.length} floats; this layout needs ${layout.totalFloats}.`);
  }
  if (caches.length !== tokens.length) {
    throw new Error(
      `forwardCached got ${caches.length} caches and ${tokens.length} token lists: give one of each per sequence.`,
    );
  }
  const K = caches.length;
  // The sequences' new tokens stacked into N rows: sequence k owns rows firstRow[k]..firstRow[k+1]-1.
  const firstRow = new Int32Array(K + 1);
  for (const [k, cache] of caches.entries()) {
    const T = tokens[k]!.length;
    if (cache.keys.length !== config.layers || cache.keys[0]!.length !== cache.capacity * C) {
      throw new Error('This key-value cache was made for another model shape: create one for this model.');
    }
    if (T < 1) throw new Error(`Sequence ${k} has no token to read: give each sequence at least one.`);
    if (cache.length + T > cache.capacity) {
      throw new Error(
        `Sequence ${k}'s cache holds ${cache.capacity} tokens and has ${cache.length}; ${T} more do not fit: create a larger cache.`,
      );
    }
    firstRow[k + 1] = firstRow[k]! + T;
  }
  const N = firstRow[K]!;
  const ids = new Int32Array(N);
  const positions = new Int32Array(N);
  for (const [k, cache] of caches.entries()) {
    const sequence = tokens[k]!;
    for (let i = 0; i < sequence.length; i++) {
      const token = sequence[i]!;
      if (!(Number.isInteger(token) && token >= 0 && token < V)) {
        throw new Error(`Token ${token} (sequence ${k}, index ${i}) is outside the vocabulary 0..${V - 1}.`);
      }
      ids[firstRow[k]! + i] = token;
      positions[firstRow[k]! + i] = cache.length + i;
    }
  }

  const p = (tensor: TensorSpec): Vec => tensorView(params, tensor);
  const eps = LAYER_NORM_EPSILON;
  let residual = new Float64Array(N * C);
  const wpe = layout.wpe === null ? null : p(layout.wpe);
  embeddingForward(residual, ids, positions, p(layout.wte), wpe, N, C);

  const mean = new Float64Array(N);
  const rstd = new Float64Array(N);
  const ln = new Float64Array(N * C);
  const qkv = new Float64Array(N * 3 * C);
  const qkvRotated = config.positions === 'rotary' ? new Float64Array(N * 3 * C) : qkv;
  const atty = new Float64Array(N * C);
  const proj = new Float64Array(N * C);
  const fch = new Float64Array(N * F);
  const fchGelu = new Float64Array(N * F);
  for (const [l, w] of layout.blocks.entries()) {
    layerNormForward(ln, mean, rstd, residual, p(w.ln1Weight), p(w.ln1Bias), N, C, eps);
    matmulRowsForward(qkv, ln, p(w.qkvWeight), p(w.qkvBias), N, C, 3 * C);
    if (qkvRotated !== qkv) rotaryForward(qkvRotated, qkv, positions, N, C, NH, ROTARY_BASE);
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
      cachedAttentionForward(atty, qkvRotated, first, keys, values, cache.length, T, C, NH);
    }
    matmulRowsForward(proj, atty, p(w.attnProjWeight), p(w.attnProjBias), N, C, C);
    const residual2 = new Float64Array(N * C);
    residualForward(residual2, residual, proj, N * C);
    layerNormForward(ln, mean, rstd, residual2, p(w.ln2Weight), p(w.ln2Bias), N, C, eps);
    matmulRowsForward(fch, ln, p(w.fcWeight), p(w.fcBias), N, C, F);
    geluForward(fchGelu, fch, N * F);
    matmulRowsForward(proj, fchGelu, p(w.fcProjWeight), p(w.fcProjBias), N, F, C);
    residual = new Float64Array(N * C);
    residualForward(residual, residual2, proj, N * C);
  }
  for (const [k, cache] of caches.entries()) cache.length += firstRow[k + 1]! - firstRow[k]!;

  // Only each sequence's last token's distribution is wanted: the final norm and logits of K rows.
  const last = new Float64Array(K * C);
  for (let k = 0; k < K; k++)
    last.set(residual.subarray((firstRow[k + 1]! - 1) * C, firstRow[k + 1]! * C), k * C);
  const lnf = new Float64Array(K * C);
  layerNormForward(lnf, mean, rstd, last, p(layout.lnfWeight), p(layout.lnfBias), K, C, eps);
  const logits = new Float64Array(K * V);
  matmulRowsForward(logits, lnf, p(layout.wte), null, K, C, V); // tied output embedding
  return logits;
}

/**
 * matmulForward (out = inp weight^T + bias) with the same sums in the same order, four rows at a
 * time so each weight is read once per four rows: about twice as fast in V8, and exactly equal.
 * inp [N, C]; weight [OC, C]; bias [OC] or null; out [N, OC]
 */
function matmulRowsForward(
  out: Vec,
  inp: Vec,
  weight: Vec,
  bias: Vec | null,
  N: number,
  C: number,
  OC: number,
): void {
  let n = 0;
  for (; n + 4 <= N; n += 4) {
    const in0 = n * C;
    const in1 = in0 + C;
    const in2 = in1 + C;
    const in3 = in2 + C;
    for (let o = 0; o < OC; o++) {
      const b = bias === null ? 0 : bias[o]!;
      let sum0 = b;
      let sum1 = b;
      let sum2 = b;
      let sum3 = b;
      const row = o * C;
      for (let c = 0; c < C; c++) {
        const w = weight[row + c]!;
        sum0 += inp[in0 + c]! * w;
        sum1 += inp[in1 + c]! * w;
        sum2 += inp[in2 + c]! * w;
        sum3 += inp[in3 + c]! * w;
      }
      out[n * OC + o] = sum0;
      out[(n + 1) * OC + o] = sum1;
      out[(n + 2) * OC + o] = sum2;
      out[(n + 3) * OC + o] = sum3;
    }
  }
  if (n < N) matmulForward(out.subarray(n * OC), inp.subarray(n * C), weight, bias, N - n, C, OC);
}

/**
 * Causal attention of one sequence's T new tokens (queries in rows first..first+T-1 of qkv
 * [N, 3C], at positions start..start+T-1) over its cache's keys and values [start + T, C], which
 * already hold the new tokens'. The sums run in attentionForward's order so the results match it
 * exactly. Writes rows first..first+T-1 of out [N, C].
 */
function cachedAttentionForward(
  out: Vec,
  qkv: Vec,
  first: number,
  keys: Vec,
  values: Vec,
  start: number,
  T: number,
  C: number,
  NH: number,
): void {
  const hs = C / NH;
  const scale = 1 / Math.sqrt(hs);
  const weights = new Float64Array(start + T);
  for (let i = 0; i < T; i++) {
    const t = start + i;
    for (let h = 0; h < NH; h++) {
      const query = (first + i) * 3 * C + h * hs;
      let max = -Infinity;
      for (let s = 0; s <= t; s++) {
        const key = s * C + h * hs;
        let score = 0;
        for (let j = 0; j < hs; j++) score += qkv[query + j]! * keys[key + j]!;
        score *= scale;
        weights[s] = score;
        if (score > max) max = score;
      }
      let sum = 0;
      for (let s = 0; s <= t; s++) {
        const e = Math.exp(weights[s]! - max);
        weights[s] = e;
        sum += e;
      }
      const output = (first + i) * C + h * hs;
      for (let j = 0; j < hs; j++) out[output + j] = 0;
      for (let s = 0; s <= t; s++) {
        const weight = weights[s]! / sum;
        const value = s * C + h * hs;
        for (let j = 0; j < hs; j++) out[output + j]! += weight * values[value + j]!;
      }
    }
  }
}
