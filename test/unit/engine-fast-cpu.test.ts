import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attentionBackward,
  attentionFloats,
  attentionForward,
  attentionScratchSizes,
  attentionStride,
} from '../../src/engine/cpu/attention.ts';
import { detectSimd, kernelModuleBytes } from '../../src/engine/cpu/kernels.ts';
import { transpose } from '../../src/engine/cpu/copy.ts';
import { linearBackward, linearForward } from '../../src/engine/cpu/linear.ts';
import { lossHead } from '../../src/engine/cpu/loss.ts';
import { geluBackward, geluForward, rotary } from '../../src/engine/cpu/pointwise.ts';
import { CpuRuntime, PARALLEL_WORK } from '../../src/engine/cpu/runtime.ts';
import { createRandom } from '../../src/core/random.ts';
import * as reference from '../../src/model/reference/attention.ts';
import { logProbsForward, tokenLossBackward, tokenLossForward } from '../../src/model/reference/loss.ts';
import * as ops from '../../src/model/reference/ops.ts';
import { relativeError } from '../../src/model/reference/check.ts';

/**
 * Every kernel of the fast CPU engine against the float64 reference (model/reference) on random
 * inputs of awkward sizes: rows and columns that are not multiples of the 4 x 8 register block,
 * strided operands, causal bounds, one thread and several (the split of the rows or columns).
 */

const random = createRandom('fast-cpu-kernels');
function randomArray(n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => scale * (2 * random.next() - 1));
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

/** A float32 copy of `values` in the runtime's memory. */
function place(rt: CpuRuntime, values: ArrayLike<number>): Float32Array {
  const view = rt.alloc(values.length);
  view.set(values);
  return view;
}

describe('the WebAssembly kernel module', () => {
  it('validates, and names the SIMD it found', () => {
    const simd = detectSimd();
    expect(['relaxed', 'plain']).toContain(simd);
    expect(WebAssembly.validate(kernelModuleBytes('plain', { shared: true, maximumPages: 16 }))).toBe(true);
    expect(threaded.threads).toBe(3);
    expect(single.threads).toBe(1);
  });
});

describe('the strided matrix product C += A B', () => {
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [13, 21, 9],
    [37, 67, 29],
    [70, 9, 130],
    [5, 130, 70],
    [5, 200, 80],
    // Past the runtime's threshold for threads (checked below): split by rows, then by columns.
    [141, 75, 133],
    [6, 301, 650],
  ];
  it('has its last two sizes past the threads threshold, so that the split is tested', () => {
    for (const [M, N, K] of sizes.slice(-2)) expect(M * N * K).toBeGreaterThanOrEqual(PARALLEL_WORK);
    expect(6 * 37 * 29 * 165).toBeGreaterThanOrEqual(PARALLEL_WORK); // the batch test's second size
  });
  for (const threads of ['single', 'threaded'] as const) {
    for (const causal of [0, 1, 2, 3]) {
      it(`matches float64 sums (${threads}, causal ${causal})`, () => {
        const rt = threads === 'single' ? single : threaded;
        for (const [M, N, K] of sizes) {
          rt.reset(0, 4 * (M * K + K * N + M * N) + 64);
          // A transposed in memory (its rows are columns), to exercise both strides.
          const aT = randomArray(K * M);
          // Causal 1 and 3 promise that A is zero past (1) or before (3) the diagonal. The kernel
          // may read zeros near it (a block of 4 rows shares its bounds); NaN further out proves
          // it skips the rest.
          const masked = (m: number, k: number): number | null =>
            (causal === 1 && k > m) || (causal === 3 && k < m) ? (Math.abs(k - m) > 3 ? NaN : 0) : null;
          for (let m = 0; m < M; m++)
            for (let k = 0; k < K; k++) aT[k * M + m] = masked(m, k) ?? aT[k * M + m]!;
          const b = randomArray(K * N);
          const c = randomArray(M * N);
          const [aView, bView, cView] = [place(rt, aT), place(rt, b), place(rt, c)];
          rt.matmul(aView, 0, bView, 0, cView, 0, M, N, K, 1, M, N, N, causal);
          const expected = Float64Array.from(c);
          const actual = new Float64Array(M * N);
          for (let m = 0; m < M; m++) {
            for (let n = 0; n < N; n++) {
              // causal 2 leaves C above the diagonal unspecified: compare below it only.
              if (causal === 2 && n > m) continue;
              for (let k = 0; k < K; k++)
                if (masked(m, k) === null) expected[m * N + n]! += aView[k * M + m]! * bView[k * N + n]!;
              actual[m * N + n] = cView[m * N + n]!;
            }
          }
          if (causal === 2)
            for (let m = 0; m < M; m++) for (let n = m + 1; n < N; n++) expected[m * N + n] = 0;
          expect(relativeError(actual, expected), `${M} x ${N} x ${K}`).toBeLessThan(1e-6);
        }
      });
    }
  }
});

describe('a batch of products (one per batch row and head)', () => {
  // 6 groups, 2 outer steps of 3: the second size is past the threads' threshold.
  for (const [M, N, K] of [
    [5, 7, 9],
    [37, 29, 165],
  ] as const) {
    it(`gives each group's own product (${M} x ${N} x ${K}, on one thread and on three)`, () => {
      const strides = {
        a: [3 * M * K + 5, M * K],
        b: [3 * K * N + 3, K * N],
        c: [3 * M * N + 7, M * N],
      } as const;
      const floats = (operand: 'a' | 'b' | 'c'): number => 2 * strides[operand][0];
      const a = randomArray(floats('a'));
      const b = randomArray(floats('b'));
      const c = randomArray(floats('c'));
      const results = [single, threaded].map((rt) => {
        rt.reset(0, floats('a') + floats('b') + floats('c') + 64);
        const [aView, bView, cView] = [place(rt, a), place(rt, b), place(rt, c)];
        rt.matmulBatch({ count: 6, inner: 3, strides }, aView, 0, bView, 0, cView, 0, M, N, K, K, 1, N, N);
        return Float64Array.from(cView);
      });
      const expected = Float64Array.from(c);
      for (let g = 0; g < 6; g++) {
        const [o, i] = [Math.floor(g / 3), g % 3];
        const at = (operand: 'a' | 'b' | 'c'): number => o * strides[operand][0] + i * strides[operand][1];
        for (let m = 0; m < M; m++) {
          for (let n = 0; n < N; n++) {
            for (let k = 0; k < K; k++) {
              expected[at('c') + m * N + n]! +=
                Math.fround(a[at('a') + m * K + k]!) * Math.fround(b[at('b') + k * N + n]!);
            }
          }
        }
      }
      for (const result of results) expect(relativeError(result, expected)).toBeLessThan(1e-6);
    });
  }
});

describe('the linear layer', () => {
  it('forward and both backward products match matmulForward and matmulBackward', () => {
    for (const [N, C, OC] of [
      [7, 5, 3],
      [29, 24, 72],
      [301, 40, 41],
    ] as const) {
      const inp = randomArray(N * C);
      const weight = randomArray(OC * C);
      const bias = randomArray(OC);
      const dout = randomArray(N * OC);
      const out = new Float64Array(N * OC);
      ops.matmulForward(out, inp, weight, bias, N, C, OC);
      const dinp = new Float64Array(N * C);
      const dweight = new Float64Array(OC * C);
      const dbias = new Float64Array(OC);
      ops.matmulBackward(dinp, dweight, dbias, dout, inp, weight, N, C, OC);

      const rt = threaded;
      rt.reset(0, 3 * (N * C + OC * C + N * OC) + 2 * OC + 64);
      const [inpF, weightF, biasF, doutF] = [
        place(rt, inp),
        place(rt, weight),
        place(rt, bias),
        place(rt, dout),
      ];
      const weightT = rt.alloc(C * OC);
      transpose(rt, weightT, weightF, OC, C);
      const outF = rt.alloc(N * OC);
      linearForward(rt, outF, inpF, weightT, biasF, N, C, OC);
      expect(relativeError(outF, out)).toBeLessThan(1e-6);
      const [dinpF, dweightF, dbiasF] = [rt.alloc(N * C), rt.alloc(OC * C), rt.alloc(OC)];
      linearBackward(rt, dinpF, dweightF, dbiasF, doutF, inpF, weightF, N, C, OC);
      expect(relativeError(dinpF, dinp)).toBeLessThan(1e-6);
      expect(relativeError(dweightF, dweight)).toBeLessThan(1e-6);
      expect(relativeError(dbiasF, dbias)).toBeLessThan(1e-6);
    }
  });
});

describe('attention', () => {
  it('forward and backward match the reference, with segments and padding', () => {
    for (const [B, T, C, NH] of [
      [2, 11, 12, 2],
      [1, 37, 24, 4],
      [3, 70, 16, 2],
    ] as const) {
      const qkv = randomArray(B * T * 3 * C);
      const segments = Int32Array.from({ length: B * T }, (_, i) => {
        const t = i % T;
        return Math.floor(i / T) === 1 ? (t < T / 3 ? 0 : 1) : t < T - 3 ? 0 : -1;
      });
      const out = new Float64Array(B * T * C);
      const att = new Float64Array(B * NH * T * T);
      reference.attentionForward(out, att, qkv, segments, B, T, C, NH);
      const dout = randomArray(B * T * C);
      const dqkv = new Float64Array(B * T * 3 * C);
      reference.attentionBackward(dqkv, dout, qkv, att, segments, B, T, C, NH);

      const rt = threaded;
      const Tp = attentionStride(T);
      const sizes = attentionScratchSizes(B, T, C, NH);
      rt.reset(
        0,
        2 * B * T * 3 * C + 2 * B * T * C + attentionFloats(B, T, NH) + sizes.reduce((x, y) => x + y) + 64,
      );
      // Garbage in the scratch: attention must not count on zeros there.
      const [scores, transposed, segmentRows] = sizes.map((size) => rt.alloc(size).fill(NaN));
      const scratch = { scores: scores!, transposed: transposed!, segments: segmentRows! };
      const [qkvF, doutF] = [place(rt, qkv), place(rt, dout)];
      const [outF, dqkvF] = [rt.alloc(B * T * C), rt.alloc(B * T * 3 * C)];
      // Garbage (NaN) in att beforehand: the forward must overwrite all of it.
      const attF = rt.alloc(attentionFloats(B, T, NH)).fill(NaN);
      const shape = { B, T, C, NH };
      attentionForward(rt, outF, attF, qkvF, segments, shape, scratch);
      expect(relativeError(outF, out)).toBeLessThan(1e-6);
      // att's rows are padded to Tp: the padding must be 0, the rest the reference's.
      const unpadded = Float32Array.from({ length: B * NH * T * T }, (_, i) => {
        const [row, s] = [Math.floor(i / T), i % T];
        return attF[row * Tp + s]!;
      });
      expect(relativeError(unpadded, att)).toBeLessThan(1e-6);
      for (let row = 0; row < B * NH * T; row++) {
        for (let s = T; s < Tp; s++) expect(attF[row * Tp + s]).toBe(0);
      }
      attentionBackward(rt, dqkvF, doutF, qkvF, attF, shape, scratch);
      expect(relativeError(dqkvF, dqkv)).toBeLessThan(1e-5);
    }
  });
});

describe('the loss head', () => {
  // The second size is past the threads' threshold (rows split between them); V is no multiple of 4.
  for (const [N, V, threads] of [
    [23, 45, 'single'],
    [301, 47, 'threaded'],
  ] as const) {
    const logits = randomArray(N * V, 6);
    const targets = Int32Array.from({ length: N }, (_, n) => (n * 17) % V);
    const weights = Float64Array.from({ length: N }, (_, n) => (n % 5 === 0 ? 0 : n % 3) - 0.5);
    const current = new Float64Array(N);
    logProbsForward(current, logits, targets, N, V, 0.6);
    // Old log-probabilities around the current ones: some ratios leave the clip, in both directions.
    const oldLogProbs = current.map((lp, n) => lp + [0.5, -0.5, 0.05][n % 3]!);
    for (const [what, options] of [
      ['SFT (temperature 1, no ratio)', { temperature: 1, oldLogProbs: null, clipEpsilon: 0 }],
      ['RL at temperature 0.6', { temperature: 0.6, oldLogProbs: null, clipEpsilon: 0 }],
      ['RL with the clipped ratio', { temperature: 0.6, oldLogProbs, clipEpsilon: 0.2 }],
    ] as const) {
      it(`gives the reference loss, log-probabilities and dlogits, skipping weight-0 tokens: ${what} (${N} x ${V}, ${threads})`, () => {
        const normaliser = 9;
        const probs = new Float64Array(N * V);
        const losses = new Float64Array(N);
        const gradWeights = new Float64Array(N);
        const loss = tokenLossForward(
          probs,
          losses,
          gradWeights,
          logits,
          targets,
          weights,
          options,
          normaliser,
          N,
          V,
        );
        const dlogits = new Float64Array(N * V);
        tokenLossBackward(dlogits, probs, targets, gradWeights, options.temperature, normaliser, N, V);
        const logProbs = new Float64Array(N);
        logProbsForward(logProbs, logits, targets, N, V, options.temperature);

        const rt = threads === 'single' ? single : threaded;
        rt.reset(0, 2 * N * V + 2 * N + 64);
        const dlogitsF = rt.alloc(N * V).fill(7);
        const head = lossHead(rt, place(rt, logits), targets, weights, options, normaliser, N, V, dlogitsF);
        expect(Math.abs(head.loss - loss) / Math.abs(loss)).toBeLessThan(1e-6);
        expect(relativeError(head.logProbs, logProbs)).toBeLessThan(1e-6);
        expect(relativeError(dlogitsF, dlogits)).toBeLessThan(1e-6);
      });
    }
  }
});

describe('the pointwise ops', () => {
  // 1001 leaves a tail of 1 for the scalar code; 50003 is past the threads' threshold.
  for (const threads of ['single', 'threaded'] as const) {
    it(`GELU forward and backward match the reference, far into both tails (${threads})`, () => {
      const rt = threads === 'single' ? single : threaded;
      for (const [N, scale] of [
        [1001, 12],
        [1001, 2],
        [50003, 6],
      ] as const) {
        const x = randomArray(N, scale);
        const dout = randomArray(N);
        const out = new Float64Array(N);
        ops.geluForward(out, x, N);
        const dinp = randomArray(N);
        rt.reset(0, 5 * N + 64);
        const dinpF = place(rt, dinp);
        const [xF, doutF, outF] = [place(rt, x), place(rt, dout), rt.alloc(N)];
        ops.geluBackward(dinp, x, dout, N);
        geluForward(rt, outF, xF, N);
        geluBackward(rt, dinpF, xF, doutF, N);
        expect(relativeError(outF, out), `${N} at scale ${scale}`).toBeLessThan(1e-6);
        expect(relativeError(dinpF, dinp), `${N} at scale ${scale}`).toBeLessThan(1e-6);
      }
    });
  }

  // Heads of 8 and 16 channels run on the kernel (half a head is whole vectors), 6 in JavaScript;
  // 301 rows of 3 x 64 channels are past the threads' threshold.
  for (const [N, C, NH] of [
    [17, 24, 3],
    [301, 64, 4],
    [17, 24, 4],
  ] as const) {
    it(`rotary positions turn and turn back as the reference does (${N} x ${C}, ${NH} heads)`, () => {
      const positions = Int32Array.from({ length: N }, (_, n) => (n * 5) % 11);
      const inp = randomArray(N * 3 * C);
      const out = new Float64Array(N * 3 * C);
      reference.rotaryForward(out, inp, positions, N, C, NH, 10000);
      const dinp = randomArray(N * 3 * C);
      for (const rt of [single, threaded]) {
        rt.reset(0, 3 * N * 3 * C + 2 * N * C + 64);
        const outF = rt.alloc(N * 3 * C).fill(9);
        const inpF = place(rt, inp);
        rotary(rt, outF, inpF, positions, N, C, NH, 10000, 1);
        expect(relativeError(outF, out)).toBeLessThan(1e-6);
        const dinpF = place(rt, dinp);
        const expected = Float64Array.from(dinp);
        reference.rotaryBackward(expected, inp, positions, N, C, NH, 10000);
        rotary(rt, dinpF, inpF, positions, N, C, NH, 10000, -1);
        expect(relativeError(dinpF, expected)).toBeLessThan(1e-6);
      }
    });
  }
});
