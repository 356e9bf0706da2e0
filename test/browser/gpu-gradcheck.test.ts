import { describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context.ts';
import {
  attentionBackward,
  attentionForward,
  rotaryBackward,
  rotaryForward,
  rotaryTable,
} from '../../src/gpu/ops/attention.ts';
import { embeddingBackward, embeddingForward } from '../../src/gpu/ops/embedding.ts';
import { geluBackward, geluForward } from '../../src/gpu/ops/gelu.ts';
import { layerNormBackward, layerNormForward } from '../../src/gpu/ops/layernorm.ts';
import {
  logProbsForward,
  PLAIN_GPU_TOKEN_LOSS,
  tokenLossBackward,
  tokenLossForward,
} from '../../src/gpu/ops/loss.ts';
import { matmulBackward, matmulForward } from '../../src/gpu/ops/matmul.ts';
import { residualBackward, residualForward } from '../../src/gpu/ops/residual.ts';
import { LAYER_NORM_EPSILON, ROTARY_BASE } from '../../src/model/config.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import { logProbsForward as referenceLogProbs } from '../../src/model/reference/loss.ts';
import { randomSource, read, run, upload, uploadIds, useGpu } from './gpu-harness.ts';

/**
 * Every GPU backward against central finite differences of the GPU's own forward, independently
 * of the CPU reference: for L = sum_i w_i out_i with random w, dL/dx_j at a few random coordinates
 * of every input, (L(x_j + h) - L(x_j - h)) / (2h), against the backward given dout = w.
 *
 * The differences run in float32, so the step is large, h = 1e-2 max(1, |x_j|), and the test is
 * judged by FD_TOLERANCE, the error relative to the largest sampled gradient (reference/check.ts).
 * Its budget: the truncation error h^2 f'''/6 is about 2e-5 relative for these smooth ops of O(1)
 * inputs, and float32 rounding of the outputs (u = 6e-8, a few roundings each) over h = 1e-2 adds
 * about sqrt(outputs touched) x 1e-5: both well under 1e-3 (the measured worst is logged). 5e-3
 * keeps a margin over that, yet a backward with a wrong factor, sign, index or missing term is off
 * by far more. The differences sum w_i (out+_i - out-_i) in float64, so outputs the coordinate
 * does not touch cancel exactly. A NaN or infinity anywhere fails.
 */
const FD_TOLERANCE = 5e-3;
const FD_STEP = 1e-2;
/** Coordinates sampled per input. */
const COORDINATES = 5;

const gpu = useGpu();

type Values = Record<string, Float64Array>;

/** One op under test: its forward as a flat output, and the gradients of sum(w * out) by the GPU backward. */
interface GradCase {
  readonly inputs: Values;
  forward(ctx: GpuContext, inputs: Values): Promise<Float64Array>;
  backward(ctx: GpuContext, inputs: Values, w: Float64Array): Promise<Values>;
}

/** Buffers a forward or backward creates, destroyed together once it has read its results. */
function scope(ctx: GpuContext): {
  floats: (data: ArrayLike<number>) => GPUBuffer;
  zeros: (n: number) => GPUBuffer;
  ids: (data: ArrayLike<number>) => GPUBuffer;
  done: () => void;
} {
  const created: GPUBuffer[] = [];
  const keep = (buffer: GPUBuffer): GPUBuffer => {
    created.push(buffer);
    return buffer;
  };
  return {
    floats: (data) => keep(upload(ctx, data)),
    zeros: (n) => keep(upload(ctx, new Float64Array(Math.max(n, 1)))),
    ids: (data) => keep(uploadIds(ctx, data)),
    done: () => created.forEach((buffer) => buffer.destroy()),
  };
}

interface CheckResult {
  /** FD_TOLERANCE-style error of each input. */
  readonly errors: Record<string, number>;
  readonly finite: boolean;
}

/** Runs the finite differences of one case; `seed` picks w and the coordinates. */
async function gradCheck(ctx: GpuContext, seed: string, op: GradCase): Promise<CheckResult> {
  const random = randomSource(`gradcheck/${seed}`);
  const inputs: Values = Object.fromEntries(
    Object.entries(op.inputs).map(([name, values]) => [name, Float64Array.from(values)]),
  );
  const base = await op.forward(ctx, inputs);
  const w = random.normal(base.length);
  const grads = await op.backward(ctx, inputs, w);
  const errors: Record<string, number> = {};
  let finite = Array.from(base).every(Number.isFinite);
  for (const [name, gradient] of Object.entries(grads)) {
    const x = inputs[name]!;
    const coordinates = Array.from(random.ints(COORDINATES, x.length));
    const differences: number[] = [];
    const analytic: number[] = [];
    for (const j of coordinates) {
      const original = x[j]!;
      const h = FD_STEP * Math.max(1, Math.abs(original));
      // The perturbed values as float32 holds them, so the quotient divides by the real step.
      const plus = Math.fround(original + h);
      const minus = Math.fround(original - h);
      x[j] = plus;
      const outPlus = await op.forward(ctx, inputs);
      x[j] = minus;
      const outMinus = await op.forward(ctx, inputs);
      x[j] = original;
      let difference = 0;
      for (let i = 0; i < w.length; i++) difference += w[i]! * (outPlus[i]! - outMinus[i]!);
      differences.push(difference / (plus - minus));
      analytic.push(gradient[j]!);
    }
    finite &&= differences.every(Number.isFinite) && analytic.every(Number.isFinite);
    errors[name] = relativeError(analytic, differences);
  }
  return { errors, finite };
}

async function expectGradientsMatch(seed: string, op: GradCase): Promise<void> {
  const { errors, finite } = await gradCheck(gpu(), seed, op);
  console.log(
    `${seed}: ${JSON.stringify(errors, (_, v: unknown) => (typeof v === 'number' ? +v.toPrecision(2) : v))}`,
  );
  expect(finite).toBe(true);
  for (const [name, error] of Object.entries(errors)) {
    expect(error, `d/d${name}`).toBeLessThan(FD_TOLERANCE);
  }
}

function matmulCase(seed: string, N: number, C: number, OC: number): GradCase {
  const random = randomSource(seed);
  return {
    inputs: { inp: random.normal(N * C), weight: random.normal(OC * C), bias: random.normal(OC) },
    async forward(ctx, { inp, weight, bias }) {
      const s = scope(ctx);
      const out = s.zeros(N * OC);
      await run(ctx, (e) =>
        matmulForward(ctx, e, out, s.floats(inp!), s.floats(weight!), s.floats(bias!), N, C, OC),
      );
      const result = await read(ctx, out, N * OC);
      s.done();
      return result;
    },
    async backward(ctx, { inp, weight }, w) {
      const s = scope(ctx);
      const [dinp, dweight, dbias] = [s.zeros(N * C), s.zeros(OC * C), s.zeros(OC)];
      await run(ctx, (e) =>
        matmulBackward(
          ctx,
          e,
          dinp,
          dweight,
          dbias,
          s.floats(w),
          s.floats(inp!),
          s.floats(weight!),
          N,
          C,
          OC,
        ),
      );
      const result = {
        inp: await read(ctx, dinp, N * C),
        weight: await read(ctx, dweight, OC * C),
        bias: await read(ctx, dbias, OC),
      };
      s.done();
      return result;
    },
  };
}

function layerNormCase(seed: string, N: number, C: number): GradCase {
  const random = randomSource(seed);
  const forwardInto = (ctx: GpuContext, s: ReturnType<typeof scope>, inputs: Values) => {
    const [out, mean, rstd] = [s.zeros(N * C), s.zeros(N), s.zeros(N)];
    const [inp, weight] = [s.floats(inputs.inp!), s.floats(inputs.weight!)];
    const bias = s.floats(inputs.bias!);
    const record = (e: GPUCommandEncoder): void =>
      layerNormForward(ctx, e, out, mean, rstd, inp, weight, bias, N, C, LAYER_NORM_EPSILON);
    return { out, mean, rstd, inp, weight, record };
  };
  return {
    inputs: { inp: random.normal(N * C, 2), weight: random.normal(C), bias: random.normal(C) },
    async forward(ctx, inputs) {
      const s = scope(ctx);
      const f = forwardInto(ctx, s, inputs);
      await run(ctx, f.record);
      const result = await read(ctx, f.out, N * C);
      s.done();
      return result;
    },
    async backward(ctx, inputs, w) {
      const s = scope(ctx);
      const f = forwardInto(ctx, s, inputs);
      const [dinp, dweight, dbias] = [s.zeros(N * C), s.zeros(C), s.zeros(C)];
      await run(ctx, (e) => {
        f.record(e);
        layerNormBackward(ctx, e, dinp, dweight, dbias, s.floats(w), f.inp, f.weight, f.mean, f.rstd, N, C);
      });
      const result = {
        inp: await read(ctx, dinp, N * C),
        weight: await read(ctx, dweight, C),
        bias: await read(ctx, dbias, C),
      };
      s.done();
      return result;
    },
  };
}

/** Row 0 one sequence; row 1 left padding, two packed sequences and right padding. */
function attentionCase(seed: string, B: number, T: number, C: number, NH: number): GradCase {
  const random = randomSource(seed);
  const segments = Int32Array.from({ length: B * T }, (_, i) => {
    const [b, t] = [Math.floor(i / T), i % T];
    if (b === 0) return 0;
    if (t < 2 || t >= T - 2) return -1;
    return t < T / 2 ? 0 : 1;
  });
  const forwardInto = (ctx: GpuContext, s: ReturnType<typeof scope>, inputs: Values) => {
    const [out, lse, qkv, ids] = [
      s.zeros(B * T * C),
      s.zeros(B * NH * T),
      s.floats(inputs.qkv!),
      s.ids(segments),
    ];
    const record = (e: GPUCommandEncoder): void => attentionForward(ctx, e, out, lse, qkv, ids, B, T, C, NH);
    return { out, lse, qkv, ids, record };
  };
  return {
    inputs: { qkv: random.normal(B * T * 3 * C, 1.5) },
    async forward(ctx, inputs) {
      const s = scope(ctx);
      const f = forwardInto(ctx, s, inputs);
      await run(ctx, f.record);
      const result = await read(ctx, f.out, B * T * C);
      s.done();
      return result;
    },
    async backward(ctx, inputs, w) {
      const s = scope(ctx);
      const f = forwardInto(ctx, s, inputs);
      const dqkv = s.zeros(B * T * 3 * C);
      await run(ctx, (e) => {
        f.record(e);
        attentionBackward(ctx, e, dqkv, s.floats(w), f.qkv, f.out, f.lse, f.ids, B, T, C, NH);
      });
      const result = { qkv: await read(ctx, dqkv, B * T * 3 * C) };
      s.done();
      return result;
    },
  };
}

/** An elementwise op with one output per input element: GELU or the residual add. */
function geluCase(seed: string, N: number): GradCase {
  const random = randomSource(seed);
  return {
    inputs: { inp: random.normal(N, 2) },
    async forward(ctx, { inp }) {
      const s = scope(ctx);
      const out = s.zeros(N);
      await run(ctx, (e) => geluForward(ctx, e, out, s.floats(inp!), N));
      const result = await read(ctx, out, N);
      s.done();
      return result;
    },
    async backward(ctx, { inp }, w) {
      const s = scope(ctx);
      const dinp = s.zeros(N);
      await run(ctx, (e) => geluBackward(ctx, e, dinp, s.floats(inp!), s.floats(w), N));
      const result = { inp: await read(ctx, dinp, N) };
      s.done();
      return result;
    },
  };
}

function residualCase(seed: string, N: number): GradCase {
  const random = randomSource(seed);
  return {
    inputs: { inp1: random.normal(N), inp2: random.normal(N) },
    async forward(ctx, { inp1, inp2 }) {
      const s = scope(ctx);
      const out = s.zeros(N);
      await run(ctx, (e) => residualForward(ctx, e, out, s.floats(inp1!), s.floats(inp2!), N));
      const result = await read(ctx, out, N);
      s.done();
      return result;
    },
    async backward(ctx, _, w) {
      const s = scope(ctx);
      const [dinp1, dinp2] = [s.zeros(N), s.zeros(N)];
      await run(ctx, (e) => residualBackward(ctx, e, dinp1, dinp2, s.floats(w), N));
      const result = { inp1: await read(ctx, dinp1, N), inp2: await read(ctx, dinp2, N) };
      s.done();
      return result;
    },
  };
}

/** Tokens drawn from 4 of V ids so rows repeat; the coordinates of unused rows check a zero gradient. */
function embeddingCase(seed: string, N: number, C: number, V: number, maxT: number): GradCase {
  const random = randomSource(seed);
  const tokens = random.ints(N, 4);
  const positions = random.ints(N, maxT);
  return {
    inputs: { wte: random.normal(V * C), wpe: random.normal(maxT * C) },
    async forward(ctx, { wte, wpe }) {
      const s = scope(ctx);
      const out = s.zeros(N * C);
      await run(ctx, (e) =>
        embeddingForward(ctx, e, out, s.ids(tokens), s.ids(positions), s.floats(wte!), s.floats(wpe!), N, C),
      );
      const result = await read(ctx, out, N * C);
      s.done();
      return result;
    },
    async backward(ctx, _, w) {
      const s = scope(ctx);
      const [dwte, dwpe] = [s.zeros(V * C), s.zeros(maxT * C)];
      await run(ctx, (e) =>
        embeddingBackward(ctx, e, dwte, dwpe, s.floats(w), s.ids(tokens), s.ids(positions), N, C, V, maxT),
      );
      const result = { wte: await read(ctx, dwte, V * C), wpe: await read(ctx, dwpe, maxT * C) };
      s.done();
      return result;
    },
  };
}

/**
 * The scalar per-token loss (signed weights, as RL's advantages) as a one-element output: at a
 * temperature, and with the clipped ratio against old log-probabilities near the current ones.
 */
function tokenLossCase(seed: string, N: number, V: number, temperature: number, ratio: boolean): GradCase {
  const random = randomSource(seed);
  const targets = random.ints(N, V);
  const weights = random.normal(N);
  weights[0] = 0;
  const normaliser = 3.7;
  const inputs = { logits: random.normal(N * V, 2) };
  const current = new Float64Array(N);
  referenceLogProbs(current, inputs.logits, targets, N, V, temperature);
  // Shifts well clear of the clip's edges, so a finite difference never crosses one.
  const oldLogProbs = current.map((lp, n) => lp + [0.5, -0.5, 0.05][n % 3]!);
  const forwardInto = (ctx: GpuContext, s: ReturnType<typeof scope>, values: Values) => {
    const [loss, probs, losses, gradWeights] = [s.zeros(1), s.zeros(N * V), s.zeros(N), s.zeros(N)];
    const [logits, ids, w] = [s.floats(values.logits!), s.ids(targets), s.floats(weights)];
    const options = ratio
      ? { temperature, oldLogProbs: s.floats(oldLogProbs), clipEpsilon: 0.2 }
      : { ...PLAIN_GPU_TOKEN_LOSS, temperature };
    const record = (e: GPUCommandEncoder): void =>
      tokenLossForward(ctx, e, loss, probs, losses, gradWeights, logits, ids, w, options, normaliser, N, V);
    return { loss, probs, ids, gradWeights, record };
  };
  return {
    inputs,
    async forward(ctx, inputs) {
      const s = scope(ctx);
      const f = forwardInto(ctx, s, inputs);
      await run(ctx, f.record);
      const result = await read(ctx, f.loss, 1);
      s.done();
      return result;
    },
    async backward(ctx, inputs, dloss) {
      const s = scope(ctx);
      const f = forwardInto(ctx, s, inputs);
      const dlogits = s.zeros(N * V);
      await run(ctx, (e) => {
        f.record(e);
        tokenLossBackward(
          ctx,
          e,
          dlogits,
          f.probs,
          f.ids,
          f.gradWeights,
          temperature,
          normaliser,
          N,
          V,
          dloss[0]!,
        );
      });
      const result = { logits: await read(ctx, dlogits, N * V) };
      s.done();
      return result;
    },
  };
}

/** Per-token log-probabilities, whose gradient is the token loss backward with weights -w and normaliser 1. */
function logProbsCase(seed: string, N: number, V: number): GradCase {
  const random = randomSource(seed);
  const targets = random.ints(N, V);
  return {
    inputs: { logits: random.normal(N * V, 2) },
    async forward(ctx, { logits }) {
      const s = scope(ctx);
      const out = s.zeros(N);
      await run(ctx, (e) => logProbsForward(ctx, e, out, s.floats(logits!), s.ids(targets), N, V));
      const result = await read(ctx, out, N);
      s.done();
      return result;
    },
    async backward(ctx, { logits }, w) {
      const s = scope(ctx);
      const [probs, losses, loss, dlogits] = [s.zeros(N * V), s.zeros(N), s.zeros(1), s.zeros(N * V)];
      const gradWeights = s.zeros(N);
      const [gpuLogits, ids] = [s.floats(logits!), s.ids(targets)];
      const negated = s.floats(w.map((x) => -x));
      await run(ctx, (e) => {
        tokenLossForward(
          ctx,
          e,
          loss,
          probs,
          losses,
          gradWeights,
          gpuLogits,
          ids,
          negated,
          PLAIN_GPU_TOKEN_LOSS,
          1,
          N,
          V,
        );
        tokenLossBackward(ctx, e, dlogits, probs, ids, gradWeights, 1, 1, N, V);
      });
      const result = { logits: await read(ctx, dlogits, N * V) };
      s.done();
      return result;
    },
  };
}

function rotaryCase(seed: string, N: number, C: number, NH: number, maxT: number): GradCase {
  const random = randomSource(seed);
  // Position 0 turns by nothing: from 1 up, so that every sampled query and key is turned.
  const positions = random.ints(N, maxT - 1).map((p) => p + 1);
  return {
    inputs: { qkv: random.normal(N * 3 * C) },
    async forward(ctx, { qkv }) {
      const s = scope(ctx);
      const out = s.zeros(N * 3 * C);
      const table = rotaryTable(ctx.device, C / NH, ROTARY_BASE, maxT);
      await run(ctx, (e) => rotaryForward(ctx, e, out, s.floats(qkv!), s.ids(positions), N, C, NH, table));
      const result = await read(ctx, out, N * 3 * C);
      table.destroy();
      s.done();
      return result;
    },
    async backward(ctx, _, w) {
      const s = scope(ctx);
      const dqkv = s.zeros(N * 3 * C);
      const table = rotaryTable(ctx.device, C / NH, ROTARY_BASE, maxT);
      await run(ctx, (e) => rotaryBackward(ctx, e, dqkv, s.floats(w), s.ids(positions), N, C, NH, table));
      const result = { qkv: await read(ctx, dqkv, N * 3 * C) };
      table.destroy();
      s.done();
      return result;
    },
  };
}

describe('every GPU backward against central finite differences of the GPU forward', () => {
  it('matmul (input, weight and bias), including the split-K weight gradient', async () => {
    await expectGradientsMatch('matmul/5x7x9', matmulCase('matmul/5x7x9', 5, 7, 9));
    await expectGradientsMatch('matmul/520x5x3', matmulCase('matmul/520x5x3', 520, 5, 3));
  });

  it('layer norm (input, weight and bias)', async () => {
    await expectGradientsMatch('layerNorm/3x33', layerNormCase('layerNorm/3x33', 3, 33));
  });

  it('causal attention with padding and packed sequences', async () => {
    await expectGradientsMatch('attention/2x20x16x2', attentionCase('attention/2x20x16x2', 2, 20, 16, 2));
  });

  it('GELU and the residual add', async () => {
    await expectGradientsMatch('gelu/50', geluCase('gelu/50', 50));
    await expectGradientsMatch('residual/20', residualCase('residual/20', 20));
  });

  it('embedding (token and position tables, scatter-add)', async () => {
    await expectGradientsMatch('embedding/9x5x7x6', embeddingCase('embedding/9x5x7x6', 9, 5, 7, 6));
  });

  it('the per-token loss with signed weights (plain, at a temperature, clipped ratio), and log-probabilities', async () => {
    await expectGradientsMatch('tokenLoss/6x11', tokenLossCase('tokenLoss/6x11', 6, 11, 1, false));
    await expectGradientsMatch('tokenLoss/6x11/T', tokenLossCase('tokenLoss/6x11/T', 6, 11, 0.4, false));
    await expectGradientsMatch('tokenLoss/9x7/ratio', tokenLossCase('tokenLoss/9x7/ratio', 9, 7, 0.7, true));
    await expectGradientsMatch('logProbs/6x11', logProbsCase('logProbs/6x11', 6, 11));
  });

  it('rotary positions', async () => {
    await expectGradientsMatch('rotary/5x8x2', rotaryCase('rotary/5x8x2', 5, 8, 2, 9));
  });

  it('fails a backward that is off by a few percent, and one that gives NaN', async () => {
    const ctx = gpu();
    const op = geluCase('gelu/broken', 20);
    const scaled: GradCase = {
      ...op,
      backward: async (c, inputs, w) => ({
        inp: (await op.backward(c, inputs, w)).inp!.map((g) => 1.03 * g),
      }),
    };
    const scaledResult = await gradCheck(ctx, 'gelu/broken', scaled);
    expect(scaledResult.errors.inp).toBeGreaterThan(FD_TOLERANCE);
    const withNaN: GradCase = {
      ...op,
      backward: async () => ({ inp: new Float64Array(20).fill(NaN) }),
    };
    const nanResult = await gradCheck(ctx, 'gelu/broken', withNaN);
    expect(nanResult.finite).toBe(false);
    expect(nanResult.errors.inp).toBe(Infinity);
  });
});
