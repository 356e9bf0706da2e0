import { describe, expect, it } from 'vitest';
import { generate, type Generation } from '../../src/gpu/generate.ts';
import { GpuModel } from '../../src/gpu/model.ts';
import { modelConfig, type ModelConfig } from '../../src/model/config.ts';
import { initParameters, parameterLayout, tensorView } from '../../src/model/layout.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import { modelForward } from '../../src/model/reference/model.ts';
import { TOLERANCE, useGpu } from './gpu-harness.ts';
import { checked } from './gpu-model-harness.ts';

const gpu = useGpu();

/** log softmax of logits[row] at temperature 1 / `inverseTemperature`. */
function logSoftmax(logits: Float64Array, row: number, V: number, inverseTemperature = 1): Float64Array {
  const scaled = logits.slice(row * V, (row + 1) * V).map((x) => x * inverseTemperature);
  const max = Math.max(...scaled);
  const lse = max + Math.log(scaled.reduce((sum, x) => sum + Math.exp(x - max), 0));
  return scaled.map((x) => x - lse);
}

/**
 * Checks a generation against the reference forward of prompt + generated tokens (unpadded):
 * each token is the argmax of the reference's logits before it (or within float32 noise of it)
 * when greedy, and its log-probability matches the reference's.
 */
function checkAgainstReference(
  config: ModelConfig,
  params: Float64Array,
  prompt: Int32Array,
  generation: Generation,
  greedy: boolean,
): void {
  const V = config.vocabSize;
  const sequence = Int32Array.from([...prompt, ...generation.tokens]);
  const T = sequence.length - 1;
  const acts = modelForward(parameterLayout(config), params, {
    batchSize: 1,
    seqLen: T,
    tokens: sequence.subarray(0, T),
  });
  const expectedLogProbs: number[] = [];
  for (const [i, token] of generation.tokens.entries()) {
    const logProbs = logSoftmax(acts.logits, prompt.length - 1 + i, V);
    expectedLogProbs.push(logProbs[token]!);
    if (greedy) {
      const best = Math.max(...logProbs);
      // A near tie may fall either way in float32; anything else must be the argmax.
      expect(best - logProbs[token]!).toBeLessThan(1e-5);
    }
  }
  expect(relativeError(generation.logProbs, expectedLogProbs)).toBeLessThan(TOLERANCE);
}

describe('generation with a KV cache', () => {
  const config: ModelConfig = { ...modelConfig('nano', { vocabSize: 37 }), context: 32 };
  const prompts = [
    Int32Array.from([1, 2, 3, 4, 5]),
    Int32Array.from([7, 7, 8, 9, 10, 11, 12, 13, 14]),
    Int32Array.from([30, 2]),
  ];

  it('greedy decoding of prompts of three lengths matches the reference forward and repeats', async () => {
    const ctx = gpu();
    const model = GpuModel.create(ctx, config, 'generate/greedy', { maxTokens: 3 * 16 });
    const params = Float64Array.from(initParameters(parameterLayout(config), 'generate/greedy'));
    const options = { maxNewTokens: 12, temperature: 0, stepsPerSubmission: 5 };
    const first = await checked(ctx, () => generate(model, prompts, options));
    for (const [b, generation] of first.entries()) {
      expect(generation.tokens.length).toBe(12);
      expect(generation.finish).toBe('length');
      checkAgainstReference(config, params, prompts[b]!, generation, true);
    }
    const second = await generate(model, prompts, { ...options, stepsPerSubmission: 16 });
    expect(second).toEqual(first);

    // A stop sequence taken from row 0's output ends row 0 right after it, and any row that contains it.
    const stop = Array.from(first[0]!.tokens.slice(3, 5));
    const stopped = await generate(model, prompts, { ...options, stopSequences: [[36, 36, 36, 36], stop] });
    for (const [b, generation] of stopped.entries()) {
      const full = Array.from(first[b]!.tokens);
      const at = full.findIndex(
        (_, i) => i + 1 >= stop.length && stop.every((s, j) => full[i + 1 - stop.length + j] === s),
      );
      expect(Array.from(generation.tokens)).toEqual(at >= 0 ? full.slice(0, at + 1) : full);
      expect(generation.finish).toBe(at >= 0 ? 'stop' : 'length');
      expect(Array.from(generation.logProbs)).toEqual(
        Array.from(first[b]!.logProbs.slice(0, generation.tokens.length)),
      );
    }
    expect(stopped[0]!.tokens.length).toBeLessThanOrEqual(5);
    model.destroy();
  });

  it('sampling at temperature 1 replays with its seed and scores its tokens like the reference', async () => {
    const ctx = gpu();
    const model = GpuModel.create(ctx, config, 'generate/sample', { maxTokens: 3 * 16 });
    const params = Float64Array.from(initParameters(parameterLayout(config), 'generate/sample'));
    const options = { maxNewTokens: 10, temperature: 1, seed: 1234, stepsPerSubmission: 4 };
    const first = await checked(ctx, () => generate(model, prompts, options));
    expect(await generate(model, prompts, options)).toEqual(first);
    const other = await generate(model, prompts, { ...options, seed: 99 });
    expect(other.map((g) => Array.from(g.tokens))).not.toEqual(first.map((g) => Array.from(g.tokens)));
    for (const [b, generation] of first.entries())
      checkAgainstReference(config, params, prompts[b]!, generation, false);
    model.destroy();
  });
});

/** Upper 0.1% point of the chi-square distribution with 5 degrees of freedom. */
const CHI_SQUARE_5_DF_999 = 20.515;

describe('sampling follows the model distribution', () => {
  // A one-block model over 6 tokens, its token embedding scaled up so the next-token
  // distribution is far from uniform (and every token still likely enough for the test).
  const config: ModelConfig = {
    layers: 1,
    width: 16,
    heads: 2,
    ffWidth: 32,
    context: 8,
    vocabSize: 6,
    positions: 'rotary',
  };
  const SAMPLES = 2000;

  for (const temperature of [1, 0.7]) {
    it(`passes a chi-square test at the 0.1% level at temperature ${temperature} (${SAMPLES} draws, fixed seed)`, async () => {
      const ctx = gpu();
      const layout = parameterLayout(config);
      const params = Float64Array.from(initParameters(layout, 'generate/chi-square'));
      tensorView(params, layout.wte).forEach((x, i, wte) => (wte[i] = x * 8));
      const model = GpuModel.create(ctx, config, 'unused', { maxTokens: SAMPLES });
      model.setParameters(Float32Array.from(params));
      const prompt = Int32Array.from([0]);
      const acts = modelForward(layout, Float64Array.from(Float32Array.from(params)), {
        batchSize: 1,
        seqLen: 1,
        tokens: prompt,
      });
      const expected = logSoftmax(acts.logits, 0, config.vocabSize, 1 / temperature).map(Math.exp);
      // The distribution is worth testing: no token dominates, every token expects 10+ draws.
      expect(Math.max(...expected)).toBeLessThan(0.7);
      expect(Math.min(...expected) * SAMPLES).toBeGreaterThan(10);

      const rows = Array.from({ length: SAMPLES }, () => prompt);
      const draws = await checked(ctx, () =>
        generate(model, rows, { maxNewTokens: 1, temperature, seed: 20240601 }),
      );
      const counts = new Array<number>(config.vocabSize).fill(0);
      for (const draw of draws) counts[draw.tokens[0]!]! += 1;
      const chiSquare = counts.reduce((sum, observed, v) => {
        const e = expected[v]! * SAMPLES;
        return sum + (observed - e) ** 2 / e;
      }, 0);
      console.log(
        `temperature ${temperature}: expected ${Array.from(expected, (p) => (p * SAMPLES).toFixed(0)).join(' ')}, ` +
          `observed ${counts.join(' ')}, chi-square ${chiSquare.toFixed(2)} (5 df, 0.1% critical ${CHI_SQUARE_5_DF_999})`,
      );
      expect(chiSquare).toBeLessThan(CHI_SQUARE_5_DF_999);
      // Every draw comes with its log-probability under the sampling policy (logits / temperature).
      const modelLogProbs = logSoftmax(acts.logits, 0, config.vocabSize, 1 / temperature);
      expect(
        relativeError(
          draws.map((d) => d.logProbs[0]!),
          draws.map((d) => modelLogProbs[d.tokens[0]!]!),
        ),
      ).toBeLessThan(TOLERANCE);
      model.destroy();
    });
  }
});
