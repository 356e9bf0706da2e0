import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  broadcastRows,
  embeddingBackward,
  embeddingForward,
  placeTokens,
  residualForward,
  transpose,
  transposeHeads,
} from '../../src/engine/cpu/copy.ts';
import { columnSums, layerNormBackward, layerNormForward } from '../../src/engine/cpu/norm.ts';
import { adamwStep, gradientNorm, optimizerFloats } from '../../src/engine/cpu/optim.ts';
import { CpuRuntime } from '../../src/engine/cpu/runtime.ts';
import { createRandom } from '../../src/core/random.ts';
import { parameterLayout } from '../../src/model/layout.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import * as ops from '../../src/model/reference/ops.ts';
import * as optim from '../../src/model/reference/optim.ts';

/**
 * The fast CPU engine's layer norm, column sums, gradient norm, AdamW and data movement kernels
 * against the float64 reference (model/reference) or plain loops on random inputs: widths that leave a scalar tail (not a
 * multiple of 4), row counts that are no multiple of a thread's chunk, on one thread and on three
 * (sizes past the runtime's threshold for threads, so the rows or columns are really split).
 */

const random = createRandom('fast-cpu-ops');
function randomArray(n: number, scale = 1, offset = 0): Float64Array {
  return Float64Array.from({ length: n }, () => offset + scale * (2 * random.next() - 1));
}

let single: CpuRuntime;
let threaded: CpuRuntime;
beforeAll(async () => {
  single = await CpuRuntime.create({ threads: 1 });
  threaded = await CpuRuntime.create({ threads: 3 });
});
afterAll(() => {
  single.dispose();
  threaded.dispose();
});

function place(rt: CpuRuntime, values: ArrayLike<number>): Float32Array {
  const view = rt.alloc(values.length);
  view.set(values);
  return view;
}

const RUNTIMES = ['single', 'threaded'] as const;
const runtime = (which: (typeof RUNTIMES)[number]): CpuRuntime => (which === 'single' ? single : threaded);

describe('layer norm on the kernels', () => {
  // The last two are past the threads' threshold for the rows and for the columns.
  const sizes: [number, number][] = [
    [1, 3],
    [7, 5],
    [13, 27],
    [13, 64],
    [301, 67],
    [1030, 130],
  ];
  for (const which of RUNTIMES) {
    it(`forward and backward match the reference, gradients added to what was there (${which})`, () => {
      const rt = runtime(which);
      for (const [N, C] of sizes) {
        const inp = randomArray(N * C, 2, 0.5);
        const [weight, bias, dout] = [randomArray(C, 1, 1), randomArray(C), randomArray(N * C)];
        const [dinp, dweight, dbias] = [randomArray(N * C), randomArray(C), randomArray(C)];
        rt.reset(0, 6 * N * C + 6 * C + 4 * N + 64);
        const [inpF, weightF, biasF, doutF] = [inp, weight, bias, dout].map((x) => place(rt, x));
        const [dinpF, dweightF, dbiasF] = [dinp, dweight, dbias].map((x) => place(rt, x));
        const [outF, meanF, rstdF] = [rt.alloc(N * C), rt.alloc(N), rt.alloc(N)];
        const [out, mean, rstd] = [new Float64Array(N * C), new Float64Array(N), new Float64Array(N)];
        ops.layerNormForward(out, mean, rstd, inp, weight, bias, N, C, 1e-5);
        ops.layerNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C);
        layerNormForward(rt, outF, meanF, rstdF, inpF!, weightF!, biasF!, N, C, 1e-5);
        layerNormBackward(rt, dinpF!, dweightF!, dbiasF!, doutF!, inpF!, weightF!, meanF, rstdF, N, C);
        const what = `${N} x ${C}`;
        expect(relativeError(outF, out), what).toBeLessThan(1e-5);
        expect(relativeError(meanF, mean), what).toBeLessThan(1e-5);
        expect(relativeError(rstdF, rstd), what).toBeLessThan(1e-5);
        expect(relativeError(dinpF!, dinp), what).toBeLessThan(1e-5);
        expect(relativeError(dweightF!, dweight), what).toBeLessThan(1e-5);
        expect(relativeError(dbiasF!, dbias), what).toBeLessThan(1e-5);
      }
    });
  }

  it('uses the epsilon it is given (a constant row normalises to bias exactly)', () => {
    const [N, C] = [2, 6];
    single.reset(0, 4 * N * C + 64);
    const inp = place(single, new Array(N * C).fill(3));
    const [weight, bias] = [place(single, new Array(C).fill(1)), place(single, new Array(C).fill(0.25))];
    const [out, mean, rstd] = [single.alloc(N * C), single.alloc(N), single.alloc(N)];
    layerNormForward(single, out, mean, rstd, inp, weight, bias, N, C, 0.01);
    expect([...rstd]).toEqual([10, 10].map((x) => Math.fround(x)));
    expect([...out]).toEqual(new Array(N * C).fill(0.25));
  });
});

describe('column sums (a linear layer bias gradient)', () => {
  for (const which of RUNTIMES) {
    it(`add each column's sum over the rows (${which})`, () => {
      const rt = runtime(which);
      for (const [N, C] of [
        [1, 1],
        [9, 7],
        [9, 27],
        [333, 130],
        [333, 128],
      ] as const) {
        const [inp, out] = [randomArray(N * C), randomArray(C)];
        rt.reset(0, N * C + C + 64);
        const [inpF, outF] = [place(rt, inp), place(rt, out)];
        const expected = Float64Array.from(out, (x, c) => {
          let sum = x;
          for (let n = 0; n < N; n++) sum += inp[n * C + c]!;
          return sum;
        });
        columnSums(rt, outF, inpF, N, C);
        expect(relativeError(outF, expected), `${N} x ${C}`).toBeLessThan(1e-5);
      }
    });
  }
});

describe('the optimizer on the kernels', () => {
  // A layout with tensors that decay and tensors that do not, alignment gaps between them.
  const layout = parameterLayout({
    layers: 2,
    width: 12,
    heads: 2,
    ffWidth: 20,
    context: 8,
    vocabSize: 2003,
    positions: 'learned',
  });
  const options = { learningRate: 0.05, beta1: 0.8, beta2: 0.9, epsilon: 1e-3, weightDecay: 0.5 };

  for (const which of RUNTIMES) {
    it(`the gradient norm sums every block, the last one short (${which})`, () => {
      const rt = runtime(which);
      for (const length of [4, 4100, 50004]) {
        const grads = randomArray(length, 3);
        rt.reset(0, length + optimizerFloats(layout) + 64);
        const gradsF = place(rt, grads);
        expect(gradientNorm(rt, gradsF) / optim.gradientNorm(Float64Array.from(gradsF)) - 1).toBeCloseTo(
          0,
          6,
        );
      }
    });

    it(`AdamW matches the reference over two clipped steps, decay only where it applies (${which})`, () => {
      const rt = runtime(which);
      const floats = layout.totalFloats;
      expect(floats * 8).toBeGreaterThan(1 << 14); // past the threads' threshold
      const zeroGaps = (array: Float64Array): Float64Array => {
        const kept = new Float64Array(floats);
        for (const t of layout.tensors) kept.set(array.subarray(t.offset, t.offset + t.size), t.offset);
        return kept;
      };
      const params = zeroGaps(randomArray(floats, 1));
      const state = { m: new Float64Array(floats), v: new Float64Array(floats), step: 0 };
      rt.reset(0, 4 * floats + optimizerFloats(layout) + 64);
      const paramsF = place(rt, params);
      const [gradsF, mF, vF] = [rt.alloc(floats), rt.alloc(floats), rt.alloc(floats)];
      const mark = rt.mark;
      for (let step = 1; step <= 2; step++) {
        const grads = zeroGaps(randomArray(floats, 0.02 * step));
        gradsF.set(grads);
        const { norm, scale } = optim.clipGradients(grads, 1);
        expect(scale).toBeLessThan(1); // clipping takes part
        optim.adamwStep(layout, params, grads, state, options);
        rt.reset(mark, optimizerFloats(layout));
        const normF = gradientNorm(rt, gradsF);
        expect(normF / norm - 1).toBeCloseTo(0, 6);
        const arrays = { params: paramsF, grads: gradsF, m: mF, v: vF };
        adamwStep(rt, layout, arrays, step, options, 1 / normF);
      }
      expect(relativeError(paramsF, params)).toBeLessThan(1e-6);
      expect(relativeError(mF, state.m)).toBeLessThan(1e-6);
      expect(relativeError(vF, state.v)).toBeLessThan(1e-6);
    });
  }
});

describe('data movement on the kernels', () => {
  for (const which of RUNTIMES) {
    it(`residual sums, bias rows, zeroing and transposes are exact, and stay inside their arrays (${which})`, () => {
      const rt = runtime(which);
      for (const N of [7, 1001, 50003]) {
        rt.reset(0, 3 * N + 64);
        const [a, b] = [place(rt, randomArray(N)), place(rt, randomArray(N))];
        const out = place(rt, new Array(N + 1).fill(9));
        residualForward(rt, out, a, b, N);
        expect([...out]).toEqual([...Float32Array.from(a, (x, i) => x + b[i]!), 9]);
        rt.zero(out.subarray(1, N - 1));
        expect([out[0], out[1], out[N - 2], out[N - 1], out[N]]).toEqual([
          Math.fround(a[0]! + b[0]!),
          0,
          0,
          out[N - 1],
          9,
        ]);
        expect(out[N - 1]).toBe(Math.fround(a[N - 1]! + b[N - 1]!));
        expect(out.subarray(1, N - 1).every((x) => x === 0)).toBe(true);
      }
      for (const [N, width] of [
        [5, 3],
        [2000, 13],
      ] as const) {
        rt.reset(0, N * width + width + 64);
        const row = place(rt, randomArray(width));
        const out = place(rt, new Array(N * width + 1).fill(9));
        broadcastRows(rt, out, row, N, width);
        expect(out[N * width]).toBe(9);
        for (let n = 0; n < N; n++) expect(out.subarray(n * width, (n + 1) * width)).toEqual(row);
      }
      for (const [rows, cols] of [
        [7, 5],
        [300, 130],
      ] as const) {
        rt.reset(0, 2 * rows * cols + 64);
        const src = place(rt, randomArray(rows * cols));
        const dst = rt.alloc(rows * cols);
        transpose(rt, dst, src, rows, cols);
        const expected = new Float32Array(rows * cols);
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < cols; c++) expected[c * rows + r] = src[r * cols + c]!;
        expect(dst).toEqual(expected);
      }
    });

    it(`gathers each head's keys or values transposed, [B, NH, hs, T] (${which})`, () => {
      const rt = runtime(which);
      for (const [B, T, C, NH] of [
        [2, 13, 12, 3],
        [3, 130, 64, 4],
      ] as const) {
        const hs = C / NH;
        rt.reset(0, 4 * B * T * C + 64);
        const qkv = place(rt, randomArray(B * T * 3 * C));
        const transposed = rt.alloc(B * T * C);
        for (const part of [0, 1, 2]) {
          transposeHeads(rt, transposed, qkv, part, B, T, C);
          const expected = new Float32Array(B * T * C);
          for (let b = 0; b < B; b++) {
            for (let h = 0; h < NH; h++) {
              for (let t = 0; t < T; t++) {
                for (let i = 0; i < hs; i++) {
                  expected[((b * NH + h) * hs + i) * T + t] =
                    qkv[(b * T + t) * 3 * C + part * C + h * hs + i]!;
                }
              }
            }
          }
          expect(transposed, `${B} x ${T} x ${C}, part ${part}`).toEqual(expected);
        }
      }
    });

    it(`looks up and scatter-adds embeddings, tokens repeated, with and without positions (${which})`, () => {
      const rt = runtime(which);
      // 301 x 67 is past the threads' threshold; a vocabulary of 5 makes rows collide.
      for (const [N, C, V, learned] of [
        [9, 7, 5, true],
        [301, 67, 5, true],
        [301, 67, 5, false],
      ] as const) {
        const tokens = Int32Array.from({ length: N }, () => Math.floor(random.next() * V));
        const positions = Int32Array.from({ length: N }, (_, n) => n % 11);
        const [wte, wpe, dout] = [randomArray(V * C), randomArray(11 * C), randomArray(N * C)];
        const [dwte, dwpe] = [randomArray(V * C), randomArray(11 * C)];
        rt.reset(0, 2 * (V + 11) * C + 2 * N * C + 2 * N + 64);
        const [wteF, wpeF, doutF, dwteF, dwpeF] = [wte, wpe, dout, dwte, dwpe].map((x) => place(rt, x));
        const out = new Float64Array(N * C);
        const outF = place(rt, new Array(N * C).fill(9));
        const ids = placeTokens(rt, tokens, positions, N);
        ops.embeddingForward(out, tokens, positions, wte, learned ? wpe : null, N, C);
        ops.embeddingBackward(dwte, learned ? dwpe : null, dout, tokens, positions, N, C);
        embeddingForward(rt, outF, ids, wteF!, learned ? wpeF! : null, N, C);
        embeddingBackward(rt, dwteF!, learned ? dwpeF! : null, doutF!, ids, N, C);
        const what = `${N} x ${C}, ${learned ? 'learned' : 'no'} positions`;
        expect(relativeError(outF, out), what).toBeLessThan(1e-6);
        expect(relativeError(dwteF!, dwte), what).toBeLessThan(1e-5);
        expect(relativeError(dwpeF!, dwpe), what).toBeLessThan(1e-5);
      }
    });
  }
});
