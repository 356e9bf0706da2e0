import {
  lossNormaliserOf,
  lossWeightsOf,
  positionsOf,
  segmentsOf,
  validateBatch,
  type TokenBatch,
  tokenLossOf,
} from '../batch.ts';
import { LAYER_NORM_EPSILON, ROTARY_BASE } from '../config.ts';
import { tensorView, type ParameterLayout, type TensorSpec } from '../layout.ts';
import { attentionBackward, attentionForward, rotaryBackward, rotaryForward } from './attention.ts';
import { logProbsForward, tokenLossBackward, tokenLossForward } from './loss.ts';
import {
  embeddingBackward,
  embeddingForward,
  geluBackward,
  geluForward,
  layerNormBackward,
  layerNormForward,
  matmulBackward,
  matmulForward,
  residualBackward,
  residualForward,
} from './ops.ts';
import { adamwStep, clipGradients, type AdamWOptions, type AdamWState } from './optim.ts';

/**
 * The whole student model on the CPU, in float64: forward (logits, loss), backward (every
 * parameter's gradient in the layout of the flat parameter array) and one training step. The
 * activations keep llm.c's names; the GPU engine's buffers should carry the same ones.
 * Shapes: B sequences, T tokens, N = B T, C width, F feed-forward width, NH heads, V vocabulary.
 */

type Vec = Float64Array;

/** What one block keeps from its forward for its backward. */
export interface BlockActivations {
  readonly residual: Vec; // [N, C] the block's input
  readonly ln1: Vec; // [N, C]
  readonly ln1Mean: Vec; // [N]
  readonly ln1Rstd: Vec; // [N]
  readonly qkv: Vec; // [N, 3C]
  readonly qkvRotated: Vec; // [N, 3C] the same array as qkv with learned positions
  readonly att: Vec; // [B, NH, T, T]
  readonly atty: Vec; // [N, C]
  readonly attproj: Vec; // [N, C]
  readonly residual2: Vec; // [N, C]
  readonly ln2: Vec; // [N, C]
  readonly ln2Mean: Vec; // [N]
  readonly ln2Rstd: Vec; // [N]
  readonly fch: Vec; // [N, F]
  readonly fchGelu: Vec; // [N, F]
  readonly fcproj: Vec; // [N, C]
  readonly residual3: Vec; // [N, C] the block's output
}

export interface Activations {
  readonly positions: Int32Array; // [N]
  readonly segments: Int32Array; // [N]
  readonly encoded: Vec; // [N, C]
  readonly blocks: readonly BlockActivations[];
  readonly lnf: Vec; // [N, C]
  readonly lnfMean: Vec; // [N]
  readonly lnfRstd: Vec; // [N]
  readonly logits: Vec; // [N, V]
  /** Present when the batch has targets. */
  readonly loss: LossActivations | null;
}

export interface LossActivations {
  readonly weights: Vec; // [N]
  readonly normaliser: number;
  readonly temperature: number;
  readonly probs: Vec; // [N, V] softmax(logits / temperature)
  readonly losses: Vec; // [N] loss_n (loss.ts), 0 where the weight is 0
  readonly gradWeights: Vec; // [N] g_n: what the backward pass weighs each token by
  readonly logProbs: Vec; // [N] log p(y) at the temperature, for every token
  readonly loss: number;
}

export function modelForward(layout: ParameterLayout, params: Vec, batch: TokenBatch): Activations {
  const { config } = layout;
  validateBatch(batch, config);
  if (params.length !== layout.totalFloats) {
    throw new Error(`Parameters have ${params.length} floats; this layout needs ${layout.totalFloats}.`);
  }
  const { batchSize: B, seqLen: T } = batch;
  const { width: C, ffWidth: F, heads: NH, vocabSize: V } = config;
  const N = B * T;
  const p = (tensor: TensorSpec): Vec => tensorView(params, tensor);
  const positions = positionsOf(batch);
  const segments = segmentsOf(batch);
  const eps = LAYER_NORM_EPSILON;

  const encoded = new Float64Array(N * C);
  const wpe = layout.wpe === null ? null : p(layout.wpe);
  embeddingForward(encoded, batch.tokens, positions, p(layout.wte), wpe, N, C);

  const blocks: BlockActivations[] = [];
  let residual = encoded;
  for (const w of layout.blocks) {
    const ln1 = new Float64Array(N * C);
    const ln1Mean = new Float64Array(N);
    const ln1Rstd = new Float64Array(N);
    layerNormForward(ln1, ln1Mean, ln1Rstd, residual, p(w.ln1Weight), p(w.ln1Bias), N, C, eps);
    const qkv = new Float64Array(N * 3 * C);
    matmulForward(qkv, ln1, p(w.qkvWeight), p(w.qkvBias), N, C, 3 * C);
    let qkvRotated = qkv;
    if (config.positions === 'rotary') {
      qkvRotated = new Float64Array(N * 3 * C);
      rotaryForward(qkvRotated, qkv, positions, N, C, NH, ROTARY_BASE);
    }
    const att = new Float64Array(B * NH * T * T);
    const atty = new Float64Array(N * C);
    attentionForward(atty, att, qkvRotated, segments, B, T, C, NH);
    const attproj = new Float64Array(N * C);
    matmulForward(attproj, atty, p(w.attnProjWeight), p(w.attnProjBias), N, C, C);
    const residual2 = new Float64Array(N * C);
    residualForward(residual2, residual, attproj, N * C);
    const ln2 = new Float64Array(N * C);
    const ln2Mean = new Float64Array(N);
    const ln2Rstd = new Float64Array(N);
    layerNormForward(
      ln2,
      ln2Mean,
      ln2Rstd,
      residual2,
      p(w.ln2Weight),
      p(w.ln2Bias),
      N,
      C,
      LAYER_NORM_EPSILON,
    );
    const fch = new Float64Array(N * F);
    matmulForward(fch, ln2, p(w.fcWeight), p(w.fcBias), N, C, F);
    const fchGelu = new Float64Array(N * F);
    geluForward(fchGelu, fch, N * F);
    const fcproj = new Float64Array(N * C);
    matmulForward(fcproj, fchGelu, p(w.fcProjWeight), p(w.fcProjBias), N, F, C);
    const residual3 = new Float64Array(N * C);
    residualForward(residual3, residual2, fcproj, N * C);
    blocks.push({
      residual,
      ln1,
      ln1Mean,
      ln1Rstd,
      qkv,
      qkvRotated,
      att,
      atty,
      attproj,
      residual2,
      ln2,
      ln2Mean,
      ln2Rstd,
      fch,
      fchGelu,
      fcproj,
      residual3,
    });
    residual = residual3;
  }

  const lnf = new Float64Array(N * C);
  const lnfMean = new Float64Array(N);
  const lnfRstd = new Float64Array(N);
  layerNormForward(
    lnf,
    lnfMean,
    lnfRstd,
    residual,
    p(layout.lnfWeight),
    p(layout.lnfBias),
    N,
    C,
    LAYER_NORM_EPSILON,
  );
  const logits = new Float64Array(N * V);
  matmulForward(logits, lnf, p(layout.wte), null, N, C, V); // tied output embedding, no bias

  let loss: LossActivations | null = null;
  if (batch.targets !== undefined) {
    const weights = lossWeightsOf(batch);
    const normaliser = lossNormaliserOf(batch, weights);
    const options = tokenLossOf(batch);
    const probs = new Float64Array(N * V);
    const losses = new Float64Array(N);
    const gradWeights = new Float64Array(N);
    const value = tokenLossForward(
      probs,
      losses,
      gradWeights,
      logits,
      batch.targets,
      weights,
      options,
      normaliser,
      N,
      V,
    );
    const logProbs = new Float64Array(N);
    logProbsForward(logProbs, logits, batch.targets, N, V, options.temperature);
    const { temperature } = options;
    loss = { weights, normaliser, temperature, probs, losses, gradWeights, logProbs, loss: value };
  }
  return { positions, segments, encoded, blocks, lnf, lnfMean, lnfRstd, logits, loss };
}

/** Gradients of the loss with respect to every parameter, in the layout of `params` (gaps zero). */
export function modelBackward(
  layout: ParameterLayout,
  params: Vec,
  batch: TokenBatch,
  acts: Activations,
): Vec {
  if (acts.loss === null || batch.targets === undefined) {
    throw new Error(
      'modelBackward needs a forward pass on a batch with targets (there is no loss to differentiate).',
    );
  }
  const { config } = layout;
  const { batchSize: B, seqLen: T } = batch;
  const { width: C, ffWidth: F, heads: NH, vocabSize: V } = config;
  const N = B * T;
  const grads = new Float64Array(layout.totalFloats);
  const p = (tensor: TensorSpec): Vec => tensorView(params, tensor);
  const g = (tensor: TensorSpec): Vec => tensorView(grads, tensor);
  const { gradWeights, temperature, normaliser, probs } = acts.loss;

  const dlogits = new Float64Array(N * V);
  tokenLossBackward(dlogits, probs, batch.targets, gradWeights, temperature, normaliser, N, V);
  const dlnf = new Float64Array(N * C);
  matmulBackward(dlnf, g(layout.wte), null, dlogits, acts.lnf, p(layout.wte), N, C, V);
  const lastOutput = acts.blocks.at(-1)?.residual3 ?? acts.encoded;
  let dresidual = new Float64Array(N * C); // gradient of the current block's output
  layerNormBackward(
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
    const w = layout.blocks[l]!;
    const a = acts.blocks[l]!;
    const dresidual2 = new Float64Array(N * C);
    const dfcproj = new Float64Array(N * C);
    residualBackward(dresidual2, dfcproj, dresidual, N * C);
    const dfchGelu = new Float64Array(N * F);
    matmulBackward(
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
    const dfch = new Float64Array(N * F);
    geluBackward(dfch, a.fch, dfchGelu, N * F);
    const dln2 = new Float64Array(N * C);
    matmulBackward(dln2, g(w.fcWeight), g(w.fcBias), dfch, a.ln2, p(w.fcWeight), N, C, F);
    layerNormBackward(
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

    const dresidual1 = new Float64Array(N * C);
    const dattproj = new Float64Array(N * C);
    residualBackward(dresidual1, dattproj, dresidual2, N * C);
    const datty = new Float64Array(N * C);
    matmulBackward(
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
    const dqkvRotated = new Float64Array(N * 3 * C);
    attentionBackward(dqkvRotated, datty, a.qkvRotated, a.att, acts.segments, B, T, C, NH);
    let dqkv = dqkvRotated;
    if (config.positions === 'rotary') {
      dqkv = new Float64Array(N * 3 * C);
      rotaryBackward(dqkv, dqkvRotated, acts.positions, N, C, NH, ROTARY_BASE);
    }
    const dln1 = new Float64Array(N * C);
    matmulBackward(dln1, g(w.qkvWeight), g(w.qkvBias), dqkv, a.ln1, p(w.qkvWeight), N, C, 3 * C);
    layerNormBackward(
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
    dresidual = dresidual1;
  }

  const dwpe = layout.wpe === null ? null : g(layout.wpe);
  embeddingBackward(g(layout.wte), dwpe, dresidual, batch.tokens, acts.positions, N, C);
  return grads;
}

export interface TrainStepOptions extends AdamWOptions {
  /** Clip the global gradient norm to this value; omit for no clipping. */
  readonly maxGradNorm?: number;
}

/**
 * Gradient accumulation: the micro-batches of one optimizer step. One batch, or several whose
 * gradients are summed before the step. Each micro-batch's loss is divided by its own normaliser,
 * so for the mean over the whole step every micro-batch must carry the same `normaliser` (the
 * weight count over all of them): then the summed loss and gradients are those of the
 * concatenated batch.
 */
export type StepBatches = TokenBatch | readonly TokenBatch[];

/** The micro-batches of a step as a non-empty list. */
export function microBatches(batches: StepBatches): readonly TokenBatch[] {
  const list = Array.isArray(batches) ? (batches as readonly TokenBatch[]) : [batches as TokenBatch];
  if (list.length === 0) throw new Error('A training step needs at least one batch (got an empty list).');
  return list;
}

/** The summed loss and gradients of the micro-batches (modelForward and modelBackward of each). */
export function accumulatedGradients(
  layout: ParameterLayout,
  params: Vec,
  batches: StepBatches,
): { loss: number; grads: Vec } {
  let loss = 0;
  let grads: Vec | null = null;
  for (const batch of microBatches(batches)) {
    const acts = modelForward(layout, params, batch);
    const micro = modelBackward(layout, params, batch, acts);
    loss += acts.loss!.loss;
    if (grads === null) grads = micro;
    else for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! + micro[i]!;
  }
  return { loss, grads: grads! };
}

/**
 * One training step: forward and backward of every micro-batch (gradients summed), clipping,
 * AdamW. Updates params and state in place and returns the summed loss and the gradient norm
 * before clipping. A step whose gradient norm is not finite leaves the parameters and the
 * optimizer untouched.
 */
export function trainStep(
  layout: ParameterLayout,
  params: Vec,
  state: AdamWState,
  batches: StepBatches,
  options: TrainStepOptions,
): { loss: number; gradNorm: number; skipped: boolean } {
  const { loss, grads } = accumulatedGradients(layout, params, batches);
  const { norm } = clipGradients(grads, options.maxGradNorm ?? Infinity);
  if (!Number.isFinite(norm)) return { loss, gradNorm: norm, skipped: true };
  adamwStep(layout, params, grads, state, options);
  return { loss, gradNorm: norm, skipped: false };
}
