import { describe, expect, it } from 'vitest';
import { adamwState, adamwStep, adamwUpdate, clipGradients, gradientNorm } from '../../src/gpu/ops/optim.ts';
import { modelConfig } from '../../src/model/config.ts';
import { initParameters, parameterLayout } from '../../src/model/layout.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import * as reference from '../../src/model/reference/optim.ts';
import { randomSource, read, run, TOLERANCE, upload, useGpu } from './gpu-harness.ts';

const gpu = useGpu();

const ADAMW: reference.AdamWOptions = {
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.95,
  epsilon: 1e-8,
  weightDecay: 0.1,
};

describe('gradient norm and clipping', () => {
  // Counts around the 4096 floats of a first-stage workgroup.
  for (const count of [1, 7, 4095, 4097, 20000]) {
    it(`match the reference for ${count} gradients`, async () => {
      const ctx = gpu();
      const random = randomSource(`clip/${count}`);
      const grads = random.normal(count);
      const status = ctx.pool.acquireFloats(2);
      const gpuGrads = upload(ctx, grads);
      await run(ctx, (encoder) => gradientNorm(ctx, encoder, status, gpuGrads, count));
      const norm = reference.gradientNorm(grads);
      expect(relativeError(await read(ctx, status, 2), [norm, 1])).toBeLessThan(TOLERANCE);

      // Clip to half the norm (scales), then to twice it (leaves the gradients alone).
      for (const maxNorm of [norm / 2, norm * 2]) {
        await run(ctx, (encoder) => clipGradients(ctx, encoder, status, gpuGrads, maxNorm, count));
        const { norm: expectedNorm, scale } = reference.clipGradients(grads, maxNorm);
        expect(relativeError(await read(ctx, status, 2), [expectedNorm, scale])).toBeLessThan(TOLERANCE);
        expect(relativeError(await read(ctx, gpuGrads, count), grads)).toBeLessThan(TOLERANCE);
      }
      ctx.pool.release(status);
    });
  }

  it('reports a NaN gradient as a non-finite norm and scales nothing', async () => {
    const ctx = gpu();
    const grads = Float64Array.from([1, 2, Number.NaN, 3]);
    const status = ctx.pool.acquireFloats(2);
    const gpuGrads = upload(ctx, grads);
    await run(ctx, (encoder) => clipGradients(ctx, encoder, status, gpuGrads, 0.5, 4));
    const [norm, scale] = await read(ctx, status, 2);
    expect(Number.isFinite(norm)).toBe(false);
    expect(scale).toBe(1);
    ctx.pool.release(status);
  });
});

describe('AdamW', () => {
  for (const [count, t, decay] of [
    [1, 1, true],
    [300, 1, false],
    [1000, 7, true],
  ] as const) {
    it(`adamwUpdate matches the reference for ${count} floats at step ${t}${decay ? ' with decay' : ''}`, async () => {
      const ctx = gpu();
      const random = randomSource(`adamw/${count}/${t}/${decay}`);
      const params = random.normal(count);
      const grads = random.normal(count);
      const m = random.normal(count, 0.1);
      const v = Float64Array.from(random.normal(count, 0.1), (x) => x * x);
      const [gpuParams, gpuM, gpuV] = [upload(ctx, params), upload(ctx, m), upload(ctx, v)];
      // Only the middle of the range is updated.
      const [start, end] = [Math.floor(count / 4), count];
      await run(ctx, (encoder) =>
        adamwUpdate(ctx, encoder, gpuParams, upload(ctx, grads), gpuM, gpuV, t, ADAMW, decay, start, end),
      );
      reference.adamwUpdate(params, grads, m, v, t, ADAMW, decay, start, end);
      expect(relativeError(await read(ctx, gpuParams, count), params)).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuM, count), m)).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuV, count), v)).toBeLessThan(TOLERANCE);
    });
  }

  it('adamwStep over a whole layout decays as the layout says, over two steps', async () => {
    const ctx = gpu();
    const layout = parameterLayout({
      ...modelConfig('nano', { vocabSize: 37, positions: 'learned' }),
      layers: 1,
      context: 8,
    });
    const random = randomSource('adamwStep/nano');
    const params = Float64Array.from(initParameters(layout, 'adamwStep'));
    const state = reference.adamwState(layout);
    const gpuParams = upload(ctx, params);
    const gpuState = adamwState(ctx, layout);
    for (let step = 0; step < 2; step++) {
      const grads = random.normal(layout.totalFloats);
      // Keep the alignment gaps at zero, as a real backward does.
      const inTensor = new Uint8Array(layout.totalFloats);
      for (const tensor of layout.tensors) inTensor.fill(1, tensor.offset, tensor.offset + tensor.size);
      grads.forEach((_, i) => (grads[i] = inTensor[i] ? grads[i]! : 0));
      await run(ctx, (encoder) =>
        adamwStep(ctx, encoder, layout, gpuParams, upload(ctx, grads), gpuState, ADAMW),
      );
      reference.adamwStep(layout, params, grads, state, ADAMW);
    }
    expect(gpuState.step).toBe(2);
    expect(relativeError(await read(ctx, gpuParams, layout.totalFloats), params)).toBeLessThan(TOLERANCE);
    expect(relativeError(await read(ctx, gpuState.m, layout.totalFloats), state.m)).toBeLessThan(TOLERANCE);
    expect(relativeError(await read(ctx, gpuState.v, layout.totalFloats), state.v)).toBeLessThan(TOLERANCE);
  });

  it('skips the step when the clipped norm is not finite', async () => {
    const ctx = gpu();
    const grads = Float64Array.from([1, Number.POSITIVE_INFINITY, 3, 4]);
    const params = Float64Array.from([1, 2, 3, 4]);
    const [gpuParams, gpuGrads, gpuM, gpuV] = [
      upload(ctx, params),
      upload(ctx, grads),
      upload(ctx, new Float64Array(4)),
      upload(ctx, new Float64Array(4)),
    ];
    const status = ctx.pool.acquireFloats(2);
    await run(ctx, (encoder) => {
      clipGradients(ctx, encoder, status, gpuGrads, 1, 4);
      adamwUpdate(ctx, encoder, gpuParams, gpuGrads, gpuM, gpuV, 1, ADAMW, true, 0, 4, status);
    });
    expect(Array.from(await read(ctx, gpuParams, 4))).toEqual([1, 2, 3, 4]);
    expect(Array.from(await read(ctx, gpuM, 4))).toEqual([0, 0, 0, 0]);
    ctx.pool.release(status);
  });
});
