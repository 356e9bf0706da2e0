import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/engine/checkpoint.ts';
import { CpuEngine } from '../../src/engine/cpu-engine.ts';
import { describeEngine } from '../../src/engine/engine.ts';
import { openEngine } from '../../src/engine/open.ts';
import { softwareAdapterReason } from '../../src/engine/open-cpu.ts';
import { gumbelUniform, sampleToken } from '../../src/engine/sampling.ts';
import { stopIndex } from '../../src/model/stops.ts';
import type { TokenBatch } from '../../src/model/batch.ts';
import { modelConfig, type ModelConfig } from '../../src/model/config.ts';
import { initParameters, parameterLayout } from '../../src/model/layout.ts';
import {
  accumulatedGradients,
  modelBackward,
  modelForward,
  trainStep,
  type TrainStepOptions,
} from '../../src/model/reference/model.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import { adamwState } from '../../src/model/reference/optim.ts';

const config: ModelConfig = { ...modelConfig('nano', { vocabSize: 37 }), context: 24 };
const ADAMW: TrainStepOptions = {
  learningRate: 1e-2,
  beta1: 0.9,
  beta2: 0.95,
  epsilon: 1e-8,
  weightDecay: 0.1,
  maxGradNorm: 1,
};

function batch(seed: number): TokenBatch {
  const B = 2;
  const T = 8;
  const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + seed) % config.vocabSize);
  const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 3 * seed) % config.vocabSize);
  return { batchSize: B, seqLen: T, tokens, targets };
}

/** Byte-for-byte equality (expect's deep equality is slow on arrays this long). */
function sameBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

describe('the CPU engine', () => {
  it('trains exactly as the reference does, step by step', async () => {
    const engine = new CpuEngine();
    const info = await engine.create(config, 'cpu-engine');
    expect(info).toMatchObject({ backend: 'cpu', config, optimizerStep: 0 });
    const layout = parameterLayout(config);
    const params = Float64Array.from(initParameters(layout, 'cpu-engine'));
    const state = adamwState(layout);
    for (const seed of [1, 2, 3]) {
      const expected = trainStep(layout, params, state, batch(seed), ADAMW);
      expect(await engine.trainStep(batch(seed), ADAMW)).toEqual(expected);
    }
    expect((await engine.info()).optimizerStep).toBe(3);
    const { logits, loss } = await engine.forward(batch(4));
    const reference = modelForward(layout, params, batch(4));
    expect(logits).toEqual(Float32Array.from(reference.logits));
    expect(loss).toBe(reference.loss!.loss);
    expect(await engine.logProbs(batch(4))).toEqual(Float32Array.from(reference.loss!.logProbs));
  });

  it('saves a checkpoint that loads back to the same (float32-rounded) model and optimizer', async () => {
    const engine = new CpuEngine();
    await engine.create(config, 'cpu-checkpoint');
    await engine.trainStep(batch(1), ADAMW);
    const checkpoint = await engine.saveCheckpoint();
    const restored = new CpuEngine();
    const info = await restored.loadCheckpoint(checkpoint);
    expect(info).toMatchObject({ config, optimizerStep: 1 });
    const again = await restored.saveCheckpoint();
    expect(sameBytes(again.weights, checkpoint.weights)).toBe(true);
    expect(sameBytes(again.optimizer!, checkpoint.optimizer!)).toBe(true);
    // Both continue alike: the rounding to float32 moves the loss by float32 noise only.
    const original = await engine.trainStep(batch(2), ADAMW);
    const resumed = await restored.trainStep(batch(2), ADAMW);
    expect(Math.abs(resumed.loss - original.loss) / original.loss).toBeLessThan(1e-6);
  });

  it('generates greedily as the reference argmax, with log-probabilities and stop sequences', async () => {
    const engine = new CpuEngine();
    await engine.create(config, 'cpu-generate');
    const layout = parameterLayout(config);
    const params = Float64Array.from(initParameters(layout, 'cpu-generate'));
    const prompts = [Int32Array.from([1, 2, 3]), Int32Array.from([5])];
    const [first, second] = await engine.generate(prompts, { maxNewTokens: 6, temperature: 0 });
    expect(first!.tokens.length).toBe(6);
    expect(first!.finish).toBe('length');
    expect(second!.tokens.length).toBe(6);
    // Each token is the argmax of the reference's logits given the tokens before it.
    const sequence = [1, 2, 3, ...first!.tokens];
    const { logits } = modelForward(layout, params, {
      batchSize: 1,
      seqLen: sequence.length - 1,
      tokens: Int32Array.from(sequence.slice(0, -1)),
    });
    const V = config.vocabSize;
    for (const [i, token] of first!.tokens.entries()) {
      const row = logits.subarray((2 + i) * V, (3 + i) * V);
      const best = row.indexOf(Math.max(...row));
      expect(token).toBe(best);
      const logSumExp = Math.log(row.reduce((sum, x) => sum + Math.exp(x), 0));
      expect(first!.logProbs[i]).toBeCloseTo(row[token]! - logSumExp, 5);
    }
    // A stop sequence ends the row after it (and is part of the tokens).
    const stop = Array.from(first!.tokens.slice(1, 3));
    const [stopped] = await engine.generate([prompts[0]!], {
      maxNewTokens: 6,
      temperature: 0,
      stopSequences: [stop],
    });
    const end = stopIndex(first!.tokens, [stop]);
    expect(end).toBeGreaterThan(0);
    expect(Array.from(stopped!.tokens)).toEqual(Array.from(first!.tokens.slice(0, end)));
    expect(stopped!.finish).toBe('stop');
  });

  it('samples with a seed that replays, and refuses prompts that leave no room', async () => {
    const engine = new CpuEngine();
    await engine.create(config, 'cpu-sample');
    const prompts = [Int32Array.from([4, 5, 6])];
    const options = { maxNewTokens: 8, temperature: 1, seed: 7 };
    const first = await engine.generate(prompts, options);
    expect(await engine.generate(prompts, options)).toEqual(first);
    const other = await engine.generate(prompts, { ...options, seed: 8 });
    expect(Array.from(other[0]!.tokens)).not.toEqual(Array.from(first[0]!.tokens));
    await expect(engine.generate([new Int32Array(24)], options)).rejects.toThrow(/reads at most 23/);
  });
});

/** Rows of `a` then rows of `b` (the same seqLen) as one batch, with the given normaliser on all three. */
function concatenated(a: TokenBatch, b: TokenBatch, normaliser: number): TokenBatch[] {
  const join = <A extends Int32Array | Float32Array>(x: A, y: A, make: (n: number) => A): A => {
    const out = make(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  const weights = (batch: TokenBatch): Float32Array =>
    Float32Array.from({ length: batch.tokens.length }, (_, i) => (i % 3 === 0 ? 0 : 1 + (i % 5) / 4));
  const first = { ...a, weights: weights(a), normaliser };
  const second = { ...b, weights: weights(b), normaliser };
  const whole: TokenBatch = {
    batchSize: a.batchSize + b.batchSize,
    seqLen: a.seqLen,
    tokens: join(a.tokens, b.tokens, (n) => new Int32Array(n)),
    targets: join(a.targets!, b.targets!, (n) => new Int32Array(n)),
    weights: join(first.weights, second.weights, (n) => new Float32Array(n)),
    normaliser,
  };
  return [first, second, whole];
}

describe('gradient accumulation', () => {
  it('two micro-batches with a common normaliser step as their concatenation does', async () => {
    const layout = parameterLayout(config);
    const [first, second, whole] = concatenated(batch(1), batch(2), 17);
    const params = Float64Array.from(initParameters(layout, 'accumulate'));
    const summed = accumulatedGradients(layout, params, [first!, second!]);
    const acts = modelForward(layout, params, whole!);
    const expectedGrads = modelBackward(layout, params, whole!, acts);
    expect(Math.abs(summed.loss - acts.loss!.loss)).toBeLessThan(1e-12 * acts.loss!.loss);
    expect(relativeError(summed.grads, expectedGrads)).toBeLessThan(1e-12);

    const accumulating = new CpuEngine();
    const plain = new CpuEngine();
    await accumulating.create(config, 'accumulate');
    await plain.create(config, 'accumulate');
    const a = await accumulating.trainStep([first!, second!], ADAMW);
    const b = await plain.trainStep(whole!, ADAMW);
    expect(a.skipped).toBe(false);
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-12 * b.loss);
    expect(Math.abs(a.gradNorm - b.gradNorm)).toBeLessThan(1e-12 * b.gradNorm);
    const after = async (engine: CpuEngine): Promise<Float32Array> =>
      readCheckpoint(await engine.saveCheckpoint()).params;
    // Checkpoints hold float32: the two parameter sets agree to float32 rounding.
    expect(relativeError(await after(accumulating), await after(plain))).toBeLessThan(1e-6);
    expect((await accumulating.info()).optimizerStep).toBe(1);
  });

  it('a list of one batch is the plain call, and an empty list or a batch without targets is refused', async () => {
    const listed = new CpuEngine();
    const plain = new CpuEngine();
    await listed.create(config, 'accumulate/one');
    await plain.create(config, 'accumulate/one');
    for (const seed of [1, 2]) {
      expect(await listed.trainStep([batch(seed)], ADAMW)).toEqual(await plain.trainStep(batch(seed), ADAMW));
    }
    expect(sameBytes((await listed.saveCheckpoint()).weights, (await plain.saveCheckpoint()).weights)).toBe(
      true,
    );
    await expect(listed.trainStep([], ADAMW)).rejects.toThrow(/at least one batch/);
    const { targets: _, ...noTargets } = batch(3);
    await expect(listed.trainStep([batch(3), noTargets], ADAMW)).rejects.toThrow(
      /needs batches with targets/,
    );
  });
});

describe('the sampler shared with the GPU', () => {
  it('draws uniforms in (0, 1) that look uniform, and Gumbel-max follows the softmax', () => {
    let sum = 0;
    for (let v = 0; v < 10_000; v++) {
      const u = gumbelUniform(3, 0, 0, v);
      expect(u).toBeGreaterThan(0);
      expect(u).toBeLessThan(1);
      sum += u;
    }
    expect(Math.abs(sum / 10_000 - 0.5)).toBeLessThan(0.01);
    // Two tokens with p = (0.8, 0.2): the first wins about 80% of the draws.
    const logits = Float64Array.from([Math.log(0.8), Math.log(0.2)]);
    let firsts = 0;
    for (let step = 0; step < 4000; step++) if (sampleToken(logits, 1, 11, step, 0).token === 0) firsts++;
    expect(Math.abs(firsts / 4000 - 0.8)).toBeLessThan(0.03);
    const greedy = sampleToken(logits, 0, 0, 0, 0);
    expect(greedy.token).toBe(0);
    expect(greedy.logProb).toBeCloseTo(Math.log(0.8), 12);
  });

  it('finds the end of the first stop sequence', () => {
    expect(stopIndex(Int32Array.from([1, 2, 3, 4]), [[3, 4], [2]])).toBe(2);
    expect(stopIndex(Int32Array.from([1, 2, 3, 4]), [[3, 4]])).toBe(4);
    expect(stopIndex(Int32Array.from([1, 2, 3, 4]), [[4, 3]])).toBe(-1);
  });
});

describe('choosing the engine', () => {
  it('falls back to the fast CPU engine where WebGPU is missing, and says so plainly', async () => {
    const engine = await openEngine('auto');
    const info = await engine.info();
    expect(info.backend).toBe('cpu');
    expect(info.cpuReason).toMatch(/WebGPU is not available/);
    expect(describeEngine(info)).toMatch(
      /^Training on the CPU because WebGPU is not available.*: CPU engine \(float32 WebAssembly, (relaxed|plain) SIMD, \d+ threads?/,
    );
    await engine.dispose();
    await expect(openEngine('webgpu')).rejects.toThrow(/WebGPU is not available/);
    const fast = await openEngine('cpu');
    expect(await fast.info()).toMatchObject({ cpuReason: null, adapter: expect.stringMatching(/float32/) });
    await fast.dispose();
    const reference = await (await openEngine('reference')).info();
    expect(describeEngine(reference)).toMatch(/^Training on the CPU: the float64 reference engine/);
    expect(softwareAdapterReason('SwiftShader')).toMatch(/SwiftShader\) is a software fallback/);
  });
});
