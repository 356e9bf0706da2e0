import { STORAGE_USAGE } from './buffers.ts';
import { grid } from './context.ts';
import code from './kernels/decode.wgsl?raw';
import { GpuModel, stageReadBack } from './model.ts';
import { recordAttention, recordForward, type StepShape } from './passes.ts';
import { stopIndex } from '../model/stops.ts';

/**
 * Batched generation on the GPU with a KV cache. The prompts are left-padded to one length P
 * (padding is a segment of its own, so positions start at 0 on each prompt's first token), read
 * in one forward pass whose keys and values fill the cache; then every decode step runs the
 * model on one new token per row, its attention reading the cache, and samples the next token on
 * the GPU. Steps are recorded `stepsPerSubmission` at a time with no read-back between them;
 * after each submission the tokens come back so the CPU can check the stop sequences.
 */

export interface GenerateOptions {
  /** Tokens to generate per prompt at most (fewer when the context ends first). */
  readonly maxNewTokens: number;
  /** 0 for greedy decoding (argmax); otherwise sampling from softmax(logits / temperature). */
  readonly temperature: number;
  /** Seed of the sampling stream (a 32-bit unsigned integer); the same seed draws the same tokens. */
  readonly seed?: number;
  /** A row stops after it generates any of these token sequences (they end its tokens). */
  readonly stopSequences?: readonly (readonly number[])[];
  /** Decode steps per queue submission (default 16): more means fewer round trips, more wasted steps after a stop. */
  readonly stepsPerSubmission?: number;
}

export interface Generation {
  /** The generated tokens, ending with the stop sequence when one ended them. */
  readonly tokens: Int32Array;
  /** log p(token) under the sampling policy (logits / temperature; temperature 1 when greedy) for each generated token. */
  readonly logProbs: Float32Array;
  readonly finish: 'stop' | 'length';
}

/** Generates from every prompt (token ids, each non-empty) in one batch. */
export async function generate(
  model: GpuModel,
  prompts: readonly ArrayLike<number>[],
  options: GenerateOptions,
): Promise<Generation[]> {
  const { config, ctx } = model;
  const { device } = ctx;
  const B = prompts.length;
  const lengths = prompts.map((prompt) => prompt.length);
  const P = Math.max(...lengths);
  if (B === 0) return [];
  if (Math.min(...lengths) === 0) throw new Error('Every prompt needs at least one token.');
  if (P >= config.context) {
    throw new Error(
      `A prompt has ${P} tokens; the model reads at most ${config.context - 1} before generating.`,
    );
  }
  if (B * P > model.buffers.maxTokens) {
    throw new Error(
      `${B} prompts of up to ${P} tokens need ${B * P} tokens of activations; the model has ${model.buffers.maxTokens}: ` +
        'generate in smaller batches or create the model with a larger maxTokens.',
    );
  }
  if (!(options.temperature >= 0)) throw new Error(`temperature must be >= 0 (got ${options.temperature}).`);
  const maxNew = Math.min(options.maxNewTokens, config.context - P);
  if (!Number.isInteger(maxNew) || maxNew < 1) {
    throw new Error(`maxNewTokens must be a positive integer (got ${options.maxNewTokens}).`);
  }
  const perSubmission = options.stepsPerSubmission ?? 16;
  const seed = (options.seed ?? 0) >>> 0;
  const stops = (options.stopSequences ?? []).filter((stop) => stop.length > 0);

  // Left padding: row b's prompt fills columns P - length .. P - 1.
  const tokens = new Int32Array(B * P);
  const segments = new Int32Array(B * P).fill(-1);
  for (const [b, prompt] of prompts.entries()) {
    const pad = P - prompt.length;
    for (let j = 0; j < prompt.length; j++) {
      tokens[b * P + pad + j] = prompt[j]!;
      segments[b * P + pad + j] = 0;
    }
  }
  const maxT = P + maxNew - 1; // cache columns: the prompt, and every generated token but the last
  const cacheSegments = new Int32Array(B * maxT);
  for (let b = 0; b < B; b++) cacheSegments.set(segments.subarray(b * P, (b + 1) * P), b * maxT);

  return model.exclusive(async () => {
    const prefill = model.upload({ batchSize: B, seqLen: P, tokens, segments }, false);
    const state = createDecodeState(device, config.layers, B, maxT, config.width, maxNew);
    device.queue.writeBuffer(state.segments, 0, cacheSegments);
    // The sampler advances a row's position before the token it drew is read: start one before the first.
    device.queue.writeBuffer(
      state.positions,
      0,
      Int32Array.from(lengths, (length) => length - 1),
    );
    try {
      let step = 0;
      const finished = new Array<'stop' | 'length' | null>(B).fill(null);
      let outTokens: Int32Array = new Int32Array(0);
      let outLogProbs: Float32Array = new Float32Array(0);
      while (step < maxNew) {
        const encoder = device.createCommandEncoder({ label: 'generate' });
        if (step === 0) {
          recordPrefill(model, encoder, state, prefill);
          recordSample(model, encoder, state, options.temperature, seed, step++, P, P - 1, maxNew);
        }
        for (let k = 0; k < perSubmission && step < maxNew; k++) {
          recordDecodeStep(model, encoder, state, P + step - 1);
          recordSample(model, encoder, state, options.temperature, seed, step++, 1, 0, maxNew);
        }
        const read = stageReadBack(device, encoder, [
          [state.outTokens, B * maxNew],
          [state.outLogProbs, B * maxNew],
        ]);
        device.queue.submit([encoder.finish()]);
        const [tokenFloats = new Float32Array(), logProbs = new Float32Array()] = await read();
        outTokens = new Int32Array(tokenFloats.buffer, tokenFloats.byteOffset, tokenFloats.length);
        outLogProbs = logProbs;
        for (let b = 0; b < B; b++) {
          if (
            finished[b] === null &&
            stopIndex(outTokens.subarray(b * maxNew, b * maxNew + step), stops) >= 0
          ) {
            finished[b] = 'stop';
          }
        }
        if (finished.every((f) => f !== null)) break;
      }
      return prompts.map((_, b) => {
        const row = outTokens.subarray(b * maxNew, b * maxNew + step);
        const end = stopIndex(row, stops);
        const count = end >= 0 ? end : step;
        return {
          tokens: row.slice(0, count),
          logProbs: outLogProbs.slice(b * maxNew, b * maxNew + count),
          finish: end >= 0 ? 'stop' : 'length',
        };
      });
    } finally {
      state.destroy();
    }
  });
}

/** The cache and the decode loop's own inputs and outputs. */
interface DecodeState {
  readonly B: number;
  readonly maxT: number;
  /** Per layer [B, maxT, 2C]: keys, then values. */
  readonly cache: readonly GPUBuffer[];
  readonly segments: GPUBuffer; // [B, maxT]
  readonly tokens: GPUBuffer; // [B] the token each row reads next
  readonly positions: GPUBuffer; // [B] its position
  readonly outTokens: GPUBuffer; // [B, maxNew]
  readonly outLogProbs: GPUBuffer; // [B, maxNew]
  destroy(): void;
}

function createDecodeState(
  device: GPUDevice,
  layers: number,
  B: number,
  maxT: number,
  C: number,
  maxNew: number,
): DecodeState {
  const all: GPUBuffer[] = [];
  const buffer = (label: string, words: number): GPUBuffer => {
    const made = device.createBuffer({
      label,
      size: Math.max(16, Math.ceil(words / 4) * 16),
      usage: STORAGE_USAGE,
    });
    all.push(made);
    return made;
  };
  return {
    B,
    maxT,
    cache: Array.from({ length: layers }, (_, l) => buffer(`kv cache ${l}`, B * maxT * 2 * C)),
    segments: buffer('kv cache segments', B * maxT),
    tokens: buffer('next tokens', B),
    positions: buffer('next positions', B),
    outTokens: buffer('generated tokens', B * maxNew),
    outLogProbs: buffer('generated log-probabilities', B * maxNew),
    destroy: () => all.forEach((b) => b.destroy()),
  };
}

/** The prompts' forward, with each block's keys and values copied into the cache. */
function recordPrefill(
  model: GpuModel,
  encoder: GPUCommandEncoder,
  state: DecodeState,
  shape: StepShape,
): void {
  recordForward(model, encoder, shape, model.buffers.inputs, (pass, l, block) => {
    recordAttention(model, pass, block, shape);
    recordAppend(model, pass, state.cache[l]!, block.qkvRotated, shape.B, shape.T, 0, state.maxT);
  });
}

/** One new token per row: its forward, appending to the cache at column t and attending over it. */
function recordDecodeStep(model: GpuModel, encoder: GPUCommandEncoder, state: DecodeState, t: number): void {
  const { ctx, config } = model;
  const { width: C, heads: NH } = config;
  const B = state.B;
  const shape: StepShape = {
    B,
    T: 1,
    N: B,
    normaliser: 1,
    temperature: 1,
    importanceRatio: false,
    clipEpsilon: 0,
  };
  const inputs = { tokens: state.tokens, positions: state.positions };
  recordForward(model, encoder, shape, inputs, (pass, l, block) => {
    const cache = state.cache[l]!;
    recordAppend(model, pass, cache, block.qkvRotated, B, 1, t, state.maxT);
    const uniform = ctx.uniform({ u32: [B, C, NH, state.maxT, t], f32: [1 / Math.sqrt(C / NH)] });
    const pipeline = ctx.pipeline(code, 'decodeAttention');
    ctx.dispatch(pass, pipeline, [uniform, block.atty, block.qkvRotated, cache, state.segments], [NH, B]);
  });
}

function recordAppend(
  model: GpuModel,
  encoder: GPUCommandEncoder,
  cache: GPUBuffer,
  qkv: GPUBuffer,
  B: number,
  T: number,
  t0: number,
  maxT: number,
): void {
  const { ctx } = model;
  const C = model.config.width;
  const uniform = ctx.uniform({ u32: [B, T, C, maxT, t0] });
  ctx.dispatch(
    encoder,
    ctx.pipeline(code, 'appendKeyValues'),
    [uniform, cache, qkv],
    grid(B * T * 2 * C, 256),
  );
}

/** Draws every row's next token from logits row b * rowStride + rowOffset into column `step` of the outputs. */
function recordSample(
  model: GpuModel,
  encoder: GPUCommandEncoder,
  state: DecodeState,
  temperature: number,
  seed: number,
  step: number,
  rowStride: number,
  rowOffset: number,
  maxNew: number,
): void {
  const { ctx, config } = model;
  const greedy = temperature === 0 ? 1 : 0;
  const uniform = ctx.uniform({
    u32: [state.B, config.vocabSize, rowStride, rowOffset, maxNew, step, seed, greedy],
    f32: [greedy ? 1 : temperature],
  });
  ctx.dispatch(
    encoder,
    ctx.pipeline(code, 'sampleTokens'),
    [
      uniform,
      model.buffers.forward.logits,
      state.tokens,
      state.positions,
      state.outTokens,
      state.outLogProbs,
    ],
    [state.B],
  );
}
