import { describe, expect, it } from 'vitest';
import { embeddingBackward, embeddingForward } from '../../src/gpu/ops/embedding.ts';
import { geluBackward, geluForward } from '../../src/gpu/ops/gelu.ts';
import { layerNormBackward, layerNormForward } from '../../src/gpu/ops/layernorm.ts';
import { residualBackward, residualForward } from '../../src/gpu/ops/residual.ts';
import { LAYER_NORM_EPSILON } from '../../src/model/config.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import * as reference from '../../src/model/reference/ops.ts';
import { randomSource, read, run, TOLERANCE, upload, uploadIds, useGpu } from './gpu-harness.ts';

const gpu = useGpu();

describe('layer norm', () => {
  // [N, C]: C below, at and above the 64 threads of a row; N not a multiple of the 4 row lanes.
  for (const [N, C] of [
    [1, 1],
    [7, 33],
    [33, 64],
    [5, 130],
    [65, 7],
  ] as const) {
    it(`forward and backward match the reference for N=${N} C=${C}`, async () => {
      const ctx = gpu();
      const random = randomSource(`layerNorm/${N}/${C}`);
      const inp = random.normal(N * C, 2);
      const weight = random.normal(C);
      const bias = random.normal(C);
      const out = new Float64Array(N * C);
      const mean = new Float64Array(N);
      const rstd = new Float64Array(N);
      reference.layerNormForward(out, mean, rstd, inp, weight, bias, N, C, LAYER_NORM_EPSILON);
      const gpuOut = ctx.pool.acquireFloats(N * C);
      const gpuMean = ctx.pool.acquireFloats(N);
      const gpuRstd = ctx.pool.acquireFloats(N);
      const [gpuInp, gpuWeight] = [upload(ctx, inp), upload(ctx, weight)];
      await run(ctx, (encoder) =>
        layerNormForward(
          ctx,
          encoder,
          gpuOut,
          gpuMean,
          gpuRstd,
          gpuInp,
          gpuWeight,
          upload(ctx, bias),
          N,
          C,
          LAYER_NORM_EPSILON,
        ),
      );
      expect(relativeError(await read(ctx, gpuOut, N * C), out)).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuMean, N), mean)).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuRstd, N), rstd)).toBeLessThan(TOLERANCE);

      // The backward from the GPU's own saved statistics, into gradients that start nonzero.
      const dout = random.normal(N * C);
      const dinp = random.normal(N * C);
      const dweight = random.normal(C);
      const dbias = random.normal(C);
      const [gpuDinp, gpuDweight, gpuDbias] = [upload(ctx, dinp), upload(ctx, dweight), upload(ctx, dbias)];
      await run(ctx, (encoder) =>
        layerNormBackward(
          ctx,
          encoder,
          gpuDinp,
          gpuDweight,
          gpuDbias,
          upload(ctx, dout),
          gpuInp,
          gpuWeight,
          gpuMean,
          gpuRstd,
          N,
          C,
        ),
      );
      reference.layerNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C);
      expect(relativeError(await read(ctx, gpuDinp, N * C), dinp)).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuDweight, C), dweight)).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuDbias, C), dbias)).toBeLessThan(TOLERANCE);
      for (const buffer of [gpuOut, gpuMean, gpuRstd]) ctx.pool.release(buffer);
    });
  }
});

describe('GELU', () => {
  for (const N of [1, 7, 255, 257, 1000]) {
    it(`forward and backward match the reference for N=${N}`, async () => {
      const ctx = gpu();
      const random = randomSource(`gelu/${N}`);
      // Wide inputs: the tails (where tanh saturates) must not turn into NaN.
      const inp = random.normal(N, 4);
      if (N > 2) inp.set([60, -60]);
      const out = new Float64Array(N);
      reference.geluForward(out, inp, N);
      const gpuOut = ctx.pool.acquireFloats(N);
      const gpuInp = upload(ctx, inp);
      await run(ctx, (encoder) => geluForward(ctx, encoder, gpuOut, gpuInp, N));
      expect(relativeError(await read(ctx, gpuOut, N), out)).toBeLessThan(TOLERANCE);

      const dout = random.normal(N);
      const dinp = random.normal(N);
      const gpuDinp = upload(ctx, dinp);
      await run(ctx, (encoder) => geluBackward(ctx, encoder, gpuDinp, gpuInp, upload(ctx, dout), N));
      reference.geluBackward(dinp, inp, dout, N);
      expect(relativeError(await read(ctx, gpuDinp, N), dinp)).toBeLessThan(TOLERANCE);
      ctx.pool.release(gpuOut);
    });
  }
});

describe('residual', () => {
  for (const N of [1, 33, 300]) {
    it(`forward and backward match the reference for N=${N}`, async () => {
      const ctx = gpu();
      const random = randomSource(`residual/${N}`);
      const [inp1, inp2] = [random.normal(N), random.normal(N)];
      const out = new Float64Array(N);
      reference.residualForward(out, inp1, inp2, N);
      const gpuOut = ctx.pool.acquireFloats(N);
      await run(ctx, (encoder) =>
        residualForward(ctx, encoder, gpuOut, upload(ctx, inp1), upload(ctx, inp2), N),
      );
      expect(relativeError(await read(ctx, gpuOut, N), out)).toBeLessThan(TOLERANCE);

      const [dinp1, dinp2, dout] = [random.normal(N), random.normal(N), random.normal(N)];
      const [gpuDinp1, gpuDinp2] = [upload(ctx, dinp1), upload(ctx, dinp2)];
      await run(ctx, (encoder) => residualBackward(ctx, encoder, gpuDinp1, gpuDinp2, upload(ctx, dout), N));
      reference.residualBackward(dinp1, dinp2, dout, N);
      expect(relativeError(await read(ctx, gpuDinp1, N), dinp1)).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuDinp2, N), dinp2)).toBeLessThan(TOLERANCE);
      ctx.pool.release(gpuOut);
    });
  }
});

describe('embedding', () => {
  // [N, C, V, maxT]; V above 256 so the id scan takes chunks of several ids per thread.
  for (const [N, C, V, maxT, learned] of [
    [1, 1, 2, 1, true],
    [7, 33, 5, 7, true],
    [65, 16, 300, 40, true],
    [40, 9, 600, 8, false],
  ] as const) {
    it(`forward and scatter-add backward match the reference for N=${N} C=${C} V=${V} ${learned ? 'learned' : 'rotary'}`, async () => {
      const ctx = gpu();
      const random = randomSource(`embedding/${N}/${C}/${V}/${learned}`);
      // Few distinct tokens so rows repeat (the scatter-add must sum them).
      const tokens = random.ints(N, Math.min(V, 6));
      tokens[0] = V - 1;
      const positions = random.ints(N, maxT);
      const wte = random.normal(V * C);
      const wpe = learned ? random.normal(maxT * C) : null;
      const out = new Float64Array(N * C);
      reference.embeddingForward(out, tokens, positions, wte, wpe, N, C);
      const gpuOut = ctx.pool.acquireFloats(N * C);
      const [gpuTokens, gpuPositions] = [uploadIds(ctx, tokens), uploadIds(ctx, positions)];
      await run(ctx, (encoder) =>
        embeddingForward(
          ctx,
          encoder,
          gpuOut,
          gpuTokens,
          gpuPositions,
          upload(ctx, wte),
          wpe && upload(ctx, wpe),
          N,
          C,
        ),
      );
      expect(relativeError(await read(ctx, gpuOut, N * C), out)).toBeLessThan(TOLERANCE);

      const dout = random.normal(N * C);
      const dwte = random.normal(V * C);
      const dwpe = learned ? random.normal(maxT * C) : null;
      const gpuDwte = upload(ctx, dwte);
      const gpuDwpe = dwpe && upload(ctx, dwpe);
      await run(ctx, (encoder) =>
        embeddingBackward(
          ctx,
          encoder,
          gpuDwte,
          gpuDwpe,
          upload(ctx, dout),
          gpuTokens,
          gpuPositions,
          N,
          C,
          V,
          maxT,
        ),
      );
      reference.embeddingBackward(dwte, dwpe, dout, tokens, positions, N, C);
      expect(relativeError(await read(ctx, gpuDwte, V * C), dwte)).toBeLessThan(TOLERANCE);
      if (dwpe !== null && gpuDwpe !== null) {
        expect(relativeError(await read(ctx, gpuDwpe, maxT * C), dwpe)).toBeLessThan(TOLERANCE);
      }
      ctx.pool.release(gpuOut);
    });
  }
});
