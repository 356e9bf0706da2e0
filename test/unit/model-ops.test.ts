import { describe, expect, it } from 'vitest';
import { normalStream } from '../../src/model/layout.ts';
import {
  attentionBackward,
  attentionForward,
  rotaryBackward,
  rotaryForward,
} from '../../src/model/reference/attention.ts';
import { centralDifference, relativeError } from '../../src/model/reference/check.ts';
import {
  logProbsForward,
  PLAIN_TOKEN_LOSS,
  tokenLossBackward,
  tokenLossForward,
  type TokenLossOptions,
} from '../../src/model/reference/loss.ts';
import {
  embeddingBackward,
  embeddingForward,
  geluBackward,
  geluForward,
  layerNormBackward,
  layerNormForward,
  matmulBackward,
  matmulForward,
  residualBackward,
  residualForward,
} from '../../src/model/reference/ops.ts';

/** The per-token loss with its gradient weights kept (they are the backward pass's input). */
function tokenLoss(
  probs: Float64Array,
  losses: Float64Array,
  logits: Float64Array,
  targets: Int32Array,
  weights: Float64Array,
  normaliser: number,
  N: number,
  V: number,
  options: TokenLossOptions = PLAIN_TOKEN_LOSS,
): { loss: number; gradWeights: Float64Array } {
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
  return { loss, gradWeights };
}

/** Float64 central differences agree with a correct backward to about 1e-9; a wrong one misses by far more. */
const TOLERANCE = 1e-6;

let seedCounter = 0;
/** Fresh normal draws for every call (each from its own seed, so failures replay). */
function randn(n: number, scale = 1): Float64Array {
  const normal = normalStream(`ops-test/${seedCounter++}`);
  return Float64Array.from({ length: n }, () => scale * normal());
}
function randomInts(n: number, max: number): Int32Array {
  const normal = normalStream(`ops-test-ints/${seedCounter++}`);
  return Int32Array.from({ length: n }, () => Math.floor(Math.abs(normal() * 1e6)) % max);
}

/**
 * Checks a backward against central differences of its forward, for the scalar
 * L = sum(out * R) with a random R, so that dout = R. `forward` writes the output from the current
 * values of `inputs`; `backward` adds each input's gradient into `grads` given dout.
 * Returns the relative error per input.
 */
function gradientErrors(
  inputs: Record<string, Float64Array>,
  outputSize: number,
  forward: (out: Float64Array) => void,
  backward: (grads: Record<string, Float64Array>, dout: Float64Array) => void,
): Record<string, number> {
  const dout = randn(outputSize);
  const out = new Float64Array(outputSize);
  const objective = (): number => {
    forward(out);
    return out.reduce((sum, value, i) => sum + value * dout[i]!, 0);
  };
  const grads = Object.fromEntries(
    Object.entries(inputs).map(([name, x]) => [name, new Float64Array(x.length)]),
  );
  forward(out);
  backward(grads, dout);
  const errors: Record<string, number> = {};
  for (const [name, x] of Object.entries(inputs)) {
    const numeric = Float64Array.from(x, (_, i) => centralDifference(objective, x, i));
    errors[name] = relativeError(grads[name]!, numeric);
  }
  return errors;
}

function expectAllBelow(errors: Record<string, number>, tolerance = TOLERANCE): void {
  for (const [name, error] of Object.entries(errors)) {
    expect(error, `relative error of d${name}`).toBeLessThan(tolerance);
  }
}

describe('the error measure', () => {
  it('never lets a NaN or an infinity pass', () => {
    const clean = Float64Array.from([1, 2, 3]);
    expect(relativeError(clean, clean)).toBe(0);
    expect(relativeError(Float64Array.from([1, NaN, 3]), clean)).toBe(Infinity);
    expect(relativeError(clean, Float64Array.from([1, NaN, 3]))).toBe(Infinity);
    expect(relativeError(Float64Array.from([NaN]), Float64Array.from([NaN]))).toBe(Infinity);
    expect(relativeError(Float64Array.from([1, Infinity, 3]), clean)).toBe(Infinity);
    expect(relativeError(clean, Float64Array.from([1, 2]))).toBe(Infinity);
    expect(() => expectAllBelow({ x: relativeError(Float64Array.from([NaN]), clean) })).toThrow();
  });

  it('measures the error against the scale of the tensor', () => {
    expect(relativeError(Float64Array.from([10, 0.001]), Float64Array.from([10, 0]))).toBeCloseTo(1e-4, 12);
    expect(relativeError(Float64Array.from([0]), Float64Array.from([0]))).toBe(0);
    expect(relativeError(Float64Array.from([1e-300]), Float64Array.from([0]))).toBe(Infinity);
  });
});

describe('every backward matches central differences of its forward', () => {
  it.each([
    [1, 1, 1],
    [3, 5, 7],
    [8, 16, 4],
    [5, 3, 12],
  ])('matmul N=%i C=%i OC=%i', (N, C, OC) => {
    for (const withBias of [true, false]) {
      const inputs: Record<string, Float64Array> = { inp: randn(N * C), weight: randn(OC * C) };
      if (withBias) inputs.bias = randn(OC);
      const errors = gradientErrors(
        inputs,
        N * OC,
        (out) => matmulForward(out, inputs.inp!, inputs.weight!, inputs.bias ?? null, N, C, OC),
        (grads, dout) =>
          matmulBackward(
            grads.inp!,
            grads.weight!,
            grads.bias ?? null,
            dout,
            inputs.inp!,
            inputs.weight!,
            N,
            C,
            OC,
          ),
      );
      expectAllBelow(errors);
    }
  });

  it.each([
    [1, 2],
    [4, 8],
    [7, 17],
  ])('layer norm N=%i C=%i', (N, C) => {
    const inputs = { inp: randn(N * C, 2), weight: randn(C), bias: randn(C) };
    const mean = new Float64Array(N);
    const rstd = new Float64Array(N);
    const forward = (out: Float64Array): void =>
      layerNormForward(out, mean, rstd, inputs.inp, inputs.weight, inputs.bias, N, C, 1e-5);
    const errors = gradientErrors(inputs, N * C, forward, (grads, dout) => {
      forward(new Float64Array(N * C));
      layerNormBackward(
        grads.inp!,
        grads.weight!,
        grads.bias!,
        dout,
        inputs.inp,
        inputs.weight,
        mean,
        rstd,
        N,
        C,
      );
    });
    expectAllBelow(errors);
  });

  it.each([1, 10, 33])('GELU N=%i', (N) => {
    const inputs = { inp: randn(N, 2) };
    const errors = gradientErrors(
      inputs,
      N,
      (out) => geluForward(out, inputs.inp, N),
      (grads, dout) => geluBackward(grads.inp!, inputs.inp, dout, N),
    );
    expectAllBelow(errors);
  });

  it.each([1, 12])('residual N=%i', (N) => {
    const inputs = { inp1: randn(N), inp2: randn(N) };
    const errors = gradientErrors(
      inputs,
      N,
      (out) => residualForward(out, inputs.inp1, inputs.inp2, N),
      (grads, dout) => residualBackward(grads.inp1!, grads.inp2!, dout, N),
    );
    expectAllBelow(errors);
  });

  it.each([
    [1, 3, 4, 1],
    [6, 5, 3, 4],
    [13, 7, 8, 9],
  ])('embedding N=%i V=%i C=%i maxT=%i (repeated tokens scatter-add)', (N, V, C, maxT) => {
    const tokens = randomInts(N, V);
    const positions = randomInts(N, maxT);
    for (const learnedPositions of [true, false]) {
      const inputs: Record<string, Float64Array> = { wte: randn(V * C) };
      if (learnedPositions) inputs.wpe = randn(maxT * C);
      const errors = gradientErrors(
        inputs,
        N * C,
        (out) => embeddingForward(out, tokens, positions, inputs.wte!, inputs.wpe ?? null, N, C),
        (grads, dout) => embeddingBackward(grads.wte!, grads.wpe ?? null, dout, tokens, positions, N, C),
      );
      expectAllBelow(errors);
    }
  });

  it.each([
    [1, 4, 1],
    [5, 8, 2],
    [3, 12, 3],
  ])('rotary N=%i C=%i NH=%i', (N, C, NH) => {
    const positions = randomInts(N, 50);
    const inputs = { inp: randn(N * 3 * C) };
    const errors = gradientErrors(
      inputs,
      N * 3 * C,
      (out) => rotaryForward(out, inputs.inp, positions, N, C, NH, 10000),
      (grads, dout) => rotaryBackward(grads.inp!, dout, positions, N, C, NH, 10000),
    );
    expectAllBelow(errors);
  });

  const segmentCases: [string, number, number, number, number, number[]][] = [
    ['one token', 1, 1, 2, 1, [0]],
    ['one sequence per row', 2, 5, 8, 2, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['right padding', 2, 6, 6, 3, [0, 0, 0, 0, -1, -1, 0, 0, -1, -1, -1, -1]],
    ['left padding and packing', 2, 7, 4, 2, [-1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, -1]],
  ];
  it.each(segmentCases)('causal attention, %s (B=%i T=%i C=%i NH=%i)', (_, B, T, C, NH, segmentList) => {
    const segments = Int32Array.from(segmentList);
    const inputs = { inp: randn(B * T * 3 * C) };
    const att = new Float64Array(B * NH * T * T);
    const forward = (out: Float64Array): void =>
      attentionForward(out, att, inputs.inp, segments, B, T, C, NH);
    const errors = gradientErrors(inputs, B * T * C, forward, (grads, dout) => {
      forward(new Float64Array(B * T * C));
      attentionBackward(grads.inp!, dout, inputs.inp, att, segments, B, T, C, NH);
    });
    expectAllBelow(errors);
  });

  it.each([
    [1, 2],
    [5, 7],
    [9, 11],
  ])('weighted softmax cross-entropy N=%i V=%i', (N, V) => {
    const targets = randomInts(N, V);
    // SFT-like 0/1 weights and RL-like advantages of either sign, with some zeros
    for (const weights of [
      Float64Array.from({ length: N }, (_, n) => (n % 3 === 1 ? 0 : 1)),
      randn(N).map((w, n) => (n % 4 === 2 ? 0 : w)),
    ]) {
      const normaliser = Math.max(1, weights.filter((w) => w !== 0).length);
      const inputs = { logits: randn(N * V, 3) };
      const probs = new Float64Array(N * V);
      const losses = new Float64Array(N);
      const errors = gradientErrors(
        inputs,
        1,
        (out) => {
          out[0] = tokenLoss(probs, losses, inputs.logits, targets, weights, normaliser, N, V).loss;
        },
        (grads, dout) => {
          const { gradWeights } = tokenLoss(probs, losses, inputs.logits, targets, weights, normaliser, N, V);
          tokenLossBackward(grads.logits!, probs, targets, gradWeights, 1, normaliser, N, V, dout[0]);
        },
      );
      expectAllBelow(errors);
    }
  });

  it.each([
    [3, 5, 0.25],
    [7, 11, 0.7],
    [9, 4, 1.6],
  ])('RL loss at temperature, with and without the clipped ratio N=%i V=%i T=%f', (N, V, temperature) => {
    const targets = randomInts(N, V);
    const advantages = randn(N).map((w, n) => (n % 4 === 2 ? 0 : w));
    const normaliser = 5;
    const logits = randn(N * V, 2);
    // old log-probabilities near the current ones, some far enough for the clip to act
    const current = new Float64Array(N);
    logProbsForward(current, logits, targets, N, V, temperature);
    const oldLogProbs = current.map((lp, n) => lp + (n % 3 === 0 ? 0.5 : n % 3 === 1 ? -0.4 : 0.05));
    for (const options of [
      { temperature, oldLogProbs: null, clipEpsilon: 0 },
      { temperature, oldLogProbs, clipEpsilon: 0.2 },
    ]) {
      const inputs = { logits: Float64Array.from(logits) };
      const probs = new Float64Array(N * V);
      const losses = new Float64Array(N);
      const loss = (): { loss: number; gradWeights: Float64Array } =>
        tokenLoss(probs, losses, inputs.logits, targets, advantages, normaliser, N, V, options);
      const errors = gradientErrors(
        inputs,
        1,
        (out) => {
          out[0] = loss().loss;
        },
        (grads, dout) => {
          const { gradWeights } = loss();
          tokenLossBackward(
            grads.logits!,
            probs,
            targets,
            gradWeights,
            temperature,
            normaliser,
            N,
            V,
            dout[0],
          );
        },
      );
      expectAllBelow(errors);
    }
  });
});

describe('loss values', () => {
  it('computes the weighted mean of -log p(y) over the normaliser', () => {
    // two tokens, three classes; logits chosen so the probabilities are easy: [0, 0, 0] -> 1/3 each
    const logits = Float64Array.from([0, 0, 0, Math.log(2), 0, 0]); // second row: p = [1/2, 1/4, 1/4]
    const targets = Int32Array.from([2, 0]);
    const weights = Float64Array.from([1, 3]);
    const probs = new Float64Array(6);
    const losses = new Float64Array(2);
    const { loss } = tokenLoss(probs, losses, logits, targets, weights, 4, 2, 3);
    expect(losses[0]).toBeCloseTo(Math.log(3), 14);
    expect(losses[1]).toBeCloseTo(3 * Math.log(2), 14);
    expect(loss).toBeCloseTo((Math.log(3) + 3 * Math.log(2)) / 4, 14);
    expect(Array.from(probs.subarray(3))).toEqual([0.5, 0.25, 0.25].map((p) => expect.closeTo(p, 14)));
  });

  it('stays finite where a target probability underflows', () => {
    const logits = Float64Array.from([1000, -1000]);
    const { loss } = tokenLoss(
      new Float64Array(2),
      new Float64Array(1),
      logits,
      Int32Array.from([1]),
      Float64Array.from([1]),
      1,
      1,
      2,
    );
    expect(loss).toBeCloseTo(2000, 10);
  });

  it('reads log p at the temperature: logits / T', () => {
    // one token, two classes, logits [2, 0]: at T = 2 the model is softmax([1, 0])
    const logits = Float64Array.from([2, 0]);
    const targets = Int32Array.from([1]);
    const logProbs = new Float64Array(1);
    logProbsForward(logProbs, logits, targets, 1, 2, 2);
    expect(logProbs[0]).toBeCloseTo(-Math.log(1 + Math.E), 14);
    const options = { temperature: 2, oldLogProbs: null, clipEpsilon: 0 };
    const { loss } = tokenLoss(
      new Float64Array(2),
      new Float64Array(1),
      logits,
      targets,
      Float64Array.from([-0.5]),
      1,
      1,
      2,
      options,
    );
    expect(loss).toBeCloseTo(-0.5 * Math.log(1 + Math.E), 14);
  });

  it('clips the importance ratio as PPO does: the surrogate and which tokens keep a gradient', () => {
    // V = 2, logits 0: p = 1/2 for every token; old probabilities set the ratio of each token
    const N = 4;
    const logits = new Float64Array(2 * N);
    const targets = new Int32Array(N);
    const advantages = Float64Array.from([1, 1, -1, -1]);
    const ratios = [1.5, 0.5, 0.5, 1.1]; // clipped (A>0, too high), kept, clipped (A<0, too low), kept
    const oldLogProbs = Float64Array.from(ratios, (r) => Math.log(0.5) - Math.log(r));
    const losses = new Float64Array(N);
    const { loss, gradWeights } = tokenLoss(
      new Float64Array(2 * N),
      losses,
      logits,
      targets,
      advantages,
      4,
      N,
      2,
      {
        temperature: 1,
        oldLogProbs,
        clipEpsilon: 0.2,
      },
    );
    expect(Array.from(losses)).toEqual([-1.2, -0.5, 0.8, 1.1].map((x) => expect.closeTo(x, 12)));
    expect(loss).toBeCloseTo((-1.2 - 0.5 + 0.8 + 1.1) / 4, 12);
    expect(Array.from(gradWeights)).toEqual([0, 0.5, 0, -1.1].map((x) => expect.closeTo(x, 12)));
  });

  it('with the policy unmoved (ratio 1) the clipped loss has the plain loss gradient', () => {
    const N = 6;
    const V = 5;
    const logits = randn(N * V, 2);
    const targets = randomInts(N, V);
    const advantages = randn(N);
    const current = new Float64Array(N);
    logProbsForward(current, logits, targets, N, V, 0.5);
    const plain = tokenLoss(
      new Float64Array(N * V),
      new Float64Array(N),
      logits,
      targets,
      advantages,
      N,
      N,
      V,
      {
        temperature: 0.5,
        oldLogProbs: null,
        clipEpsilon: 0,
      },
    );
    const ratio = tokenLoss(
      new Float64Array(N * V),
      new Float64Array(N),
      logits,
      targets,
      advantages,
      N,
      N,
      V,
      {
        temperature: 0.5,
        oldLogProbs: current,
        clipEpsilon: 0.2,
      },
    );
    expect(Array.from(ratio.gradWeights)).toEqual(Array.from(advantages).map((a) => expect.closeTo(a, 12)));
    expect(Array.from(plain.gradWeights)).toEqual(Array.from(advantages));
  });

  it('gives log-probabilities whose gradient is the token loss backward', () => {
    const N = 4;
    const V = 6;
    const logits = randn(N * V, 2);
    const targets = randomInts(N, V);
    const logProbs = new Float64Array(N);
    logProbsForward(logProbs, logits, targets, N, V);
    for (let n = 0; n < N; n++) {
      const row = logits.subarray(n * V, (n + 1) * V);
      const logSumExp = Math.log(row.reduce((sum, x) => sum + Math.exp(x), 0));
      expect(logProbs[n]).toBeCloseTo(row[targets[n]!]! - logSumExp, 12);
    }
    // d(sum_n u_n log p_n) / dlogits = tokenLossBackward with g = -u and normaliser 1
    const u = randn(N);
    const objective = (): number => {
      logProbsForward(logProbs, logits, targets, N, V);
      return logProbs.reduce((sum, lp, n) => sum + u[n]! * lp, 0);
    };
    const probs = new Float64Array(N * V);
    tokenLoss(probs, new Float64Array(N), logits, targets, u, 1, N, V);
    const analytic = new Float64Array(N * V);
    tokenLossBackward(
      analytic,
      probs,
      targets,
      u.map((x) => -x),
      1,
      1,
      N,
      V,
    );
    const numeric = Float64Array.from(logits, (_, i) => centralDifference(objective, logits, i));
    expect(relativeError(analytic, numeric)).toBeLessThan(TOLERANCE);
  });
});

describe('NaN is never hidden', () => {
  it('a NaN input reaches the output of every forward', () => {
    const nanAt = (n: number, i: number): Float64Array => {
      const x = randn(n);
      x[i] = NaN;
      return x;
    };
    const hasNaN = (x: Float64Array): boolean => x.some(Number.isNaN);

    const mm = new Float64Array(6);
    matmulForward(mm, nanAt(6, 4), randn(9), randn(3), 2, 3, 3);
    expect(hasNaN(mm)).toBe(true);

    const ln = new Float64Array(8);
    layerNormForward(
      ln,
      new Float64Array(2),
      new Float64Array(2),
      nanAt(8, 1),
      randn(4),
      randn(4),
      2,
      4,
      1e-5,
    );
    expect(hasNaN(ln)).toBe(true);

    const gelu = new Float64Array(5);
    geluForward(gelu, nanAt(5, 2), 5);
    expect(hasNaN(gelu)).toBe(true);

    const rot = new Float64Array(12);
    rotaryForward(rot, nanAt(12, 1), Int32Array.from([3]), 1, 4, 1, 10000);
    expect(hasNaN(rot)).toBe(true);

    // a NaN in the first key of a sequence reaches every later query of that sequence
    const B = 1,
      T = 3,
      C = 2,
      NH = 1;
    const att = new Float64Array(B * NH * T * T);
    const atty = new Float64Array(B * T * C);
    attentionForward(atty, att, nanAt(B * T * 3 * C, C), new Int32Array(T), B, T, C, NH);
    expect(hasNaN(atty.subarray(2 * C))).toBe(true);

    const { loss } = tokenLoss(
      new Float64Array(6),
      new Float64Array(2),
      nanAt(6, 5),
      Int32Array.from([0, 0]),
      Float64Array.from([1, 1]),
      2,
      2,
      3,
    );
    expect(loss).toBeNaN();
  });
});
