import { describe, expect, it } from 'vitest';
import { matmulBackward, matmulForward } from '../../src/gpu/ops/matmul.ts';
import { tensorRange } from '../../src/gpu/buffers.ts';
import { modelConfig } from '../../src/model/config.ts';
import { parameterLayout, tensorView } from '../../src/model/layout.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import * as reference from '../../src/model/reference/ops.ts';
import { randomSource, read, run, TOLERANCE, upload, useGpu } from './gpu-harness.ts';

const gpu = useGpu();

// [N, C, OC]: tile-sized, not multiples of the 64 x 64 x 16 tile, single rows and columns.
const SHAPES: [number, number, number][] = [
  [64, 64, 64],
  [7, 33, 65],
  [1, 1, 1],
  [65, 17, 130],
  [33, 96, 7],
];

describe('matmulForward', () => {
  for (const [N, C, OC] of SHAPES) {
    for (const withBias of [true, false]) {
      it(`out = inp weight^T ${withBias ? '+ bias ' : ''}for N=${N} C=${C} OC=${OC}`, async () => {
        const ctx = gpu();
        const random = randomSource(`matmulForward/${N}/${C}/${OC}/${withBias}`);
        const inp = random.normal(N * C);
        const weight = random.normal(OC * C);
        const bias = withBias ? random.normal(OC) : null;
        const expected = new Float64Array(N * OC);
        reference.matmulForward(expected, inp, weight, bias, N, C, OC);

        const out = ctx.pool.acquireFloats(N * OC);
        await run(ctx, (encoder) =>
          matmulForward(
            ctx,
            encoder,
            out,
            upload(ctx, inp),
            upload(ctx, weight),
            bias && upload(ctx, bias),
            N,
            C,
            OC,
          ),
        );
        expect(relativeError(await read(ctx, out, N * OC), expected)).toBeLessThan(TOLERANCE);
        ctx.pool.release(out);
      });
    }
  }
});

describe('matmulBackward', () => {
  const cases: [number, number, number, number | undefined][] = [
    ...SHAPES.map(([N, C, OC]): [number, number, number, undefined] => [N, C, OC, undefined]),
    // the token dimension split across workgroups, evenly and not
    [300, 33, 20, 3],
    [97, 7, 65, 4],
  ];
  for (const [N, C, OC, splitK] of cases) {
    it(`adds dinp, dweight, dbias for N=${N} C=${C} OC=${OC}${splitK ? ` split ${splitK}` : ''}`, async () => {
      const ctx = gpu();
      const random = randomSource(`matmulBackward/${N}/${C}/${OC}/${splitK}`);
      const inp = random.normal(N * C);
      const weight = random.normal(OC * C);
      const dout = random.normal(N * OC);
      // Gradients start nonzero: the backward must add to them, not overwrite.
      const dinp = random.normal(N * C);
      const dweight = random.normal(OC * C);
      const dbias = random.normal(OC);
      const gpuDinp = upload(ctx, dinp);
      const gpuDweight = upload(ctx, dweight);
      const gpuDbias = upload(ctx, dbias);
      await run(ctx, (encoder) =>
        matmulBackward(
          ctx,
          encoder,
          gpuDinp,
          gpuDweight,
          gpuDbias,
          upload(ctx, dout),
          upload(ctx, inp),
          upload(ctx, weight),
          N,
          C,
          OC,
          { splitK },
        ),
      );
      reference.matmulBackward(dinp, dweight, dbias, dout, inp, weight, N, C, OC);
      expect(relativeError(await read(ctx, gpuDinp, N * C), dinp)).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuDweight, OC * C), dweight)).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuDbias, OC), dbias)).toBeLessThan(TOLERANCE);
    });
  }

  it('leaves dbias alone when there is none', async () => {
    const ctx = gpu();
    const random = randomSource('matmulBackward/no-bias');
    const [N, C, OC] = [5, 3, 4];
    const inp = random.normal(N * C);
    const weight = random.normal(OC * C);
    const dout = random.normal(N * OC);
    const dinp = new Float64Array(N * C);
    const dweight = new Float64Array(OC * C);
    const gpuDinp = upload(ctx, dinp);
    const gpuDweight = upload(ctx, dweight);
    await run(ctx, (encoder) =>
      matmulBackward(
        ctx,
        encoder,
        gpuDinp,
        gpuDweight,
        null,
        upload(ctx, dout),
        upload(ctx, inp),
        upload(ctx, weight),
        N,
        C,
        OC,
      ),
    );
    reference.matmulBackward(dinp, dweight, null, dout, inp, weight, N, C, OC);
    expect(relativeError(await read(ctx, gpuDinp, N * C), dinp)).toBeLessThan(TOLERANCE);
    expect(relativeError(await read(ctx, gpuDweight, OC * C), dweight)).toBeLessThan(TOLERANCE);
  });
});

describe('tensors as ranges of one buffer', () => {
  it('reads a layer from the flat parameters and adds into the flat gradients', async () => {
    const ctx = gpu();
    const layout = parameterLayout(modelConfig('nano', { vocabSize: 11 }));
    const block = layout.blocks[1]!;
    const random = randomSource('matmul/layout');
    const params = random.normal(layout.totalFloats);
    const grads = random.normal(layout.totalFloats);
    const [N, C, OC] = [9, block.qkvWeight.shape[1]!, block.qkvWeight.shape[0]!];
    const inp = random.normal(N * C);
    const dout = random.normal(N * OC);
    const [gpuParams, gpuGrads, gpuInp] = [upload(ctx, params), upload(ctx, grads), upload(ctx, inp)];
    const out = ctx.pool.acquireFloats(N * OC);
    const dinp = upload(ctx, new Float64Array(N * C));
    const weight = tensorRange(gpuParams, block.qkvWeight);
    await run(ctx, (encoder) => {
      matmulForward(ctx, encoder, out, gpuInp, weight, tensorRange(gpuParams, block.qkvBias), N, C, OC);
      matmulBackward(
        ctx,
        encoder,
        dinp,
        tensorRange(gpuGrads, block.qkvWeight),
        tensorRange(gpuGrads, block.qkvBias),
        upload(ctx, dout),
        gpuInp,
        weight,
        N,
        C,
        OC,
      );
    });
    const expected = new Float64Array(N * OC);
    const p = tensorView(params, block.qkvWeight);
    reference.matmulForward(expected, inp, p, tensorView(params, block.qkvBias), N, C, OC);
    const expectedDinp = new Float64Array(N * C);
    const [dw, db] = [tensorView(grads, block.qkvWeight), tensorView(grads, block.qkvBias)];
    reference.matmulBackward(expectedDinp, dw, db, dout, inp, p, N, C, OC);
    expect(relativeError(await read(ctx, out, N * OC), expected)).toBeLessThan(TOLERANCE);
    expect(relativeError(await read(ctx, dinp, N * C), expectedDinp)).toBeLessThan(TOLERANCE);
    // Every other gradient is untouched.
    expect(relativeError(await read(ctx, gpuGrads, layout.totalFloats), grads)).toBeLessThan(TOLERANCE);
    ctx.pool.release(out);
  });
});

describe('relativeError on GPU output', () => {
  it('fails a result with a NaN', () => {
    expect(relativeError([1, Number.NaN], [1, 2])).toBe(Infinity);
  });
});
