import { describe, expect, it } from 'vitest';
import { flopsTerms, trainingStepFlops } from '../../src/model/flops.ts';
import { packExamples } from '../../src/model/packing.ts';
import {
  inferenceFlops,
  PAPER_TEACHER_RATIO,
  teacherStepFlops,
  trainingBatchFlops,
} from '../../src/train/compute.ts';

// L = 1, h = 4, n = 2 (g = n), f = 8, V = 10.
// F_attn = 12 * 1 * 16 * (1 + 1 + s/4) = 384 + 48 s;  F_mlp = 18 * 4 * 8 = 576;  F_embed = 6 * 10 * 4 = 240
// per token: generated 1200 + 48 s; training 4 * (1200 + 48 s) = 4800 + 192 s
//   s = 2: 1296 / 5184;  s = 3: 5376 (training);  s = 4: 5568 (training);  s = 5: 1440 (generated)
const tiny = { layers: 1, width: 4, heads: 2, ffWidth: 8, vocabSize: 10 };

describe('FLOPs of the parts of a run', () => {
  it('uses the tiny shape the numbers below assume', () => {
    expect(flopsTerms(tiny, 2)).toEqual({ attention: 480, mlp: 576, embedding: 240 });
  });

  it('counts a packed batch segment by segment, padding free', () => {
    const batch = {
      batchSize: 2,
      seqLen: 5,
      tokens: new Int32Array(10),
      segments: Int32Array.from([0, 0, 0, 1, 1, 0, 0, 0, 0, -1]),
    };
    // 3 x 5376 + 2 x 5184 + 4 x 5568 = 16128 + 10368 + 22272
    expect(trainingBatchFlops(tiny, batch)).toBe(48768);
    // Two segments of 2 are cheaper than one of 4: s enters the attention term.
    const split = {
      ...batch,
      seqLen: 4,
      batchSize: 1,
      tokens: new Int32Array(4),
      segments: Int32Array.from([0, 0, 1, 1]),
    };
    expect(trainingBatchFlops(tiny, split)).toBe(2 * 2 * 5184);
  });

  it('counts a batch from packExamples and an unsegmented batch', () => {
    // rows [a(3) b(3)] and [c(4) pad pad]: 2 x 3 x 5376 + 4 x 5568 = 32256 + 22272
    const packed = packExamples(
      [
        { prompt: [1, 2], target: [3, 4] },
        { prompt: [9, 1, 2, 3], target: [4] },
        { prompt: [5], target: [6, 7, 8] },
      ],
      { context: 6, packing: true, padding: 9 },
    );
    expect(trainingBatchFlops(tiny, packed.batch)).toBe(54528);
    // No segments: every row is one sequence of T tokens, as trainingStepFlops counts it.
    const plain = { batchSize: 2, seqLen: 3, tokens: new Int32Array(6) };
    expect(trainingBatchFlops(tiny, plain)).toBe(6 * 5376);
    expect(trainingBatchFlops(tiny, plain)).toBe(trainingStepFlops(tiny, 2, 3));
  });

  it('counts a generation as prompt plus generated tokens at m = 0', () => {
    // 5 tokens x 1440
    expect(inferenceFlops(tiny, 3, 2)).toBe(7200);
    // s = 2: 2 x 1296
    expect(inferenceFlops(tiny, 1, 1)).toBe(2592);
  });

  it('counts a teacher by the paper ratio or by its declared parameters', () => {
    expect(PAPER_TEACHER_RATIO).toBe(8.75);
    // 8.75 x 7200
    expect(teacherStepFlops(tiny, null, 3, 2, 'nano')).toEqual({
      flops: 63000,
      basis: 'paper ratio 70B:8B x student (nano)',
    });
    // 5 tokens x 6 x 1000
    expect(teacherStepFlops(tiny, 1000, 3, 2, 'nano')).toEqual({
      flops: 30000,
      basis: 'declared 1000 parameters',
    });
    expect(() => teacherStepFlops(tiny, 0, 3, 2, 'nano')).toThrow(/teacher.parameters/);
  });
});
