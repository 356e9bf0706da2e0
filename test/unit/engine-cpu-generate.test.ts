import { describe, expect, it } from 'vitest';
import { writeCheckpoint } from '../../src/engine/checkpoint.ts';
import { CpuEngine, generateCached, type CachedGeneration } from '../../src/engine/cpu-engine.ts';
import type { GenerateOptions } from '../../src/engine/engine.ts';
import { sampleToken } from '../../src/engine/sampling.ts';
import type { ModelConfig } from '../../src/model/config.ts';
import { normalStream, parameterLayout, type ParameterLayout } from '../../src/model/layout.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import { createKeyValueCache, forwardCached } from '../../src/model/reference/decode.ts';
import { modelForward } from '../../src/model/reference/model.ts';
import { stopIndex } from '../../src/model/stops.ts';
import { createRandom, type Random } from '../../src/core/random.ts';

/**
 * The oracle: generation as the CPU engine did it before it had a cache, re-running modelForward
 * over the whole row for every new token, with the same rules (longest prompt bounds the new
 * tokens, row b's sampling stream, stop sequences). Log-probabilities stay in float64.
 */
function generateByRecompute(
  layout: ParameterLayout,
  params: Float64Array,
  prompts: readonly Int32Array[],
  options: GenerateOptions,
): CachedGeneration[] {
  const { config } = layout;
  const P = Math.max(...prompts.map((prompt) => prompt.length));
  if (Math.min(...prompts.map((prompt) => prompt.length)) === 0) {
    throw new Error('Every prompt needs at least one token.');
  }
  if (P >= config.context) {
    throw new Error(
      `A prompt has ${P} tokens; the model reads at most ${config.context - 1} before generating.`,
    );
  }
  const maxNew = Math.min(options.maxNewTokens, config.context - P);
  if (!Number.isInteger(maxNew) || maxNew < 1) {
    throw new Error(`maxNewTokens must be a positive integer (got ${options.maxNewTokens}).`);
  }
  const seed = (options.seed ?? 0) >>> 0;
  const stops = (options.stopSequences ?? []).filter((stop) => stop.length > 0);
  const V = config.vocabSize;
  return prompts.map((prompt, row) => {
    const sequence = Array.from(prompt);
    const tokens: number[] = [];
    const logProbs: number[] = [];
    while (tokens.length < maxNew && stopIndex(Int32Array.from(tokens), stops) < 0) {
      const T = sequence.length;
      const { logits } = modelForward(layout, params, {
        batchSize: 1,
        seqLen: T,
        tokens: Int32Array.from(sequence),
      });
      const last = logits.subarray((T - 1) * V, T * V);
      const { token, logProb } = sampleToken(last, options.temperature, seed, tokens.length, row);
      tokens.push(token);
      logProbs.push(logProb);
      sequence.push(token);
    }
    return { tokens, logProbs, finish: stopIndex(Int32Array.from(tokens), stops) >= 0 ? 'stop' : 'length' };
  });
}

/** A tiny model of random shape; `index` alternates learned and rotary positions. */
function randomConfig(random: Random, index: number): ModelConfig {
  const heads = random.int(1, 3);
  return {
    layers: random.int(1, 2),
    width: heads * 2 * random.int(1, 3),
    heads,
    ffWidth: random.int(4, 24),
    context: random.int(10, 20),
    vocabSize: random.int(6, 30),
    positions: index % 2 === 0 ? 'learned' : 'rotary',
  };
}

/**
 * Weights far from GPT-2's small initialisation, so attention and positions change the logits
 * and greedy choices are not near-ties. Float32 values with zero gaps: a checkpoint holds them exactly.
 */
function randomParams(layout: ParameterLayout, seed: string): Float64Array {
  const params = new Float32Array(layout.totalFloats);
  const normal = normalStream(seed);
  for (const tensor of layout.tensors) {
    for (let i = tensor.offset; i < tensor.offset + tensor.size; i++) {
      params[i] = (tensor.init === 'ones' ? 1 : 0) + 0.5 * normal();
    }
  }
  return Float64Array.from(params);
}

function randomPrompts(random: Random, config: ModelConfig, count: number, longest: number): Int32Array[] {
  return Array.from({ length: count }, () =>
    Int32Array.from({ length: random.int(1, longest) }, () => random.int(0, config.vocabSize - 1)),
  );
}

/** Same tokens and finish exactly, log-probabilities within 1e-9. */
function expectSameGenerations(actual: CachedGeneration[], expected: CachedGeneration[]): void {
  expect(actual.map((row) => [row.tokens, row.finish])).toEqual(
    expected.map((row) => [row.tokens, row.finish]),
  );
  for (const [b, row] of actual.entries()) {
    for (const [i, logProb] of row.logProbs.entries()) {
      expect(Math.abs(logProb - expected[b]!.logProbs[i]!)).toBeLessThanOrEqual(1e-9);
    }
    expect(row.logProbs.length).toBe(expected[b]!.logProbs.length);
  }
}

const CONFIGS = 8;

describe('the cached forward', () => {
  it('gives the logits of the whole-sequence forward at every position, read in chunks of any size', () => {
    const random = createRandom('decode/chunks');
    for (let index = 0; index < CONFIGS; index++) {
      const config = randomConfig(random, index);
      const layout = parameterLayout(config);
      const params = randomParams(layout, `decode/chunks/${index}`);
      const T = config.context;
      const tokens = Int32Array.from({ length: T }, () => random.int(0, config.vocabSize - 1));
      const { logits, blocks } = modelForward(layout, params, { batchSize: 1, seqLen: T, tokens });
      const V = config.vocabSize;
      const cache = createKeyValueCache(config, T);
      for (let read = 0; read < T;) {
        const chunk = Math.min(T - read, random.int(1, 4));
        const cached = forwardCached(layout, params, [cache], [tokens.subarray(read, read + chunk)]);
        read += chunk;
        expect(cache.length).toBe(read);
        expect(relativeError(cached, logits.subarray((read - 1) * V, read * V))).toBeLessThan(1e-12);
      }
      // The cache holds the forward's own keys and values: rotary ones turned by the absolute
      // position (which the logits cannot show: a common shift leaves every score as it was).
      const C = config.width;
      for (const [l, block] of blocks.entries()) {
        const keys = new Float64Array(T * C);
        const values = new Float64Array(T * C);
        for (let t = 0; t < T; t++) {
          keys.set(block.qkvRotated.subarray((3 * t + 1) * C, (3 * t + 2) * C), t * C);
          values.set(block.qkvRotated.subarray((3 * t + 2) * C, (3 * t + 3) * C), t * C);
        }
        expect(relativeError(cache.keys[l]!, keys)).toBeLessThan(1e-12);
        expect(relativeError(cache.values[l]!, values)).toBeLessThan(1e-12);
      }
      expect(() => forwardCached(layout, params, [cache], [[0]])).toThrow(/do not fit/);
    }
  });

  it('reads several sequences at different positions in one call as it reads each alone', () => {
    const config: ModelConfig = {
      layers: 2,
      width: 8,
      heads: 2,
      ffWidth: 12,
      context: 16,
      vocabSize: 11,
      positions: 'rotary',
    };
    const layout = parameterLayout(config);
    const params = randomParams(layout, 'decode/together');
    const prompts = [[1, 2, 3, 4, 5, 6], [7], [8, 9, 10]];
    const alone = prompts.map((prompt) => {
      const cache = createKeyValueCache(config, 8);
      forwardCached(layout, params, [cache], [prompt]);
      return { cache, logits: forwardCached(layout, params, [cache], [[prompt.length % 11]]) };
    });
    const caches = prompts.map(() => createKeyValueCache(config, 8));
    forwardCached(layout, params, caches, prompts);
    const together = forwardCached(
      layout,
      params,
      caches,
      prompts.map((prompt) => [prompt.length % 11]),
    );
    const V = config.vocabSize;
    for (const [k, { cache, logits }] of alone.entries()) {
      expect(caches[k]!.length).toBe(cache.length);
      expect(relativeError(together.subarray(k * V, (k + 1) * V), logits)).toBeLessThan(1e-12);
    }
    expect(() => forwardCached(layout, params, caches, [[1], [2], [11]])).toThrow(/outside the vocabulary/);
    expect(() => forwardCached(layout, params, caches, [[1], [], [2]])).toThrow(/at least one/);
  });
});

describe('cached generation against the full recompute', () => {
  it('returns the same tokens and log-probabilities, greedy and sampled, learned and rotary', async () => {
    const random = createRandom('decode/generate');
    let sampledDiffers = false;
    for (let index = 0; index < CONFIGS; index++) {
      const config = randomConfig(random, index);
      const layout = parameterLayout(config);
      const params = randomParams(layout, `decode/generate/${index}`);
      const prompts = randomPrompts(random, config, random.int(1, 4), config.context - 4);
      const greedy = { maxNewTokens: 6, temperature: 0 };
      const sampled = { maxNewTokens: 6, temperature: 0.7, seed: 1234 + index };
      const expectedGreedy = generateByRecompute(layout, params, prompts, greedy);
      const expectedSampled = generateByRecompute(layout, params, prompts, sampled);
      expectSameGenerations(generateCached(layout, params, prompts, greedy), expectedGreedy);
      expectSameGenerations(generateCached(layout, params, prompts, sampled), expectedSampled);
      sampledDiffers ||= expectedSampled.some(
        (row, b) => row.tokens.join() !== expectedGreedy[b]!.tokens.join(),
      );

      // The engine is this generation with its log-probabilities in float32.
      const engine = new CpuEngine();
      await engine.loadCheckpoint(writeCheckpoint({ config, params, optimizer: null }));
      const fromEngine = await engine.generate(prompts, sampled);
      expect(fromEngine).toEqual(
        expectedSampled.map((row) => ({
          tokens: Int32Array.from(row.tokens),
          logProbs: Float32Array.from(row.logProbs),
          finish: row.finish,
        })),
      );
    }
    // Otherwise the sampled runs would only repeat the greedy check.
    expect(sampledDiffers).toBe(true);
  });

  it('ends a row at its first stop sequence, the others at the length, as before', () => {
    const random = createRandom('decode/stops');
    for (let index = 0; index < 4; index++) {
      const config = randomConfig(random, index);
      const layout = parameterLayout(config);
      const params = randomParams(layout, `decode/stops/${index}`);
      const prompts = randomPrompts(random, config, 3, 4);
      const options = { maxNewTokens: 6, temperature: 0.7, seed: 99 };
      const free = generateByRecompute(layout, params, prompts, options);
      // A stop that row 0 generates at tokens 2..3 (an earlier occurrence ends it sooner); the
      // empty sequence is ignored, as on the GPU.
      const stop = free[0]!.tokens.slice(2, 4);
      const stops = [stop, []];
      const withStops = { ...options, stopSequences: stops };
      const expected = generateByRecompute(layout, params, prompts, withStops);
      const actual = generateCached(layout, params, prompts, withStops);
      expectSameGenerations(actual, expected);
      for (const [b, row] of actual.entries()) {
        const end = stopIndex(Int32Array.from(free[b]!.tokens), [stop]);
        expect(row.finish).toBe(end >= 0 ? 'stop' : 'length');
        expect(row.tokens).toEqual(free[b]!.tokens.slice(0, end >= 0 ? end : undefined));
      }
      expect(actual[0]!.finish).toBe('stop');
      expect(actual[0]!.tokens.length).toBeLessThanOrEqual(4);
    }
  });

  it('at the context limit: the longest prompt bounds every row, and prompts that fill the context are refused', () => {
    const random = createRandom('decode/limit');
    for (let index = 0; index < 4; index++) {
      const config = randomConfig(random, index);
      const layout = parameterLayout(config);
      const params = randomParams(layout, `decode/limit/${index}`);
      const C = config.context;
      const long = Int32Array.from({ length: C - 1 }, () => random.int(0, config.vocabSize - 1));
      const shortPrompt = Int32Array.from([random.int(0, config.vocabSize - 1)]);
      const options = { maxNewTokens: 50, temperature: 0.7, seed: 5 };
      const atLimit = generateCached(layout, params, [shortPrompt, long], options);
      expectSameGenerations(atLimit, generateByRecompute(layout, params, [shortPrompt, long], options));
      expect(atLimit.map((row) => [row.tokens.length, row.finish])).toEqual([
        [1, 'length'],
        [1, 'length'],
      ]);
      // Three tokens below the limit: at most three new tokens, whatever maxNewTokens asks.
      const nearLimit = [shortPrompt, long.slice(0, C - 3)];
      const near = generateCached(layout, params, nearLimit, options);
      expectSameGenerations(near, generateByRecompute(layout, params, nearLimit, options));
      expect(near.map((row) => row.tokens.length)).toEqual([3, 3]);

      const full = Int32Array.from({ length: C }, () => 0);
      expect(() => generateCached(layout, params, [shortPrompt, full], options)).toThrow(
        new RegExp(`reads at most ${C - 1}`),
      );
      expect(() => generateCached(layout, params, [new Int32Array(0)], options)).toThrow(
        /at least one token/,
      );
      expect(() => generateCached(layout, params, [shortPrompt], { ...options, maxNewTokens: 0 })).toThrow(
        /positive integer/,
      );
      expect(generateCached(layout, params, [], options)).toEqual([]);
    }
  });
});

describe('sampleToken', () => {
  it('returns the log-probability under the sampling policy: log softmax(logits / T), T = 1 when greedy', () => {
    const logits = Float64Array.from([2, -1, 0.5, 0]);
    const logSoftmaxAt = (temperature: number, v: number): number => {
      const scaled = Array.from(logits, (x) => x / temperature);
      const lse = Math.log(scaled.reduce((sum, x) => sum + Math.exp(x), 0));
      return scaled[v]! - lse;
    };
    for (const temperature of [0.25, 0.7, 1, 2.5]) {
      for (let step = 0; step < 20; step++) {
        const { token, logProb } = sampleToken(logits, temperature, 7, step, 0);
        expect(logProb).toBeCloseTo(logSoftmaxAt(temperature, token), 12);
      }
    }
    const greedy = sampleToken(logits, 0, 7, 0, 0);
    expect(greedy.token).toBe(0);
    expect(greedy.logProb).toBeCloseTo(logSoftmaxAt(1, 0), 12);
  });
});
