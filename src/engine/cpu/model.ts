import {
  lossNormaliserOf,
  lossWeightsOf,
  positionsOf,
  segmentsOf,
  tokenLossOf,
  validateBatch,
  type TokenBatch,
} from '../../model/batch.ts';
import { LAYER_NORM_EPSILON, ROTARY_BASE } from '../../model/config.ts';
import { tensorView, type BlockTensors, type ParameterLayout, type TensorSpec } from '../../model/layout.ts';
import {
  attentionBackward,
  attentionFloats,
  attentionForward,
  attentionScratchSizes,
  type AttentionScratch,
} from './attention.ts';
import { embeddingBackward, embeddingForward, placeTokens, residualForward, transpose } from './copy.ts';
import { geluBackward, geluForward, rotary, rotaryTable } from './pointwise.ts';
import { linearBackward, linearForward } from './linear.ts';
import { lossHead } from './loss.ts';
import { layerNormBackward, layerNormForward } from './norm.ts';
import type { CpuRuntime } from './runtime.ts';

/**
 * The whole model on the fast CPU engine, in float32: the reference's forward and backward
 * (model/reference/model.ts, same activations and order) with every op on the WebAssembly
 * kernels: the dense products and attention, and the pointwise ops (layer norm, GELU, rotary
 * positions, residual sums, embedding: norm.ts, pointwise.ts, copy.ts). Parameters, gradients,
 * AdamW's moments and the transposed weights stay in the runtime's memory; each call's
 * activations are allocated after them and freed by the next call.
 */

/** The model's arrays in the runtime's memory, re-viewed whenever the memory grows. */
export class CpuModelMemory {
  private buffer: ArrayBufferLike | null = null;
  private views: Record<'params' | 'grads' | 'm' | 'v' | 'transposed', Float32Array> | null = null;
  /** Where each call's activations start. */
  readonly mark: number;

  constructor(
    private readonly rt: CpuRuntime,
    readonly layout: ParameterLayout,
  ) {
    rt.reset(0, 5 * layout.totalFloats + 64);
    for (let i = 0; i < 5; i++) rt.alloc(layout.totalFloats);
    this.mark = rt.mark;
  }

  private get all(): Record<'params' | 'grads' | 'm' | 'v' | 'transposed', Float32Array> {
    if (this.views === null || this.buffer !== this.rt.memory.buffer) {
      this.buffer = this.rt.memory.buffer;
      const floats = this.layout.totalFloats;
      const at = (i: number): Float32Array => new Float32Array(this.buffer!, 4 * i * floats, floats);
      this.views = { params: at(0), grads: at(1), m: at(2), v: at(3), transposed: at(4) };
    }
    return this.views;
  }
  get params(): Float32Array {
    return this.all.params;
  }
  get grads(): Float32Array {
    return this.all.grads;
  }
  get m(): Float32Array {
    return this.all.m;
  }
  get v(): Float32Array {
    return this.all.v;
  }
  /** Each weight matrix [OC, C] transposed to [C, OC], at the weight's own offset. */
  get transposed(): Float32Array {
    return this.all.transposed;
  }

  /** Refreshes the transposed weights from the parameters (after every change of the parameters). */
  transposeWeights(): void {
    const { params, transposed } = this.all;
    for (const tensor of this.layout.tensors) {
      if (tensor.shape.length !== 2 || tensor === this.layout.wpe) continue;
      const [rows, cols] = tensor.shape as [number, number];
      transpose(this.rt, tensorView(transposed, tensor), tensorView(params, tensor), rows, cols);
    }
  }
}

/** Floats of one forward and backward over a B x T batch, the allocator's padding included. */
export function activationFloats(layout: ParameterLayout, B: number, T: number): number {
  const { width: C, ffWidth: F, heads: NH, vocabSize: V, layers: L } = layout.config;
  const N = B * T;
  const forward =
    2 * N * C +
    6 * N +
    2 * N * V +
    L * (12 * N * C + 2 * N * F + 4 * N + (N * C) / NH + attentionFloats(B, T, NH));
  const backward = 2 * N * C + L * (10 * N * C + 2 * N * F + (N * C) / NH + 4);
  return forward + backward + attentionScratchSizes(B, T, C, NH).reduce((x, y) => x + y) + 4 * (40 * L + 40);
}

interface BlockActivations {
  readonly residual: Float32Array;
  readonly ln1: Float32Array;
  readonly ln1Mean: Float32Array;
  readonly ln1Rstd: Float32Array;
  readonly qkvRotated: Float32Array;
  readonly att: Float32Array;
  readonly atty: Float32Array;
  readonly residual2: Float32Array;
  readonly ln2: Float32Array;
  readonly ln2Mean: Float32Array;
  readonly ln2Rstd: Float32Array;
  readonly fch: Float32Array;
  readonly fchGelu: Float32Array;
  readonly residual3: Float32Array;
}

export interface CpuActivations {
  readonly positions: Int32Array;
  readonly segments: Int32Array;
  /** The tokens and positions in the runtime's memory (placeTokens), for the embedding's kernels. */
  readonly ids: Int32Array;
  readonly encoded: Float32Array;
  readonly blocks: readonly BlockActivations[];
  readonly lnf: Float32Array;
  readonly lnfMean: Float32Array;
  readonly lnfRstd: Float32Array;
  readonly logits: Float32Array;
  /** With targets: the loss, every token's log-probability, and dlogits when training. */
  readonly loss: {
    readonly loss: number;
    readonly logProbs: Float64Array;
    readonly dlogits: Float32Array | null;
  } | null;
  readonly scratch: AttentionScratch;
  /** With rotary positions, rotaryTable's angles for the forward and (when training) the backward. */
  readonly rotaryTables: {
    readonly forward: Float32Array | null;
    readonly backward: Float32Array | null;
  } | null;
}

/**
 * The forward of one batch, its activations allocated in the runtime's memory from model.mark (so
 * the caller resets the runtime first, with activationFloats of room). With `train`, the loss
 * head also writes dlogits for modelBackward.
 */
export function modelForward(
  rt: CpuRuntime,
  model: CpuModelMemory,
  batch: TokenBatch,
  train: boolean,
): CpuActivations {
  const { layout } = model;
  const { config } = layout;
  validateBatch(batch, config);
  const { batchSize: B, seqLen: T } = batch;
  const { width: C, ffWidth: F, heads: NH, vocabSize: V } = config;
  const N = B * T;
  const params = model.params;
  const weightsT = model.transposed;
  const p = (tensor: TensorSpec): Float32Array => tensorView(params, tensor);
  const pt = (tensor: TensorSpec): Float32Array => tensorView(weightsT, tensor);
  const positions = positionsOf(batch);
  const segments = segmentsOf(batch);
  const eps = LAYER_NORM_EPSILON;
  const scratchSizes = attentionScratchSizes(B, T, C, NH);
  const scratch = {
    scores: rt.alloc(scratchSizes[0], false),
    transposed: rt.alloc(scratchSizes[1], false),
    segments: rt.alloc(scratchSizes[2]),
  };
  const shape = { B, T, C, NH };
  const table = (direction: 1 | -1): Float32Array | null =>
    rotaryTable(rt, positions, N, C, NH, ROTARY_BASE, direction);
  const rotaryTables =
    config.positions === 'rotary' ? { forward: table(1), backward: train ? table(-1) : null } : null;

  const encoded = rt.alloc(N * C, false);
  const ids = placeTokens(rt, batch.tokens, positions, N);
  embeddingForward(rt, encoded, ids, p(layout.wte), layout.wpe && p(layout.wpe), N, C);
  const blocks: BlockActivations[] = [];
  let residual = encoded;
  for (const w of layout.blocks) {
    const ln1 = rt.alloc(N * C, false);
    const ln1Mean = rt.alloc(N, false);
    const ln1Rstd = rt.alloc(N, false);
    layerNormForward(rt, ln1, ln1Mean, ln1Rstd, residual, p(w.ln1Weight), p(w.ln1Bias), N, C, eps);
    const qkv = rt.alloc(N * 3 * C, false);
    linearForward(rt, qkv, ln1, pt(w.qkvWeight), p(w.qkvBias), N, C, 3 * C);
    let qkvRotated = qkv;
    if (rotaryTables !== null) {
      qkvRotated = rt.alloc(N * 3 * C, false);
      rotary(rt, qkvRotated, qkv, positions, N, C, NH, ROTARY_BASE, 1, rotaryTables.forward);
    }
    const att = rt.alloc(attentionFloats(B, T, NH), false);
    const atty = rt.alloc(N * C);
    attentionForward(rt, atty, att, qkvRotated, segments, shape, scratch);
    const attproj = rt.alloc(N * C, false);
    linearForward(rt, attproj, atty, pt(w.attnProjWeight), p(w.attnProjBias), N, C, C);
    const residual2 = rt.alloc(N * C, false);
    residualForward(rt, residual2, residual, attproj, N * C);
    const ln2 = rt.alloc(N * C, false);
    const ln2Mean = rt.alloc(N, false);
    const ln2Rstd = rt.alloc(N, false);
    layerNormForward(rt, ln2, ln2Mean, ln2Rstd, residual2, p(w.ln2Weight), p(w.ln2Bias), N, C, eps);
    const fch = rt.alloc(N * F, false);
    linearForward(rt, fch, ln2, pt(w.fcWeight), p(w.fcBias), N, C, F);
    const fchGelu = rt.alloc(N * F, false);
    geluForward(rt, fchGelu, fch, N * F);
    const fcproj = rt.alloc(N * C, false);
    linearForward(rt, fcproj, fchGelu, pt(w.fcProjWeight), p(w.fcProjBias), N, F, C);
    const residual3 = rt.alloc(N * C, false);
    residualForward(rt, residual3, residual2, fcproj, N * C);
    blocks.push({
      residual,
      ln1,
      ln1Mean,
      ln1Rstd,
      qkvRotated,
      att,
      atty,
      residual2,
      ln2,
      ln2Mean,
      ln2Rstd,
      fch,
      fchGelu,
      residual3,
    });
    residual = residual3;
  }
  const lnf = rt.alloc(N * C, false);
  const lnfMean = rt.alloc(N, false);
  const lnfRstd = rt.alloc(N, false);
  layerNormForward(rt, lnf, lnfMean, lnfRstd, residual, p(layout.lnfWeight), p(layout.lnfBias), N, C, eps);
  const logits = rt.alloc(N * V, false);
  linearForward(rt, logits, lnf, pt(layout.wte), null, N, C, V); // tied output embedding

  let loss: CpuActivations['loss'] = null;
  if (batch.targets !== undefined) {
    const weights = lossWeightsOf(batch);
    const normaliser = lossNormaliserOf(batch, weights);
    const dlogits = train ? rt.alloc(N * V, false) : null;
    const head = lossHead(rt, logits, batch.targets, weights, tokenLossOf(batch), normaliser, N, V, dlogits);
    loss = { ...head, dlogits };
  }
  return {
    positions,
    segments,
    ids,
    encoded,
    blocks,
    lnf,
    lnfMean,
    lnfRstd,
    logits,
    loss,
    scratch,
    rotaryTables,
  };
}

/** Adds the gradients of the batch's loss to model.grads (the runtime's arena continues after the forward's). */
export function modelBackward(
  rt: CpuRuntime,
  model: CpuModelMemory,
  batch: TokenBatch,
  acts: CpuActivations,
): void {
  const dlogits = acts.loss?.dlogits;
  if (dlogits === undefined || dlogits === null) {
    throw new Error(
      'modelBackward needs a training forward (modelForward with train) on a batch with targets.',
    );
  }
  const { layout } = model;
  const { config } = layout;
  const { batchSize: B, seqLen: T } = batch;
  const { width: C, ffWidth: F, heads: NH, vocabSize: V } = config;
  const N = B * T;
  const params = model.params;
  const grads = model.grads;
  const p = (tensor: TensorSpec): Float32Array => tensorView(params, tensor);
  const g = (tensor: TensorSpec): Float32Array => tensorView(grads, tensor);
  const shape = { B, T, C, NH };

  const dlnf = rt.alloc(N * C);
  linearBackward(rt, dlnf, g(layout.wte), null, dlogits, acts.lnf, p(layout.wte), N, C, V);
  const lastOutput = acts.blocks.at(-1)?.residual3 ?? acts.encoded;
  let dresidual = rt.alloc(N * C);
  layerNormBackward(
    rt,
    dresidual,
    g(layout.lnfWeight),
    g(layout.lnfBias),
    dlnf,
    lastOutput,
    p(layout.lnfWeight),
    acts.lnfMean,
    acts.lnfRstd,
    N,
    C,
  );
  for (let l = layout.blocks.length - 1; l >= 0; l--) {
    dresidual = blockBackward(rt, layout.blocks[l]!, acts.blocks[l]!, dresidual, p, g, acts, shape, F);
  }
  const dwpe = layout.wpe === null ? null : g(layout.wpe);
  embeddingBackward(rt, g(layout.wte), dwpe, dresidual, acts.ids, N, C);
}

/** One block's backward: returns the gradient of its input. */
function blockBackward(
  rt: CpuRuntime,
  w: BlockTensors,
  a: BlockActivations,
  dresidual: Float32Array,
  p: (tensor: TensorSpec) => Float32Array,
  g: (tensor: TensorSpec) => Float32Array,
  acts: CpuActivations,
  shape: { B: number; T: number; C: number; NH: number },
  F: number,
): Float32Array {
  const { B, T, C, NH } = shape;
  const N = B * T;
  // A residual add hands its gradient to both inputs unchanged (the reference's residualBackward
  // into zeros): each branch's copy is read by its linear backward before the layer norm backward
  // adds into the stream's, so all three can be the one array.
  const dresidual2 = dresidual;
  const dfcproj = dresidual;
  const dfchGelu = rt.alloc(N * F);
  linearBackward(
    rt,
    dfchGelu,
    g(w.fcProjWeight),
    g(w.fcProjBias),
    dfcproj,
    a.fchGelu,
    p(w.fcProjWeight),
    N,
    F,
    C,
  );
  const dfch = rt.alloc(N * F);
  geluBackward(rt, dfch, a.fch, dfchGelu, N * F);
  const dln2 = rt.alloc(N * C);
  linearBackward(rt, dln2, g(w.fcWeight), g(w.fcBias), dfch, a.ln2, p(w.fcWeight), N, C, F);
  layerNormBackward(
    rt,
    dresidual2,
    g(w.ln2Weight),
    g(w.ln2Bias),
    dln2,
    a.residual2,
    p(w.ln2Weight),
    a.ln2Mean,
    a.ln2Rstd,
    N,
    C,
  );
  const dresidual1 = dresidual2;
  const dattproj = dresidual2;
  const datty = rt.alloc(N * C);
  linearBackward(
    rt,
    datty,
    g(w.attnProjWeight),
    g(w.attnProjBias),
    dattproj,
    a.atty,
    p(w.attnProjWeight),
    N,
    C,
    C,
  );
  const dqkvRotated = rt.alloc(N * 3 * C);
  attentionBackward(rt, dqkvRotated, datty, a.qkvRotated, a.att, shape, acts.scratch);
  let dqkv = dqkvRotated;
  if (acts.rotaryTables !== null) {
    dqkv = rt.alloc(N * 3 * C);
    rotary(rt, dqkv, dqkvRotated, acts.positions, N, C, NH, ROTARY_BASE, -1, acts.rotaryTables.backward);
  }
  const dln1 = rt.alloc(N * C);
  linearBackward(rt, dln1, g(w.qkvWeight), g(w.qkvBias), dqkv, a.ln1, p(w.qkvWeight), N, C, 3 * C);
  layerNormBackward(
    rt,
    dresidual1,
    g(w.ln1Weight),
    g(w.ln1Bias),
    dln1,
    a.residual,
    p(w.ln1Weight),
    a.ln1Mean,
    a.ln1Rstd,
    N,
    C,
  );
  return dresidual1;
}
