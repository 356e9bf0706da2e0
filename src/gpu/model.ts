import {
  lossNormaliserOf,
  lossWeightsOf,
  positionsOf,
  segmentsOf,
  validateBatch,
  type TokenBatch,
} from '../model/batch.ts';
import { headWidth, LAYER_NORM_EPSILON, ROTARY_BASE, type ModelConfig } from '../model/config.ts';
import { initParameters, parameterLayout, type ParameterLayout, type TensorSpec } from '../model/layout.ts';
import type { TrainStepOptions } from '../model/reference/model.ts';
import { createModelBuffers, type ModelBuffers } from './activations.ts';
import { readFloats, STORAGE_USAGE, tensorRange } from './buffers.ts';
import type { GpuContext } from './context.ts';
import {
  attentionBackward,
  attentionForward,
  rotaryBackward,
  rotaryForward,
  rotaryTable,
} from './ops/attention.ts';
import { embeddingBackward, embeddingForward } from './ops/embedding.ts';
import { geluBackward, geluForward } from './ops/gelu.ts';
import { layerNormBackward, layerNormForward } from './ops/layernorm.ts';
import { crossEntropyBackward, crossEntropyForward, logProbsForward } from './ops/loss.ts';
import { matmulBackward, matmulForward } from './ops/matmul.ts';
import { adamwState, adamwStep, clipGradients, gradientNorm, type GpuAdamWState } from './ops/optim.ts';
import { residualBackward, residualForward } from './ops/residual.ts';

/**
 * The whole student model on the GPU, mirroring model/reference/model.ts op for op: parameters,
 * gradients and AdamW moments each in one buffer in the flat layout (a tensor is a 256-byte
 * aligned range of it), activations in buffers of their own sized once for `maxTokens`.
 * A training step (forward, loss, backward, gradient norm and clipping, AdamW) is recorded into
 * one command encoder and sent in one submission; the loss and the gradient norm come back in
 * one small read-back after it. Shapes: B rows, T tokens, N = B T, C width, F feed-forward
 * width, NH heads, V vocabulary.
 */

export interface GpuModelOptions {
  /** The most tokens one batch may hold (batchSize x seqLen); activation buffers are sized for it. */
  readonly maxTokens: number;
}

export interface GpuTrainStepResult {
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** True when the gradient norm was not finite: parameters and optimizer were left untouched. */
  readonly skipped: boolean;
}

/** The optimizer's memory, for checkpoints: moments in the layout of the parameters, and steps taken. */
export interface OptimizerSnapshot {
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly step: number;
}

/** The batch as uploaded: its shape and the loss normaliser the CPU worked out. */
interface StepShape {
  readonly B: number;
  readonly T: number;
  readonly N: number;
  readonly normaliser: number;
}

export class GpuModel {
  readonly layout: ParameterLayout;
  /** Parameters, gradients (of the last backward, after clipping) and AdamW state, in the flat layout. */
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  readonly optimizer: GpuAdamWState;
  readonly buffers: ModelBuffers;
  /** (cos, sin) table of rotary positions; null with learned positions. */
  private readonly rotary: GPUBuffer | null;
  private busy = false;

  private constructor(
    readonly ctx: GpuContext,
    readonly config: ModelConfig,
    options: GpuModelOptions,
    initial: Float32Array,
  ) {
    const { device } = ctx;
    this.layout = parameterLayout(config);
    if (!Number.isInteger(options.maxTokens) || options.maxTokens < 1) {
      throw new Error(`maxTokens must be a positive integer (got ${options.maxTokens}).`);
    }
    const bytes = this.layout.totalFloats * 4;
    this.params = device.createBuffer({ label: 'parameters', size: bytes, usage: STORAGE_USAGE });
    device.queue.writeBuffer(this.params, 0, initial);
    this.grads = device.createBuffer({ label: 'gradients', size: bytes, usage: STORAGE_USAGE });
    this.optimizer = adamwState(ctx, this.layout);
    this.buffers = createModelBuffers(device, config, options.maxTokens);
    this.rotary =
      config.positions === 'rotary'
        ? rotaryTable(device, headWidth(config), ROTARY_BASE, config.context)
        : null;
  }

  /** A model with the layout's seeded initialisation (the same parameters as initParameters(layout, seed)). */
  static create(
    ctx: GpuContext,
    config: ModelConfig,
    seed: number | string,
    options: GpuModelOptions,
  ): GpuModel {
    return new GpuModel(ctx, config, options, initParameters(parameterLayout(config), seed));
  }

  /** Bytes of GPU memory the model holds: parameters, gradients, optimizer state and activations. */
  get bytes(): number {
    return (
      this.params.size + this.grads.size + this.optimizer.m.size + this.optimizer.v.size + this.buffers.bytes
    );
  }

  /**
   * One training step in one submission: forward, loss, backward, gradient norm (and clipping to
   * options.maxGradNorm), AdamW. Like the reference's trainStep, a step whose gradient norm is
   * not finite changes neither the parameters nor the optimizer.
   */
  async trainStep(batch: TokenBatch, options: TrainStepOptions): Promise<GpuTrainStepResult> {
    return this.exclusive(async () => {
      const shape = this.upload(batch, true);
      const { forward } = this.buffers;
      const encoder = this.ctx.device.createCommandEncoder({ label: 'train step' });
      this.recordForward(encoder, shape);
      this.recordLoss(encoder, shape);
      this.recordBackward(encoder, shape);
      const count = this.layout.totalFloats;
      if (options.maxGradNorm === undefined) {
        gradientNorm(this.ctx, encoder, forward.gradStatus, this.grads, count);
      } else {
        clipGradients(this.ctx, encoder, forward.gradStatus, this.grads, options.maxGradNorm, count);
      }
      adamwStep(
        this.ctx,
        encoder,
        this.layout,
        this.params,
        this.grads,
        this.optimizer,
        options,
        forward.gradStatus,
      );
      const read = stageReadBack(this.ctx.device, encoder, [
        [forward.loss, 1],
        [forward.gradStatus, 1],
      ]);
      this.ctx.device.queue.submit([encoder.finish()]);
      const [lossOut, statusOut] = await read();
      const loss = lossOut?.[0] ?? NaN;
      const gradNorm = statusOut?.[0] ?? NaN;
      const skipped = !Number.isFinite(gradNorm);
      // The GPU skipped the update; the step count must not move either (as in the reference).
      if (skipped) this.optimizer.step -= 1;
      return { loss, gradNorm, skipped };
    });
  }

  /** Forward and backward only: the loss, with every parameter's gradient left in `grads` (unclipped). */
  async lossAndGradients(batch: TokenBatch): Promise<number> {
    return this.exclusive(async () => {
      const shape = this.upload(batch, true);
      const encoder = this.ctx.device.createCommandEncoder({ label: 'loss and gradients' });
      this.recordForward(encoder, shape);
      this.recordLoss(encoder, shape);
      this.recordBackward(encoder, shape);
      const read = stageReadBack(this.ctx.device, encoder, [[this.buffers.forward.loss, 1]]);
      this.ctx.device.queue.submit([encoder.finish()]);
      const [lossOut] = await read();
      return lossOut?.[0] ?? NaN;
    });
  }

  /** logits [N, V], and the loss when the batch has targets. */
  async forward(batch: TokenBatch): Promise<{ logits: Float32Array; loss: number | null }> {
    return this.exclusive(async () => {
      const hasTargets = batch.targets !== undefined;
      const shape = this.upload(batch, hasTargets);
      const { forward } = this.buffers;
      const encoder = this.ctx.device.createCommandEncoder({ label: 'forward' });
      this.recordForward(encoder, shape);
      if (hasTargets) this.recordLoss(encoder, shape);
      const read = stageReadBack(this.ctx.device, encoder, [
        [forward.logits, shape.N * this.config.vocabSize],
        [forward.loss, 1],
      ]);
      this.ctx.device.queue.submit([encoder.finish()]);
      const [logits = new Float32Array(), lossOut] = await read();
      return { logits, loss: hasTargets ? (lossOut?.[0] ?? NaN) : null };
    });
  }

  /** [N] log p(target) of every token (RL's old-policy log-probabilities); the batch needs targets. */
  async logProbs(batch: TokenBatch): Promise<Float32Array> {
    if (batch.targets === undefined)
      throw new Error('logProbs needs a batch with targets (the tokens to score).');
    return this.exclusive(async () => {
      const shape = this.upload(batch, true);
      const { forward, inputs } = this.buffers;
      const encoder = this.ctx.device.createCommandEncoder({ label: 'log-probabilities' });
      this.recordForward(encoder, shape);
      const V = this.config.vocabSize;
      logProbsForward(this.ctx, encoder, forward.logProbs, forward.logits, inputs.targets, shape.N, V);
      const read = stageReadBack(this.ctx.device, encoder, [[forward.logProbs, shape.N]]);
      this.ctx.device.queue.submit([encoder.finish()]);
      const [logProbs = new Float32Array()] = await read();
      return logProbs;
    });
  }

  /** The flat parameter array (layout.totalFloats floats). */
  async getParameters(): Promise<Float32Array> {
    return readFloats(this.ctx.device, this.params, this.layout.totalFloats);
  }

  /** Replaces every parameter (a checkpoint's flat array); the optimizer state is left as it is. */
  setParameters(params: Float32Array): void {
    this.checkLength('Parameters', params);
    this.ctx.device.queue.writeBuffer(this.params, 0, params);
  }

  /** The gradients of the last backward (after clipping, in a training step). */
  async getGradients(): Promise<Float32Array> {
    return readFloats(this.ctx.device, this.grads, this.layout.totalFloats);
  }

  async getOptimizerState(): Promise<OptimizerSnapshot> {
    const { device } = this.ctx;
    const count = this.layout.totalFloats;
    const step = this.optimizer.step;
    const [m, v] = await Promise.all([
      readFloats(device, this.optimizer.m, count),
      readFloats(device, this.optimizer.v, count),
    ]);
    return { m, v, step };
  }

  setOptimizerState(state: OptimizerSnapshot): void {
    this.checkLength('Optimizer moment m', state.m);
    this.checkLength('Optimizer moment v', state.v);
    this.ctx.device.queue.writeBuffer(this.optimizer.m, 0, state.m);
    this.ctx.device.queue.writeBuffer(this.optimizer.v, 0, state.v);
    this.optimizer.step = state.step;
  }

  destroy(): void {
    this.params.destroy();
    this.grads.destroy();
    this.optimizer.m.destroy();
    this.optimizer.v.destroy();
    this.optimizer.decayMask.destroy();
    this.rotary?.destroy();
    this.buffers.destroy();
  }

  // ---------------------------------------------------------------------------------------------

  /** Writes the batch's tokens, positions, segments, targets and weights into the input buffers. */
  private upload(batch: TokenBatch, needsTargets: boolean): StepShape {
    validateBatch(batch, this.config);
    const { batchSize: B, seqLen: T } = batch;
    const N = B * T;
    if (N > this.buffers.maxTokens) {
      throw new Error(
        `This batch has ${B} x ${T} = ${N} tokens; the model was created for at most ${this.buffers.maxTokens}: ` +
          'split the batch or create the model with a larger maxTokens.',
      );
    }
    if (needsTargets && batch.targets === undefined) {
      throw new Error('A loss needs a batch with targets (the token each position should predict).');
    }
    const { queue } = this.ctx.device;
    const { inputs } = this.buffers;
    queue.writeBuffer(inputs.tokens, 0, batch.tokens);
    queue.writeBuffer(inputs.positions, 0, positionsOf(batch));
    queue.writeBuffer(inputs.segments, 0, segmentsOf(batch));
    let normaliser = 1;
    if (batch.targets !== undefined) {
      const weights = lossWeightsOf(batch);
      normaliser = lossNormaliserOf(batch, weights);
      queue.writeBuffer(inputs.targets, 0, batch.targets);
      queue.writeBuffer(inputs.weights, 0, Float32Array.from(weights));
    }
    return { B, T, N, normaliser };
  }

  private param(tensor: TensorSpec): GPUBufferBinding {
    return tensorRange(this.params, tensor);
  }

  private grad(tensor: TensorSpec): GPUBufferBinding {
    return tensorRange(this.grads, tensor);
  }

  /** encoded -> blocks -> lnf -> logits (tied output embedding), as modelForward. */
  private recordForward(encoder: GPUCommandEncoder, { B, T, N }: StepShape): void {
    const { ctx, layout, config } = this;
    const { width: C, ffWidth: F, heads: NH, vocabSize: V } = config;
    const { inputs, forward: acts } = this.buffers;
    const eps = LAYER_NORM_EPSILON;
    const p = (tensor: TensorSpec): GPUBufferBinding => this.param(tensor);
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
      if (this.rotary !== null) {
        rotaryForward(ctx, encoder, a.qkvRotated, a.qkv, inputs.positions, N, C, NH, this.rotary);
      }
      attentionForward(ctx, encoder, a.atty, a.lse, a.qkvRotated, inputs.segments, B, T, C, NH);
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

  /** probs, losses and the scalar loss from the logits. */
  private recordLoss(encoder: GPUCommandEncoder, { N, normaliser }: StepShape): void {
    const { inputs, forward: acts } = this.buffers;
    const V = this.config.vocabSize;
    crossEntropyForward(
      this.ctx,
      encoder,
      acts.loss,
      acts.probs,
      acts.losses,
      acts.logits,
      inputs.targets,
      inputs.weights,
      normaliser,
      N,
      V,
    );
  }

  /** Every parameter's gradient into `grads` (zeroed first), as modelBackward. */
  private recordBackward(encoder: GPUCommandEncoder, { B, T, N, normaliser }: StepShape): void {
    const { ctx, layout, config } = this;
    const { width: C, ffWidth: F, heads: NH, vocabSize: V } = config;
    const { inputs, forward: acts, backward: d } = this.buffers;
    const p = (tensor: TensorSpec): GPUBufferBinding => this.param(tensor);
    const g = (tensor: TensorSpec): GPUBufferBinding => this.grad(tensor);
    // Backward ops add into their gradients: each starts at zero.
    const zero = (buffer: GPUBuffer, floats: number): void => encoder.clearBuffer(buffer, 0, floats * 4);
    encoder.clearBuffer(this.grads);

    zero(d.dlogits, N * V);
    crossEntropyBackward(
      ctx,
      encoder,
      d.dlogits,
      acts.probs,
      inputs.targets,
      inputs.weights,
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
      if (this.rotary !== null) {
        zero(d.dqkv, N * 3 * C);
        rotaryBackward(ctx, encoder, d.dqkv, d.dqkvRotated, inputs.positions, N, C, NH, this.rotary);
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

  private checkLength(what: string, array: Float32Array): void {
    if (array.length !== this.layout.totalFloats) {
      throw new Error(
        `${what} has ${array.length} floats; this model's layout needs ${this.layout.totalFloats} ` +
          '(a checkpoint of another model configuration?).',
      );
    }
  }

  /** Runs `work` with no other call of this model in flight (they share the activation buffers and the step count). */
  private async exclusive<R>(work: () => Promise<R>): Promise<R> {
    if (this.busy) {
      throw new Error(
        'GpuModel calls must be awaited one at a time: await the previous call before the next.',
      );
    }
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }
}

/**
 * Records copies of the first `floats` floats of each source into one mappable buffer; after the
 * encoder is submitted, the returned function maps it once and returns the pieces.
 */
export function stageReadBack(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  sources: readonly (readonly [GPUBuffer, number])[],
): () => Promise<Float32Array[]> {
  const offsets: number[] = [];
  let total = 0;
  for (const [, floats] of sources) {
    offsets.push(total);
    total += floats;
  }
  const staging = device.createBuffer({
    label: 'read-back',
    size: Math.max(4, total * 4),
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  for (const [i, [buffer, floats]] of sources.entries()) {
    if (floats > 0) encoder.copyBufferToBuffer(buffer, 0, staging, offsets[i]! * 4, floats * 4);
  }
  return async () => {
    await staging.mapAsync(GPUMapMode.READ);
    const all = new Float32Array(staging.getMappedRange().slice(0));
    staging.destroy();
    return sources.map(([, floats], i) => all.subarray(offsets[i]!, offsets[i]! + floats));
  };
}
