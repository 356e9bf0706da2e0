import { createRandom } from '../core/random.ts';
import { validateModelConfig, type ModelConfig } from './config.ts';

/**
 * Every parameter of the model lives in one flat array; a tensor is a named range of it.
 * Order: the token embedding, the position table (learned positions only), then block by block,
 * then the final layer norm, the order of a PyTorch state dict. Linear weights are stored
 * [out, in] (y = x W^T + b), as in PyTorch and llm.c, so checkpoints export without transposes.
 *
 * Each tensor starts on a multiple of 64 floats (256 bytes), WebGPU's default
 * minStorageBufferOffsetAlignment, so the GPU engine can bind any tensor as a range of the one
 * buffer. The gaps are zero in parameters, gradients and optimizer state, and stay zero.
 */

/** How a tensor starts: GPT-2's normal(0, 0.02), that scaled by 1/sqrt(2L) for projections into the residual stream, ones, or zeros. */
export type TensorInit = 'normal' | 'residual' | 'ones' | 'zeros';

export interface TensorSpec {
  /** State-dict style name, e.g. `blocks.0.attn.qkv.weight`. */
  readonly name: string;
  readonly shape: readonly number[];
  /** Index of the first element in the flat array. */
  readonly offset: number;
  /** Elements (product of the shape). */
  readonly size: number;
  readonly init: TensorInit;
  /** Whether AdamW's weight decay applies: matrices and embeddings yes, biases and norm gains no. */
  readonly decay: boolean;
}

/** The names of one block's tensors, so callers need not build strings. */
export interface BlockTensors {
  readonly ln1Weight: TensorSpec; // [h]
  readonly ln1Bias: TensorSpec; // [h]
  readonly qkvWeight: TensorSpec; // [3h, h]: rows of queries, then keys, then values; head j owns rows j*d..(j+1)*d-1 of each
  readonly qkvBias: TensorSpec; // [3h]
  readonly attnProjWeight: TensorSpec; // [h, h]
  readonly attnProjBias: TensorSpec; // [h]
  readonly ln2Weight: TensorSpec; // [h]
  readonly ln2Bias: TensorSpec; // [h]
  readonly fcWeight: TensorSpec; // [f, h]
  readonly fcBias: TensorSpec; // [f]
  readonly fcProjWeight: TensorSpec; // [h, f]
  readonly fcProjBias: TensorSpec; // [h]
}

export interface ParameterLayout {
  readonly config: ModelConfig;
  /** In storage order. */
  readonly tensors: readonly TensorSpec[];
  readonly wte: TensorSpec; // [V, h], also the output embedding (tied)
  readonly wpe: TensorSpec | null; // [context, h], learned positions only
  readonly blocks: readonly BlockTensors[];
  readonly lnfWeight: TensorSpec; // [h]
  readonly lnfBias: TensorSpec; // [h]
  /** Length of the flat array, alignment gaps included. */
  readonly totalFloats: number;
  /** Trainable parameters (gaps excluded). */
  readonly parameterCount: number;
}

/** Floats per alignment unit: 256 bytes. */
export const TENSOR_ALIGNMENT = 64;

export function parameterLayout(config: ModelConfig): ParameterLayout {
  validateModelConfig(config);
  const { layers: L, width: h, ffWidth: f, context, vocabSize: V } = config;
  const tensors: TensorSpec[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], init: TensorInit, decay: boolean): TensorSpec => {
    const size = shape.reduce((a, b) => a * b, 1);
    const spec: TensorSpec = { name, shape, offset, size, init, decay };
    tensors.push(spec);
    offset += Math.ceil(size / TENSOR_ALIGNMENT) * TENSOR_ALIGNMENT;
    return spec;
  };

  const wte = add('wte', [V, h], 'normal', true);
  const wpe = config.positions === 'learned' ? add('wpe', [context, h], 'normal', true) : null;
  const blocks: BlockTensors[] = [];
  for (let l = 0; l < L; l++) {
    const p = `blocks.${l}`;
    blocks.push({
      ln1Weight: add(`${p}.ln1.weight`, [h], 'ones', false),
      ln1Bias: add(`${p}.ln1.bias`, [h], 'zeros', false),
      qkvWeight: add(`${p}.attn.qkv.weight`, [3 * h, h], 'normal', true),
      qkvBias: add(`${p}.attn.qkv.bias`, [3 * h], 'zeros', false),
      attnProjWeight: add(`${p}.attn.proj.weight`, [h, h], 'residual', true),
      attnProjBias: add(`${p}.attn.proj.bias`, [h], 'zeros', false),
      ln2Weight: add(`${p}.ln2.weight`, [h], 'ones', false),
      ln2Bias: add(`${p}.ln2.bias`, [h], 'zeros', false),
      fcWeight: add(`${p}.mlp.fc.weight`, [f, h], 'normal', true),
      fcBias: add(`${p}.mlp.fc.bias`, [f], 'zeros', false),
      fcProjWeight: add(`${p}.mlp.proj.weight`, [h, f], 'residual', true),
      fcProjBias: add(`${p}.mlp.proj.bias`, [h], 'zeros', false),
    });
  }
  const lnfWeight = add('lnf.weight', [h], 'ones', false);
  const lnfBias = add('lnf.bias', [h], 'zeros', false);

  return {
    config,
    tensors,
    wte,
    wpe,
    blocks,
    lnfWeight,
    lnfBias,
    totalFloats: offset,
    parameterCount: tensors.reduce((sum, t) => sum + t.size, 0),
  };
}

/** Standard deviation of GPT-2's initialisation. */
export const INIT_STD = 0.02;

/**
 * GPT-2 initialisation, reproducible from the seed: normal(0, 0.02) for embeddings and weights,
 * 0.02 / sqrt(2L) for the two projections that write into the residual stream (so its variance
 * does not grow with depth), ones for norm gains, zeros for biases and the alignment gaps.
 */
export function initParameters(layout: ParameterLayout, seed: number | string): Float32Array {
  const params = new Float32Array(layout.totalFloats);
  const normal = normalStream(seed);
  const residualStd = INIT_STD / Math.sqrt(2 * layout.config.layers);
  for (const tensor of layout.tensors) {
    const values = params.subarray(tensor.offset, tensor.offset + tensor.size);
    if (tensor.init === 'ones') values.fill(1);
    if (tensor.init === 'normal' || tensor.init === 'residual') {
      const std = tensor.init === 'normal' ? INIT_STD : residualStd;
      for (let i = 0; i < values.length; i++) values[i] = std * normal();
    }
  }
  return params;
}

/** The view of one tensor inside a flat array (parameters, gradients or optimizer moments). */
export function tensorView<A extends Float32Array | Float64Array>(flat: A, tensor: TensorSpec): A {
  return flat.subarray(tensor.offset, tensor.offset + tensor.size) as A;
}

/** Standard normal draws (Box-Muller) from the lab's seeded generator. */
export function normalStream(seed: number | string): () => number {
  const random = createRandom(`model-init/${seed}`);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const u = 1 - random.next(); // in (0, 1], so the log is finite
    const v = random.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
}
