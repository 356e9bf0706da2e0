import { describe, expect, it } from 'vitest';
import { GpuModel } from '../../src/gpu/model.ts';
import type { TokenBatch } from '../../src/model/batch.ts';
import { modelConfig, type ModelConfig, type PositionKind } from '../../src/model/config.ts';
import { initParameters, parameterLayout, tensorView } from '../../src/model/layout.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import {
  modelBackward,
  modelForward,
  trainStep,
  type TrainStepOptions,
} from '../../src/model/reference/model.ts';
import { adamwState } from '../../src/model/reference/optim.ts';
import { randomSource, TOLERANCE, useGpu } from './gpu-harness.ts';
import { checked } from './gpu-model-harness.ts';

const gpu = useGpu();

/** nano with a short context and an odd vocabulary (neither a multiple of the 64-wide tiles). */
function reducedNano(positions: PositionKind): ModelConfig {
  return { ...modelConfig('nano', { vocabSize: 37, positions }), context: 32 };
}

const ADAMW: TrainStepOptions = {
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.95,
  epsilon: 1e-8,
  weightDecay: 0.1,
  maxGradNorm: 1,
};

/**
 * B rows of T random tokens: row 0 one whole sequence, the others left padding, up to three
 * packed sequences and right padding; loss weights are the default (1 off padding) or, with
 * `advantages`, random signed weights as RL gives.
 */
function randomBatch(
  seed: string,
  config: ModelConfig,
  B: number,
  T: number,
  advantages = false,
): TokenBatch {
  const random = randomSource(seed);
  const V = config.vocabSize;
  const segments = new Int32Array(B * T);
  for (let b = 1; b < B; b++) {
    const [left, right] = random.ints(2, Math.max(1, Math.floor(T / 4)));
    const cuts = Array.from(random.ints(2, T)).sort((x, y) => x - y);
    for (let t = 0; t < T; t++) {
      segments[b * T + t] = t < left! || t >= T - right! ? -1 : cuts.filter((cut) => cut <= t).length;
    }
  }
  const batch: TokenBatch = {
    batchSize: B,
    seqLen: T,
    tokens: random.ints(B * T, V),
    segments,
    targets: random.ints(B * T, V),
  };
  if (!advantages) return batch;
  const weights = Float32Array.from(random.normal(B * T), (w, i) => (segments[i] === -1 ? 0 : w));
  return { ...batch, weights };
}

/** Every tensor's gradient (by name) whose relative error is not under the tolerance. */
function gradientErrors(config: ModelConfig, actual: ArrayLike<number>, expected: Float64Array): string[] {
  const layout = parameterLayout(config);
  const failures: string[] = [];
  for (const tensor of layout.tensors) {
    const a = Array.from(actual).slice(tensor.offset, tensor.offset + tensor.size);
    const error = relativeError(a, tensorView(expected, tensor));
    if (!(error < TOLERANCE)) failures.push(`${tensor.name}: ${error}`);
  }
  return failures;
}

/** The rows of the batches as one batch, every one (and the whole) with the same normaliser. */
function withNormaliser(batches: readonly TokenBatch[], normaliser: number): [TokenBatch[], TokenBatch] {
  const join = <A extends Int32Array | Float32Array>(parts: A[], make: (n: number) => A): A => {
    const out = make(parts.reduce((n, part) => n + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  };
  const weightsOf = (batch: TokenBatch): Float32Array =>
    Float32Array.from(batch.weights ?? Array.from(batch.segments!, (s) => (s === -1 ? 0 : 1)));
  const micro = batches.map((batch) => ({ ...batch, weights: weightsOf(batch), normaliser }));
  const whole: TokenBatch = {
    batchSize: micro.reduce((n, batch) => n + batch.batchSize, 0),
    seqLen: micro[0]!.seqLen,
    tokens: join(
      micro.map((b) => b.tokens),
      (n) => new Int32Array(n),
    ),
    segments: join(
      micro.map((b) => b.segments!),
      (n) => new Int32Array(n),
    ),
    targets: join(
      micro.map((b) => b.targets!),
      (n) => new Int32Array(n),
    ),
    weights: join(
      micro.map((b) => b.weights),
      (n) => new Float32Array(n),
    ),
    normaliser,
  };
  return [micro, whole];
}

describe('the whole model on the GPU against the reference', () => {
  const cases = [
    ['learned', 3, 32, false],
    ['rotary', 3, 32, false],
    ['rotary', 2, 19, true],
  ] as const;
  for (const [positions, B, T, advantages] of cases) {
    const label = `${positions} positions, B=${B} T=${T}${advantages ? ', signed weights' : ''}`;
    it(`logits, loss and every gradient match for ${label}`, async () => {
      const ctx = gpu();
      const config = reducedNano(positions);
      const layout = parameterLayout(config);
      const seed = `model/${label}`;
      const batch = randomBatch(seed, config, B, T, advantages);
      const model = GpuModel.create(ctx, config, seed, { maxTokens: 3 * 32 });
      const params = Float64Array.from(initParameters(layout, seed));
      expect(relativeError(await model.getParameters(), params)).toBe(0);

      const acts = modelForward(layout, params, batch);
      const { logits, loss } = await checked(ctx, () => model.forward(batch));
      expect(relativeError(logits, acts.logits)).toBeLessThan(TOLERANCE);
      expect(relativeError([loss ?? NaN], [acts.loss!.loss])).toBeLessThan(TOLERANCE);

      const expectedGrads = modelBackward(layout, params, batch, acts);
      const gpuLoss = await checked(ctx, () => model.lossAndGradients(batch));
      expect(relativeError([gpuLoss], [acts.loss!.loss])).toBeLessThan(TOLERANCE);
      const grads = await model.getGradients();
      expect(gradientErrors(config, grads, expectedGrads)).toEqual([]);
      expect(relativeError(grads, expectedGrads)).toBeLessThan(TOLERANCE);
      model.destroy();
    });
  }

  for (const positions of ['learned', 'rotary'] as const) {
    it(`two AdamW steps with clipping match the reference's trainStep (${positions} positions)`, async () => {
      const ctx = gpu();
      const config = reducedNano(positions);
      const layout = parameterLayout(config);
      const seed = `model/adamw/${positions}`;
      const model = GpuModel.create(ctx, config, seed, { maxTokens: 3 * 32 });
      const params = Float64Array.from(initParameters(layout, seed));
      const state = adamwState(layout);
      for (const step of [0, 1]) {
        const batch = randomBatch(`${seed}/${step}`, config, 3, 32);
        // The first step clips (the norm at initialisation is above 1), the second does not.
        const options = { ...ADAMW, maxGradNorm: step === 0 ? 1 : 1e6 };
        const expected = trainStep(layout, params, state, batch, options);
        const actual = await checked(ctx, () => model.trainStep(batch, options));
        if (step === 0) expect(expected.gradNorm).toBeGreaterThan(1);
        expect(actual.skipped).toBe(false);
        expect(
          relativeError([actual.loss, actual.gradNorm], [expected.loss, expected.gradNorm]),
        ).toBeLessThan(TOLERANCE);
      }
      expect(relativeError(await model.getParameters(), params)).toBeLessThan(TOLERANCE);
      const optimizer = await model.getOptimizerState();
      expect(optimizer.step).toBe(2);
      expect(relativeError(optimizer.m, state.m)).toBeLessThan(TOLERANCE);
      expect(relativeError(optimizer.v, state.v)).toBeLessThan(TOLERANCE);
      model.destroy();
    });
  }

  it('accumulates two micro-batches as the reference does their concatenation: loss, gradients, AdamW', async () => {
    const ctx = gpu();
    const config = reducedNano('rotary');
    const layout = parameterLayout(config);
    const seed = 'model/accumulate';
    const [micro, whole] = withNormaliser(
      [randomBatch(`${seed}/1`, config, 2, 19, true), randomBatch(`${seed}/2`, config, 1, 19, true)],
      23,
    );
    const model = GpuModel.create(ctx, config, seed, { maxTokens: 2 * 19 });
    const params = Float64Array.from(initParameters(layout, seed));
    const acts = modelForward(layout, params, whole);
    const expectedGrads = modelBackward(layout, params, whole, acts);
    const loss = await checked(ctx, () => model.lossAndGradients(micro));
    expect(relativeError([loss], [acts.loss!.loss])).toBeLessThan(TOLERANCE);
    expect(gradientErrors(config, await model.getGradients(), expectedGrads)).toEqual([]);

    const state = adamwState(layout);
    const expected = trainStep(layout, params, state, whole, ADAMW);
    const actual = await checked(ctx, () => model.trainStep(micro, ADAMW));
    expect(actual.skipped).toBe(false);
    expect(relativeError([actual.loss, actual.gradNorm], [expected.loss, expected.gradNorm])).toBeLessThan(
      TOLERANCE,
    );
    expect(relativeError(await model.getParameters(), params)).toBeLessThan(TOLERANCE);
    const optimizer = await model.getOptimizerState();
    expect(optimizer.step).toBe(1);
    expect(relativeError(optimizer.m, state.m)).toBeLessThan(TOLERANCE);
    expect(relativeError(optimizer.v, state.v)).toBeLessThan(TOLERANCE);
    // The whole batch is larger than maxTokens: only micro-batches fit, which is what they are for.
    await expect(model.trainStep(whole, ADAMW)).rejects.toThrow(/micro-batches/);
    model.destroy();
  });

  it('takes a list of one batch as the plain call, to the bit', async () => {
    const ctx = gpu();
    const config = reducedNano('learned');
    const listed = GpuModel.create(ctx, config, 'model/one', { maxTokens: 32 });
    const plain = GpuModel.create(ctx, config, 'model/one', { maxTokens: 32 });
    for (const step of [1, 2]) {
      const batch = randomBatch(`model/one/${step}`, config, 1, 32);
      const a = await checked(ctx, () => listed.trainStep([batch], ADAMW));
      const b = await checked(ctx, () => plain.trainStep(batch, ADAMW));
      expect(a).toEqual(b);
    }
    expect(await listed.getParameters()).toEqual(await plain.getParameters());
    await expect(listed.trainStep([], ADAMW)).rejects.toThrow(/at least one batch/);
    listed.destroy();
    plain.destroy();
  });

  it('holds exactly the parameters it is built with (a checkpoint load draws no initialisation)', async () => {
    const ctx = gpu();
    const config = reducedNano('rotary');
    const layout = parameterLayout(config);
    const params = Float32Array.from({ length: layout.totalFloats }, (_, i) => Math.sin(i) / 7);
    const model = GpuModel.withParameters(ctx, config, params, { maxTokens: 32 });
    expect(await model.getParameters()).toEqual(params);
    expect((await model.getOptimizerState()).step).toBe(0);
    expect(() => GpuModel.withParameters(ctx, config, params.subarray(1), { maxTokens: 32 })).toThrow(
      /layout needs/,
    );
    model.destroy();
  });

  it('skips a step whose loss is not finite and keeps the parameters', async () => {
    const ctx = gpu();
    const config = reducedNano('rotary');
    const model = GpuModel.create(ctx, config, 'model/nan', { maxTokens: 32 });
    const broken = await model.getParameters();
    broken[parameterLayout(config).lnfBias.offset] = NaN;
    model.setParameters(broken);
    const batch = randomBatch('model/nan', config, 1, 32);
    const result = await checked(ctx, () => model.trainStep(batch, ADAMW));
    expect(result.skipped).toBe(true);
    expect(Number.isFinite(result.loss)).toBe(false);
    expect(await model.getParameters()).toEqual(broken);
    expect((await model.getOptimizerState()).step).toBe(0);
    model.destroy();
  });

  it('gives checkpoints back as it took them', async () => {
    const ctx = gpu();
    const config = reducedNano('learned');
    const model = GpuModel.create(ctx, config, 'model/checkpoint', { maxTokens: 32 });
    const other = GpuModel.create(ctx, config, 'model/other', { maxTokens: 32 });
    const batch = randomBatch('model/checkpoint', config, 1, 32);
    await checked(ctx, () => model.trainStep(batch, ADAMW));
    other.setParameters(await model.getParameters());
    other.setOptimizerState(await model.getOptimizerState());
    const [a, b] = [await model.trainStep(batch, ADAMW), await other.trainStep(batch, ADAMW)];
    expect(b).toEqual(a);
    expect(await other.getParameters()).toEqual(await model.getParameters());
    expect(() => other.setParameters(new Float32Array(5))).toThrow(/layout needs/);
    model.destroy();
    other.destroy();
  });

  it('matches the reference at the real nano shape (context 256, byte vocabulary)', async () => {
    const ctx = gpu();
    const config = modelConfig('nano', { vocabSize: 259 });
    const layout = parameterLayout(config);
    const batch = randomBatch('model/nano', config, 2, 256);
    const model = GpuModel.create(ctx, config, 'model/nano', { maxTokens: 2 * 256 });
    const params = Float64Array.from(initParameters(layout, 'model/nano'));
    const acts = modelForward(layout, params, batch);
    const expectedGrads = modelBackward(layout, params, batch, acts);
    const loss = await checked(ctx, () => model.lossAndGradients(batch));
    expect(relativeError([loss], [acts.loss!.loss])).toBeLessThan(TOLERANCE);
    expect(gradientErrors(config, await model.getGradients(), expectedGrads)).toEqual([]);

    const state = adamwState(layout);
    const expected = trainStep(layout, params, state, batch, ADAMW);
    const actual = await checked(ctx, () => model.trainStep(batch, ADAMW));
    expect(relativeError([actual.loss, actual.gradNorm], [expected.loss, expected.gradNorm])).toBeLessThan(
      TOLERANCE,
    );
    expect(relativeError(await model.getParameters(), params)).toBeLessThan(TOLERANCE);

    // Not asserted (tests never assert a speed): the time of a warm step, for the record.
    const started = performance.now();
    for (let i = 0; i < 2; i++) await model.trainStep(batch, ADAMW);
    const stepMs = (performance.now() - started) / 2;
    console.log(`nano training step, 2 x 256 tokens: ${stepMs.toFixed(0)} ms on this adapter`);
    model.destroy();
  });
});
