import {
  lossNormaliserOf,
  lossWeightsOf,
  tokenLossOf,
  positionsOf,
  segmentsOf,
  validateBatch,
  type TokenBatch,
} from '../model/batch.ts';
import { headWidth, ROTARY_BASE, type ModelConfig } from '../model/config.ts';
import { initParameters, parameterLayout, type ParameterLayout } from '../model/layout.ts';
import { microBatches, type StepBatches, type TrainStepOptions } from '../model/reference/model.ts';
import { createModelBuffers, type ModelBuffers } from './activations.ts';
import { readFloats, STORAGE_USAGE } from './buffers.ts';
import type { GpuContext } from './context.ts';
import { rotaryTable } from './ops/attention.ts';
import { logProbsForward } from './ops/loss.ts';
import { adamwState, adamwStep, clipGradients, gradientNorm, type GpuAdamWState } from './ops/optim.ts';
import { recordBackward, recordForward, recordLoss, type ModelTensors, type StepShape } from './passes.ts';

/**
 * The whole student model on the GPU, the counterpart of model/reference/model.ts: parameters,
 * gradients and AdamW moments each in one buffer in the flat layout (a tensor is a 256-byte
 * aligned range of it), activations in buffers of their own sized once for `maxTokens`
 * (activations.ts), the forward and backward passes in passes.ts. A training step (forward,
 * loss, backward, gradient norm and clipping, AdamW) is recorded into one command encoder and
 * sent in one submission; the loss and the gradient norm come back in one small read-back after
 * it. Calls are awaited one at a time: they share the activation buffers.
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

export class GpuModel implements ModelTensors {
  readonly layout: ParameterLayout;
  /** Parameters, gradients (of the last backward, after clipping) and AdamW state, in the flat layout. */
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  readonly optimizer: GpuAdamWState;
  readonly buffers: ModelBuffers;
  /** (cos, sin) table of rotary positions; null with learned positions. */
  readonly rotary: GPUBuffer | null;
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
    this.checkLength('Parameters', initial);
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

  /**
   * A model holding these parameters (a checkpoint's flat array) with a fresh optimizer: no
   * initialisation is drawn, which for the larger presets is most of the time a load takes.
   */
  static withParameters(
    ctx: GpuContext,
    config: ModelConfig,
    params: Float32Array,
    options: GpuModelOptions,
  ): GpuModel {
    return new GpuModel(ctx, config, options, params);
  }

  /** Bytes of GPU memory the model holds: parameters, gradients, optimizer state and activations. */
  get bytes(): number {
    return (
      this.params.size + this.grads.size + this.optimizer.m.size + this.optimizer.v.size + this.buffers.bytes
    );
  }

  /**
   * One training step: forward, loss, backward, gradient norm (and clipping to
   * options.maxGradNorm), AdamW. One batch is one submission. A list of micro-batches (gradient
   * accumulation, model/reference/model.ts StepBatches) is one submission per micro-batch, each
   * adding its gradients to the previous ones, with the clipping and AdamW in the last; nothing is
   * read back until the end. The loss is the sum of the micro-batches' losses. Like the
   * reference's trainStep, a step whose gradient norm is not finite changes neither the
   * parameters nor the optimizer.
   */
  async trainStep(batches: StepBatches, options: TrainStepOptions): Promise<GpuTrainStepResult> {
    return this.exclusive(async () => {
      const { gradStatus } = this.buffers.forward;
      const count = this.layout.totalFloats;
      const { loss, extra } = await this.microBatchGradients(
        batches,
        'train step',
        (encoder) => {
          if (options.maxGradNorm === undefined) {
            gradientNorm(this.ctx, encoder, gradStatus, this.grads, count);
          } else {
            clipGradients(this.ctx, encoder, gradStatus, this.grads, options.maxGradNorm, count);
          }
          adamwStep(
            this.ctx,
            encoder,
            this.layout,
            this.params,
            this.grads,
            this.optimizer,
            options,
            gradStatus,
          );
        },
        [[gradStatus, 1]],
      );
      const gradNorm = extra[0]?.[0] ?? NaN;
      const skipped = !Number.isFinite(gradNorm);
      // The GPU skipped the update; the step count must not move either (as in the reference).
      if (skipped) this.optimizer.step -= 1;
      return { loss, gradNorm, skipped };
    });
  }

  /**
   * Forward and backward only: the loss (summed over micro-batches), with every parameter's
   * gradient (summed likewise) left in `grads`, unclipped.
   */
  async lossAndGradients(batches: StepBatches): Promise<number> {
    return this.exclusive(async () => (await this.microBatchGradients(batches, 'loss and gradients')).loss);
  }

  /** logits [N, V], and the loss when the batch has targets. */
  async forward(batch: TokenBatch): Promise<{ logits: Float32Array; loss: number | null }> {
    return this.exclusive(async () => {
      const hasTargets = batch.targets !== undefined;
      const shape = this.upload(batch, hasTargets);
      const { forward } = this.buffers;
      const encoder = this.ctx.device.createCommandEncoder({ label: 'forward' });
      recordForward(this, encoder, shape);
      if (hasTargets) recordLoss(this, encoder, shape);
      const read = stageReadBack(this.ctx.device, encoder, [
        [forward.logits, shape.N * this.config.vocabSize],
        [forward.loss, 1],
      ]);
      this.ctx.device.queue.submit([encoder.finish()]);
      const [logits = new Float32Array(), lossOut] = await read();
      return { logits, loss: hasTargets ? (lossOut?.[0] ?? NaN) : null };
    });
  }

  /** [N] log p(target) of every token at the batch's temperature; the batch needs targets. */
  async logProbs(batch: TokenBatch): Promise<Float32Array> {
    if (batch.targets === undefined)
      throw new Error('logProbs needs a batch with targets (the tokens to score).');
    return this.exclusive(async () => {
      const shape = this.upload(batch, true);
      const { forward, inputs } = this.buffers;
      const encoder = this.ctx.device.createCommandEncoder({ label: 'log-probabilities' });
      recordForward(this, encoder, shape);
      const V = this.config.vocabSize;
      const { N, temperature } = shape;
      logProbsForward(this.ctx, encoder, forward.logProbs, forward.logits, inputs.targets, N, V, temperature);
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

  /** Writes the batch's tokens, positions, segments, targets and weights into the input buffers (for generate.ts). */
  upload(batch: TokenBatch, needsTargets: boolean): StepShape {
    this.checkBatch(batch, needsTargets);
    const { batchSize: B, seqLen: T } = batch;
    const N = B * T;
    const { queue } = this.ctx.device;
    const { inputs } = this.buffers;
    queue.writeBuffer(inputs.tokens, 0, batch.tokens);
    queue.writeBuffer(inputs.positions, 0, positionsOf(batch));
    queue.writeBuffer(inputs.segments, 0, segmentsOf(batch));
    let normaliser = 1;
    const { temperature, oldLogProbs, clipEpsilon } = tokenLossOf(batch);
    if (batch.targets !== undefined) {
      const weights = lossWeightsOf(batch);
      normaliser = lossNormaliserOf(batch, weights);
      queue.writeBuffer(inputs.targets, 0, batch.targets);
      queue.writeBuffer(inputs.weights, 0, Float32Array.from(weights));
      if (oldLogProbs !== null) queue.writeBuffer(inputs.oldLogProbs, 0, Float32Array.from(oldLogProbs));
    }
    return { B, T, N, normaliser, temperature, importanceRatio: oldLogProbs !== null, clipEpsilon };
  }

  private checkBatch(batch: TokenBatch, needsTargets: boolean): void {
    validateBatch(batch, this.config);
    const N = batch.batchSize * batch.seqLen;
    if (N > this.buffers.maxTokens) {
      throw new Error(
        `This batch has ${batch.batchSize} x ${batch.seqLen} = ${N} tokens; the model was created for at most ` +
          `${this.buffers.maxTokens}: split the batch (a list of micro-batches accumulates their gradients) ` +
          'or create the model with a larger maxTokens.',
      );
    }
    if (needsTargets && batch.targets === undefined) {
      throw new Error('A loss needs a batch with targets (the token each position should predict).');
    }
  }

  /**
   * Forward, loss and backward of every micro-batch, one submission each, the gradients summed in
   * `grads`; `finish` records into the last submission. Each submission copies its loss into its
   * own slot of one mappable buffer, read once after the last (with `extra`, copied after finish).
   */
  private async microBatchGradients(
    batches: StepBatches,
    label: string,
    finish: (encoder: GPUCommandEncoder) => void = () => undefined,
    extra: readonly (readonly [GPUBuffer, number])[] = [],
  ): Promise<{ loss: number; extra: Float32Array[] }> {
    const list = microBatches(batches);
    // Every micro-batch is checked before the first is sent, so a bad one leaves the model as it was.
    for (const batch of list) this.checkBatch(batch, true);
    const { device } = this.ctx;
    const K = list.length;
    const extraFloats = extra.reduce((total, [, floats]) => total + floats, 0);
    const staging = device.createBuffer({
      label: `${label} read-back`,
      size: 4 * (K + extraFloats),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    for (const [i, batch] of list.entries()) {
      const shape = this.upload(batch, true);
      const encoder = device.createCommandEncoder({ label: K === 1 ? label : `${label} ${i + 1}/${K}` });
      recordForward(this, encoder, shape);
      recordLoss(this, encoder, shape);
      recordBackward(this, encoder, shape, i > 0);
      encoder.copyBufferToBuffer(this.buffers.forward.loss, 0, staging, 4 * i, 4);
      if (i === K - 1) {
        finish(encoder);
        let offset = K;
        for (const [buffer, floats] of extra) {
          encoder.copyBufferToBuffer(buffer, 0, staging, 4 * offset, 4 * floats);
          offset += floats;
        }
      }
      device.queue.submit([encoder.finish()]);
    }
    await staging.mapAsync(GPUMapMode.READ);
    const all = new Float32Array(staging.getMappedRange().slice(0));
    staging.destroy();
    let loss = 0;
    for (let i = 0; i < K; i++) loss += all[i]!;
    const pieces: Float32Array[] = [];
    let offset = K;
    for (const [, floats] of extra) {
      pieces.push(all.subarray(offset, offset + floats));
      offset += floats;
    }
    return { loss, extra: pieces };
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
  async exclusive<R>(work: () => Promise<R>): Promise<R> {
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
