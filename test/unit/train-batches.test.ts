import { describe, expect, it } from 'vitest';
import { FastCpuEngine } from '../../src/engine/cpu/engine.ts';
import { positionsOf, validateBatch } from '../../src/model/batch.ts';
import { validateModelConfig, type PositionKind } from '../../src/model/config.ts';
import { gatherTargetValues, packExamples, type Example } from '../../src/model/packing.ts';

const P = 99;
// x = [1, 2, 3, 4]: reads [1, 2, 3], predicts [2, 3, 4]; 3 and 4 are target tokens.
const a: Example = { prompt: [1, 2], target: [3, 4] };
// x = [9, 1, 2, 3, 4]: reads 4 tokens, only the last prediction (4) is a target.
const c: Example = { prompt: [9, 1, 2, 3], target: [4] };
// x = [5, 6, 7, 8]: the first target token 6 is predicted from the prompt's only token.
const b: Example = { prompt: [5], target: [6, 7, 8], weights: [0.5, -1, 2] };
const examples = [a, c, b];

describe('packing examples into a token batch', () => {
  it('places examples first-fit into rows, each its own segment, by hand', () => {
    // context 6: a (3) -> row 0; c (4) does not fit after a -> row 1; b (3) fits after a in row 0.
    const packed = packExamples(examples, { context: 6, packing: true, padding: P });
    expect(packed.placements).toEqual([
      { row: 0, start: 0, length: 3 },
      { row: 1, start: 0, length: 4 },
      { row: 0, start: 3, length: 3 },
    ]);
    expect(packed.tokens).toBe(10);
    const { batch } = packed;
    expect([batch.batchSize, batch.seqLen]).toEqual([2, 6]);
    expect(Array.from(batch.tokens)).toEqual([1, 2, 3, 5, 6, 7, 9, 1, 2, 3, P, P]);
    expect(Array.from(batch.segments!)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, -1, -1]);
    expect(Array.from(batch.targets!)).toEqual([2, 3, 4, 6, 7, 8, 1, 2, 3, 4, 0, 0]);
    expect(Array.from(batch.weights!)).toEqual([0, 1, 1, 0.5, -1, 2, 0, 0, 0, 1, 0, 0]);
    expect(batch.normaliser).toBeUndefined();
    // Positions restart at b's segment.
    expect(Array.from(positionsOf(batch).subarray(0, 6))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('puts one example per row without packing', () => {
    const { batch, placements, tokens } = packExamples(examples, {
      context: 6,
      packing: false,
      padding: P,
      normaliser: 7,
    });
    expect([batch.batchSize, batch.seqLen, tokens]).toEqual([3, 4, 10]);
    expect(placements.map(({ row, start }) => [row, start])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
    expect(Array.from(batch.tokens)).toEqual([1, 2, 3, P, 9, 1, 2, 3, 5, 6, 7, P]);
    expect(Array.from(batch.segments!)).toEqual([0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, -1]);
    expect(Array.from(batch.targets!)).toEqual([2, 3, 4, 0, 1, 2, 3, 4, 6, 7, 8, 0]);
    expect(Array.from(batch.weights!)).toEqual([0, 1, 1, 0, 0, 0, 0, 1, 0.5, -1, 2, 0]);
    expect(batch.normaliser).toBe(7);
  });

  it('takes up to context + 1 tokens and says which example is too long', () => {
    const longest = { prompt: [1, 2, 3, 4], target: [5, 6, 7] };
    expect(packExamples([longest], { context: 6, packing: true, padding: P }).batch.seqLen).toBe(6);
    const tooLong = { prompt: [1, 2, 3, 4, 5], target: [6, 7, 8] };
    expect(() => packExamples([a, tooLong], { context: 6, packing: true, padding: P })).toThrow(
      /Example 1 has 8 tokens \(prompt 5 \+ target 3\).*at most 6/,
    );
  });

  it('rejects examples it cannot turn into predictions', () => {
    const options = { context: 6, packing: true, padding: P };
    expect(() => packExamples([], options)).toThrow(/No examples/);
    expect(() => packExamples([{ prompt: [], target: [1] }], options)).toThrow(
      /Example 0 has an empty prompt/,
    );
    expect(() => packExamples([{ prompt: [1], target: [] }], options)).toThrow(/no target tokens/);
    expect(() => packExamples([{ prompt: [1], target: [2, 3], weights: [1] }], options)).toThrow(
      /1 weights for 2 target tokens/,
    );
  });
});

describe('gathering values back per target token', () => {
  it('reads the position that predicts each target token', () => {
    const packed = packExamples(examples, { context: 6, packing: true, padding: P });
    const positions = Float64Array.from({ length: 12 }, (_, i) => i);
    // a: row 0, prompt of 2 -> positions 1, 2; c: row 1 (offset 6), prompt of 4 -> 9; b: start 3, prompt 1 -> 3, 4, 5
    expect(gatherTargetValues(packed, examples, positions).map((values) => Array.from(values))).toEqual([
      [1, 2],
      [9],
      [3, 4, 5],
    ]);
    expect(() => gatherTargetValues(packed, examples, new Float64Array(5))).toThrow(/5 values.*12 positions/);
    expect(() => gatherTargetValues(packed, [a, c], positions)).toThrow(/2 examples/);
  });

  for (const positions of ['rotary', 'learned'] as PositionKind[]) {
    it(`gives the same target log-probabilities packed and unpacked (${positions} positions, CPU engine)`, async () => {
      const config = validateModelConfig({
        layers: 1,
        width: 8,
        heads: 2,
        ffWidth: 16,
        context: 6,
        vocabSize: 100,
        positions,
      });
      const engine = await FastCpuEngine.open(null, { threads: 1 });
      await engine.create(config, 'packing');
      const packed = packExamples(examples, { context: 6, packing: true, padding: P });
      const separate = packExamples(examples, { context: 6, packing: false, padding: P });
      validateBatch(packed.batch, config);
      validateBatch(separate.batch, config);
      const fromPacked = gatherTargetValues(packed, examples, await engine.logProbs(packed.batch));
      const fromSeparate = gatherTargetValues(separate, examples, await engine.logProbs(separate.batch));
      fromPacked.forEach((values, i) =>
        values.forEach((value, j) => {
          expect(value).toBeLessThan(0);
          expect(value).toBeCloseTo(fromSeparate[i]![j]!, 5);
        }),
      );
      await engine.dispose();
    });
  }
});
