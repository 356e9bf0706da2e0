import type { ModelConfig } from '../model/config.ts';
import { STORAGE_USAGE } from './buffers.ts';

/**
 * The GPU buffers of the whole model's forward and backward, sized once for the most tokens a
 * batch may hold (N = B x T) and reused by every step. Names are those of model/reference/model.ts.
 * Every tensor has a buffer of its own, never a range of a shared one: a dispatch may not read
 * one range of a buffer while it writes another.
 */

/** What one block keeps from its forward for its backward. */
export interface BlockBuffers {
  readonly residual: GPUBuffer; // [N, C] the block's input (the previous block's residual3, or encoded)
  readonly ln1: GPUBuffer; // [N, C]
  readonly ln1Mean: GPUBuffer; // [N]
  readonly ln1Rstd: GPUBuffer; // [N]
  readonly qkv: GPUBuffer; // [N, 3C]
  readonly qkvRotated: GPUBuffer; // [N, 3C] the same buffer as qkv with learned positions
  readonly atty: GPUBuffer; // [N, C]
  readonly lse: GPUBuffer; // [B, NH, T] attention's log-sum-exp (in place of the reference's att)
  readonly residual2: GPUBuffer; // [N, C]
  readonly ln2: GPUBuffer; // [N, C]
  readonly ln2Mean: GPUBuffer; // [N]
  readonly ln2Rstd: GPUBuffer; // [N]
  readonly fch: GPUBuffer; // [N, F]
  readonly fchGelu: GPUBuffer; // [N, F]
  readonly residual3: GPUBuffer; // [N, C] the block's output
}

/** The batch as the kernels read it. */
export interface InputBuffers {
  readonly tokens: GPUBuffer; // [N] int32
  readonly positions: GPUBuffer; // [N] int32
  readonly segments: GPUBuffer; // [N] int32, -1 for padding
  readonly targets: GPUBuffer; // [N] int32
  readonly weights: GPUBuffer; // [N] loss weights
  readonly oldLogProbs: GPUBuffer; // [N] RL's sampling log-probabilities, for the clipped ratio
}

export interface ForwardBuffers {
  readonly encoded: GPUBuffer; // [N, C]
  readonly blocks: readonly BlockBuffers[];
  readonly attproj: GPUBuffer; // [N, C] scratch: the backward does not read it
  readonly fcproj: GPUBuffer; // [N, C] scratch
  readonly lnf: GPUBuffer; // [N, C]
  readonly lnfMean: GPUBuffer; // [N]
  readonly lnfRstd: GPUBuffer; // [N]
  readonly logits: GPUBuffer; // [N, V]
  readonly probs: GPUBuffer; // [N, V]
  readonly losses: GPUBuffer; // [N]
  readonly gradWeights: GPUBuffer; // [N] each token's gradient weight (model/reference/loss.ts)
  readonly logProbs: GPUBuffer; // [N]
  readonly loss: GPUBuffer; // [1]
  /** (gradient norm before clipping, scale applied) from the optimizer ops. */
  readonly gradStatus: GPUBuffer; // [2]
}

/** Gradients of activations; one set serves every block, in turn. Backward ops add, so each is cleared before use. */
export interface BackwardBuffers {
  readonly dlogits: GPUBuffer; // [N, V]
  readonly dlnf: GPUBuffer; // [N, C]
  /** The residual stream's gradient alternates between these two (dresidual3 -> dresidual2 -> dresidual). */
  readonly dresidualA: GPUBuffer; // [N, C]
  readonly dresidualB: GPUBuffer; // [N, C]
  readonly dfcproj: GPUBuffer; // [N, C]
  readonly dfchGelu: GPUBuffer; // [N, F]
  readonly dfch: GPUBuffer; // [N, F]
  readonly dln2: GPUBuffer; // [N, C]
  readonly dattproj: GPUBuffer; // [N, C]
  readonly datty: GPUBuffer; // [N, C]
  readonly dqkvRotated: GPUBuffer; // [N, 3C]
  readonly dqkv: GPUBuffer; // [N, 3C] the same buffer as dqkvRotated with learned positions
  readonly dln1: GPUBuffer; // [N, C]
}

export interface ModelBuffers {
  readonly maxTokens: number;
  readonly inputs: InputBuffers;
  readonly forward: ForwardBuffers;
  readonly backward: BackwardBuffers;
  /** Bytes of GPU memory these buffers hold. */
  readonly bytes: number;
  destroy(): void;
}

/** Every buffer of a forward and backward for batches of up to maxTokens tokens. */
export function createModelBuffers(device: GPUDevice, config: ModelConfig, maxTokens: number): ModelBuffers {
  const { width: C, ffWidth: F, heads: NH, vocabSize: V, layers: L } = config;
  const N = maxTokens;
  const all: GPUBuffer[] = [];
  const buffer = (label: string, floats: number): GPUBuffer => {
    // Rounded up to 16 bytes; WebGPU zero-initialises new buffers.
    const made = device.createBuffer({
      label,
      size: Math.max(16, Math.ceil(floats / 4) * 16),
      usage: STORAGE_USAGE,
    });
    all.push(made);
    return made;
  };
  const rotary = config.positions === 'rotary';

  const inputs: InputBuffers = {
    tokens: buffer('tokens', N),
    positions: buffer('positions', N),
    segments: buffer('segments', N),
    targets: buffer('targets', N),
    weights: buffer('loss weights', N),
    oldLogProbs: buffer('old log-probabilities', N),
  };

  const encoded = buffer('encoded', N * C);
  const blocks: BlockBuffers[] = [];
  let residual = encoded;
  for (let l = 0; l < L; l++) {
    const qkv = buffer(`blocks.${l}.qkv`, N * 3 * C);
    const block: BlockBuffers = {
      residual,
      ln1: buffer(`blocks.${l}.ln1`, N * C),
      ln1Mean: buffer(`blocks.${l}.ln1Mean`, N),
      ln1Rstd: buffer(`blocks.${l}.ln1Rstd`, N),
      qkv,
      qkvRotated: rotary ? buffer(`blocks.${l}.qkvRotated`, N * 3 * C) : qkv,
      atty: buffer(`blocks.${l}.atty`, N * C),
      lse: buffer(`blocks.${l}.lse`, N * NH),
      residual2: buffer(`blocks.${l}.residual2`, N * C),
      ln2: buffer(`blocks.${l}.ln2`, N * C),
      ln2Mean: buffer(`blocks.${l}.ln2Mean`, N),
      ln2Rstd: buffer(`blocks.${l}.ln2Rstd`, N),
      fch: buffer(`blocks.${l}.fch`, N * F),
      fchGelu: buffer(`blocks.${l}.fchGelu`, N * F),
      residual3: buffer(`blocks.${l}.residual3`, N * C),
    };
    blocks.push(block);
    residual = block.residual3;
  }
  const forward: ForwardBuffers = {
    encoded,
    blocks,
    attproj: buffer('attproj', N * C),
    fcproj: buffer('fcproj', N * C),
    lnf: buffer('lnf', N * C),
    lnfMean: buffer('lnfMean', N),
    lnfRstd: buffer('lnfRstd', N),
    logits: buffer('logits', N * V),
    probs: buffer('probs', N * V),
    losses: buffer('losses', N),
    gradWeights: buffer('gradient weights', N),
    logProbs: buffer('logProbs', N),
    loss: buffer('loss', 1),
    gradStatus: buffer('gradient norm status', 2),
  };

  const dqkvRotated = buffer('dqkvRotated', N * 3 * C);
  const backward: BackwardBuffers = {
    dlogits: buffer('dlogits', N * V),
    dlnf: buffer('dlnf', N * C),
    dresidualA: buffer('dresidual A', N * C),
    dresidualB: buffer('dresidual B', N * C),
    dfcproj: buffer('dfcproj', N * C),
    dfchGelu: buffer('dfchGelu', N * F),
    dfch: buffer('dfch', N * F),
    dln2: buffer('dln2', N * C),
    dattproj: buffer('dattproj', N * C),
    datty: buffer('datty', N * C),
    dqkvRotated,
    dqkv: rotary ? buffer('dqkv', N * 3 * C) : dqkvRotated,
    dln1: buffer('dln1', N * C),
  };

  return {
    maxTokens,
    inputs,
    forward,
    backward,
    bytes: all.reduce((sum, b) => sum + b.size, 0),
    destroy: () => {
      for (const b of all) b.destroy();
    },
  };
}
