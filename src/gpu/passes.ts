import { LAYER_NORM_EPSILON, type ModelConfig } from '../model/config.ts';
import type { ParameterLayout, TensorSpec } from '../model/layout.ts';
import type { BlockBuffers, InputBuffers, ModelBuffers } from './activations.ts';
import { tensorRange } from './buffers.ts';
import type { GpuContext } from './context.ts';
import { attentionBackward, attentionForward, rotaryBackward, rotaryForward } from './ops/attention.ts';
import { embeddingBackward, embeddingForward } from './ops/embedding.ts';
import { geluBackward, geluForward } from './ops/gelu.ts';
import { layerNormBackward, layerNormForward } from './ops/layernorm.ts';
import { tokenLossBackward, tokenLossForward } from './ops/loss.ts';
import { matmulBackward, matmulForward } from './ops/matmul.ts';
import { residualBackward, residualForward } from './ops/residual.ts';

/**
 * The whole model's forward, loss and backward recorded into a command encoder, mirroring
 * modelForward and modelBackward of model/reference/model.ts op for op, with the same tensor
 * names. Nothing here submits or reads back: GpuModel (model.ts) decides what goes into one
 * submission. Shapes: B rows, T tokens, N = B T, C width, F feed-forward width, NH heads,
 * V vocabulary.
 */

/** What the passes read and write: parameters and gradients in the flat layout, and the activation buffers. */
export interface ModelTensors {
  readonly ctx: GpuContext;
  readonly config: ModelConfig;
  readonly layout: ParameterLayout;
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  readonly buffers: ModelBuffers;
  /** (cos, sin) table of rotary positions; null with learned positions. */
  readonly rotary: GPUBuffer | null;
}

/** The uploaded batch: its shape, and how its loss reads the model (normaliser worked out on the CPU). */
export interface StepShape {
  readonly B: number;
  readonly T: number;
  readonly N: number;
  readonly normaliser: number;
  readonly temperature: number;
  /** The batch has old log-probabilities (uploaded to inputs.oldLogProbs): PPO's clipped ratio. */
  readonly importanceRatio: boolean;
  readonly clipEpsilon: number;
}

/** Records a block's attention: reads block.qkvRotated, writes block.atty (generation swaps in a KV-cache variant). */
export type BlockAttention = (encoder: GPUCommandEncoder, layer: number, block: BlockBuffers) => void;

/**
 * encoded -> blocks -> lnf -> logits (tied output embedding), as modelForward. generate.ts
 * passes its own token and position buffers and its KV-cache attention.
 */
export function recordForward(
  model: ModelTensors,
  encoder: GPUCommandEncoder,
  shape: StepShape,
  inputs: Pick<InputBuffers, 'tokens' | 'positions'> = model.buffers.inputs,
  attention: BlockAttention = (pass, _, block) => recordAttention(model, pass, block, shape),
): void {
  const { N } = shape;
  const { ctx, layout, config } = model;
  const { width: C, ffWidth: F, heads: NH, vocabSize: V } = config;
  const acts = model.buffers.forward;
  const eps = LAYER_NORM_EPSILON;
  const p = (tensor: TensorSpec): GPUBufferBinding => tensorRange(model.params, tensor);
  const wpe = layout.wpe === null ? null : p(layout.wpe);
  embeddingForward(ctx, encoder, acts.encoded, inputs.tokens, inputs.positions, p(layout.wte), wpe, N, C);

  for (const [l, w] of layout.blocks.entries()) {
    const a = acts.blocks[l]!;
    layerNormForward(
      ctx,
      encoder,
      a.ln1,
      a.ln1Mean,
      a.ln1Rstd,
      a.residual,
      p(w.ln1Weight),
      p(w.ln1Bias),
      N,
      C,
      eps,
    );
    matmulForward(ctx, encoder, a.qkv, a.ln1, p(w.qkvWeight), p(w.qkvBias), N, C, 3 * C);
    if (model.rotary !== null) {
      rotaryForward(ctx, encoder, a.qkvRotated, a.qkv, inputs.positions, N, C, NH, model.rotary);
    }
    attention(encoder, l, a);
    matmulForward(ctx, encoder, acts.attproj, a.atty, p(w.attnProjWeight), p(w.attnProjBias), N, C, C);
    residualForward(ctx, encoder, a.residual2, a.residual, acts.attproj, N * C);
    layerNormForward(
      ctx,
      encoder,
      a.ln2,
      a.ln2Mean,
      a.ln2Rstd,
      a.residual2,
      p(w.ln2Weight),
      p(w.ln2Bias),
      N,
      C,
      eps,
    );
    matmulForward(ctx, encoder, a.fch, a.ln2, p(w.fcWeight), p(w.fcBias), N, C, F);
    geluForward(ctx, encoder, a.fchGelu, a.fch, N * F);
    matmulForward(ctx, encoder, acts.fcproj, a.fchGelu, p(w.fcProjWeight), p(w.fcProjBias), N, F, C);
    residualForward(ctx, encoder, a.residual3, a.residual2, acts.fcproj, N * C);
  }

  const last = acts.blocks.at(-1)?.residual3 ?? acts.encoded;
  const { lnfWeight, lnfBias } = layout;
  layerNormForward(
    ctx,
    encoder,
    acts.lnf,
    acts.lnfMean,
    acts.lnfRstd,
    last,
    p(lnfWeight),
    p(lnfBias),
    N,
    C,
    eps,
  );
  matmulForward(ctx, encoder, acts.logits, acts.lnf, p(layout.wte), null, N, C, V);
}

/** The fused causal attention of one block over the uploaded batch (recordForward's default). */
export function recordAttention(
  model: ModelTensors,
  encoder: GPUCommandEncoder,
  block: BlockBuffers,
  { B, T }: StepShape,
): void {
  const { width: C, heads: NH } = model.config;
  const { segments } = model.buffers.inputs;
  attentionForward(model.ctx, encoder, block.atty, block.lse, block.qkvRotated, segments, B, T, C, NH);
}

/** probs, losses and the scalar loss from the logits. */
export function recordLoss(
  model: ModelTensors,
  encoder: GPUCommandEncoder,
  { N, normaliser, temperature, importanceRatio, clipEpsilon }: StepShape,
): void {
  const { inputs, forward: acts } = model.buffers;
  const V = model.config.vocabSize;
  const oldLogProbs = importanceRatio ? inputs.oldLogProbs : null;
  tokenLossForward(
    model.ctx,
    encoder,
    acts.loss,
    acts.probs,
    acts.losses,
    acts.gradWeights,
    acts.logits,
    inputs.targets,
    inputs.weights,
    { temperature, oldLogProbs, clipEpsilon },
    normaliser,
    N,
    V,
  );
}

/**
 * Every parameter's gradient into `grads`, as modelBackward: zeroed first, or, with `accumulate`
 * (the later micro-batches of a step), added to the gradients already there.
 */
export function recordBackward(
  model: ModelTensors,
  encoder: GPUCommandEncoder,
  { B, T, N, normaliser, temperature }: StepShape,
  accumulate = false,
): void {
  const { ctx, layout, config } = model;
  const { width: C, ffWidth: F, heads: NH, vocabSize: V } = config;
  const { inputs, forward: acts, backward: d } = model.buffers;
  const p = (tensor: TensorSpec): GPUBufferBinding => tensorRange(model.params, tensor);
  const g = (tensor: TensorSpec): GPUBufferBinding => tensorRange(model.grads, tensor);
  // Backward ops add into their gradients: each starts at zero.
  const zero = (buffer: GPUBuffer, floats: number): void => encoder.clearBuffer(buffer, 0, floats * 4);
  if (!accumulate) encoder.clearBuffer(model.grads);

  zero(d.dlogits, N * V);
  tokenLossBackward(
    ctx,
    encoder,
    d.dlogits,
    acts.probs,
    inputs.targets,
    acts.gradWeights,
    temperature,
    normaliser,
    N,
    V,
  );
  zero(d.dlnf, N * C);
  matmulBackward(ctx, encoder, d.dlnf, g(layout.wte), null, d.dlogits, acts.lnf, p(layout.wte), N, C, V);
  const last = acts.blocks.at(-1)?.residual3 ?? acts.encoded;
  // dresidual: the gradient of the current block's output; dresidual2 the other buffer.
  let dresidual = d.dresidualA;
  let dresidual2 = d.dresidualB;
  zero(dresidual, N * C);
  layerNormBackward(
    ctx,
    encoder,
    dresidual,
    g(layout.lnfWeight),
    g(layout.lnfBias),
    d.dlnf,
    last,
    p(layout.lnfWeight),
    acts.lnfMean,
    acts.lnfRstd,
    N,
    C,
  );

  for (let l = layout.blocks.length - 1; l >= 0; l--) {
    const w = layout.blocks[l]!;
    const a = acts.blocks[l]!;
    zero(dresidual2, N * C);
    zero(d.dfcproj, N * C);
    residualBackward(ctx, encoder, dresidual2, d.dfcproj, dresidual, N * C);
    zero(d.dfchGelu, N * F);
    matmulBackward(
      ctx,
      encoder,
      d.dfchGelu,
      g(w.fcProjWeight),
      g(w.fcProjBias),
      d.dfcproj,
      a.fchGelu,
      p(w.fcProjWeight),
      N,
      F,
      C,
    );
    zero(d.dfch, N * F);
    geluBackward(ctx, encoder, d.dfch, a.fch, d.dfchGelu, N * F);
    zero(d.dln2, N * C);
    matmulBackward(ctx, encoder, d.dln2, g(w.fcWeight), g(w.fcBias), d.dfch, a.ln2, p(w.fcWeight), N, C, F);
    layerNormBackward(
      ctx,
      encoder,
      dresidual2,
      g(w.ln2Weight),
      g(w.ln2Bias),
      d.dln2,
      a.residual2,
      p(w.ln2Weight),
      a.ln2Mean,
      a.ln2Rstd,
      N,
      C,
    );

    // The block input's gradient reuses the buffer of the block output's, which is read no more.
    const dresidual1 = dresidual;
    zero(dresidual1, N * C);
    zero(d.dattproj, N * C);
    residualBackward(ctx, encoder, dresidual1, d.dattproj, dresidual2, N * C);
    zero(d.datty, N * C);
    matmulBackward(
      ctx,
      encoder,
      d.datty,
      g(w.attnProjWeight),
      g(w.attnProjBias),
      d.dattproj,
      a.atty,
      p(w.attnProjWeight),
      N,
      C,
      C,
    );
    zero(d.dqkvRotated, N * 3 * C);
    attentionBackward(
      ctx,
      encoder,
      d.dqkvRotated,
      d.datty,
      a.qkvRotated,
      a.atty,
      a.lse,
      inputs.segments,
      B,
      T,
      C,
      NH,
    );
    if (model.rotary !== null) {
      zero(d.dqkv, N * 3 * C);
      rotaryBackward(ctx, encoder, d.dqkv, d.dqkvRotated, inputs.positions, N, C, NH, model.rotary);
    }
    zero(d.dln1, N * C);
    matmulBackward(
      ctx,
      encoder,
      d.dln1,
      g(w.qkvWeight),
      g(w.qkvBias),
      d.dqkv,
      a.ln1,
      p(w.qkvWeight),
      N,
      C,
      3 * C,
    );
    layerNormBackward(
      ctx,
      encoder,
      dresidual1,
      g(w.ln1Weight),
      g(w.ln1Bias),
      d.dln1,
      a.residual,
      p(w.ln1Weight),
      a.ln1Mean,
      a.ln1Rstd,
      N,
      C,
    );
    dresidual = dresidual1;
    dresidual2 = dresidual === d.dresidualA ? d.dresidualB : d.dresidualA;
  }

  // The tied wte collects the embedding's scatter-add on top of the output matmul's gradient.
  const dwpe = layout.wpe === null ? null : g(layout.wpe);
  embeddingBackward(
    ctx,
    encoder,
    g(layout.wte),
    dwpe,
    dresidual,
    inputs.tokens,
    inputs.positions,
    N,
    C,
    V,
    config.context,
  );
}
