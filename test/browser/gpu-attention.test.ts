import { describe, expect, it } from 'vitest';
import {
  attentionBackward,
  attentionForward,
  rotaryBackward,
  rotaryForward,
  rotaryTable,
} from '../../src/gpu/ops/attention.ts';
import { ROTARY_BASE } from '../../src/model/config.ts';
import * as reference from '../../src/model/reference/attention.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import { randomSource, read, run, TOLERANCE, upload, uploadIds, useGpu } from './gpu-harness.ts';

const gpu = useGpu();

describe('rotary positions', () => {
  // [N, C, NH, maxT]: head widths 4, 8, 16 and 64, positions up to 2047 (the large preset's context).
  for (const [N, C, NH, maxT] of [
    [1, 4, 1, 1],
    [7, 32, 4, 7],
    [33, 48, 3, 40],
    [65, 64, 1, 2048],
  ] as const) {
    it(`forward and backward match the reference for N=${N} C=${C} NH=${NH} positions < ${maxT}`, async () => {
      const ctx = gpu();
      const random = randomSource(`rotary/${N}/${C}/${NH}/${maxT}`);
      const inp = random.normal(N * 3 * C);
      const positions = random.ints(N, maxT);
      positions[0] = maxT - 1;
      const table = rotaryTable(ctx.device, C / NH, ROTARY_BASE, maxT);
      const out = new Float64Array(N * 3 * C);
      reference.rotaryForward(out, inp, positions, N, C, NH, ROTARY_BASE);
      const gpuOut = ctx.pool.acquireFloats(N * 3 * C);
      const gpuPositions = uploadIds(ctx, positions);
      await run(ctx, (encoder) =>
        rotaryForward(ctx, encoder, gpuOut, upload(ctx, inp), gpuPositions, N, C, NH, table),
      );
      expect(relativeError(await read(ctx, gpuOut, N * 3 * C), out)).toBeLessThan(TOLERANCE);

      const dout = random.normal(N * 3 * C);
      const dinp = random.normal(N * 3 * C);
      const gpuDinp = upload(ctx, dinp);
      await run(ctx, (encoder) =>
        rotaryBackward(ctx, encoder, gpuDinp, upload(ctx, dout), gpuPositions, N, C, NH, table),
      );
      reference.rotaryBackward(dinp, dout, positions, N, C, NH, ROTARY_BASE);
      expect(relativeError(await read(ctx, gpuDinp, N * 3 * C), dinp)).toBeLessThan(TOLERANCE);
      ctx.pool.release(gpuOut);
      table.destroy();
    });
  }
});

/**
 * Segment ids for B rows of T tokens: left padding, one to three packed sequences, right padding,
 * drawn at random (row 0 is a single sequence with no padding).
 */
function segmentPattern(random: ReturnType<typeof randomSource>, B: number, T: number): Int32Array {
  const segments = new Int32Array(B * T);
  for (let b = 1; b < B; b++) {
    const [left, right] = random.ints(2, Math.max(1, Math.floor(T / 4)));
    const cuts = Array.from(random.ints(2, T)).sort((x, y) => x - y);
    for (let t = 0; t < T; t++) {
      const segment = t < left! || t >= T - right! ? -1 : cuts.filter((cut) => cut <= t).length;
      segments[b * T + t] = segment;
    }
  }
  return segments;
}

describe('fused causal attention', () => {
  // [B, T, C, NH]: T below, at and above the 64-query block and the 16-key tile; head widths 4 to 64.
  for (const [B, T, C, NH] of [
    [1, 1, 4, 1],
    [2, 7, 32, 4],
    [1, 33, 16, 1],
    [3, 65, 48, 3],
    [2, 70, 128, 2],
  ] as const) {
    it(`forward and backward match the reference for B=${B} T=${T} C=${C} NH=${NH}`, async () => {
      const ctx = gpu();
      const random = randomSource(`attention/${B}/${T}/${C}/${NH}`);
      const inp = random.normal(B * T * 3 * C, 1.5);
      const segments = segmentPattern(random, B, T);
      const out = new Float64Array(B * T * C);
      const att = new Float64Array(B * NH * T * T);
      reference.attentionForward(out, att, inp, segments, B, T, C, NH);

      const gpuOut = ctx.pool.acquireFloats(B * T * C);
      const gpuLse = ctx.pool.acquireFloats(B * NH * T);
      const [gpuInp, gpuSegments] = [upload(ctx, inp), uploadIds(ctx, segments)];
      await run(ctx, (encoder) =>
        attentionForward(ctx, encoder, gpuOut, gpuLse, gpuInp, gpuSegments, B, T, C, NH),
      );
      expect(relativeError(await read(ctx, gpuOut, B * T * C), out)).toBeLessThan(TOLERANCE);

      const dout = random.normal(B * T * C);
      const dinp = random.normal(B * T * 3 * C);
      const gpuDinp = upload(ctx, dinp);
      await run(ctx, (encoder) =>
        attentionBackward(
          ctx,
          encoder,
          gpuDinp,
          upload(ctx, dout),
          gpuInp,
          gpuOut,
          gpuLse,
          gpuSegments,
          B,
          T,
          C,
          NH,
        ),
      );
      reference.attentionBackward(dinp, dout, inp, att, segments, B, T, C, NH);
      expect(relativeError(await read(ctx, gpuDinp, B * T * 3 * C), dinp)).toBeLessThan(TOLERANCE);
      ctx.pool.release(gpuOut);
      ctx.pool.release(gpuLse);
    });
  }

  it('rejects heads wider than the kernels hold', () => {
    const ctx = gpu();
    const encoder = ctx.device.createCommandEncoder();
    expect(() =>
      attentionForward(
        ctx,
        encoder,
        ctx.placeholder,
        ctx.placeholder,
        ctx.placeholder,
        ctx.placeholder,
        1,
        1,
        128,
        1,
      ),
    ).toThrow(/head width/);
  });
});
