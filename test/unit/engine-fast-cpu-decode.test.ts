import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { createFloat32Cache, forwardCached as forwardCachedFast } from '../../src/engine/cpu/decode.ts';
import { CpuModelMemory } from '../../src/engine/cpu/model.ts';
import { CpuRuntime } from '../../src/engine/cpu/runtime.ts';
import type { ModelConfig, PositionKind } from '../../src/model/config.ts';
import { parameterLayout } from '../../src/model/layout.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import { createKeyValueCache, forwardCached } from '../../src/model/reference/decode.ts';

/**
 * The fast CPU engine's cached forward against the reference's, step by step: several sequences
 * of different lengths in one call, prompts read in chunks, then one token each. The parameters
 * are large enough (uniform in +-0.5) that attention is far from uniform, so a wrong key, value
 * or position in the cache moves the logits well past float32's error.
 */

let rt: CpuRuntime;
beforeAll(async () => {
  rt = await CpuRuntime.create({ threads: 2 });
});
afterAll(() => rt.dispose());

function shape(positions: PositionKind): ModelConfig {
  // Heads of 8 channels: rotary positions on their kernel (the whole-model test has heads of 6).
  return { layers: 2, width: 24, heads: 3, ffWidth: 40, context: 40, vocabSize: 37, positions };
}

describe('the fast cached forward', () => {
  for (const positions of ['rotary', 'learned'] as const) {
    it(`gives the reference's logits, reading prompts and then decoding (${positions} positions)`, () => {
      const config = shape(positions);
      const layout = parameterLayout(config);
      const random = createRandom(`fast-decode/${positions}`);
      const params = Float64Array.from({ length: layout.totalFloats }, () => random.next() - 0.5);
      const model = new CpuModelMemory(rt, layout);
      model.params.set(params);
      model.transposeWeights();
      const prompts = [
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        [9, 30],
        [4, 4, 8, 36, 0],
      ];
      const capacities = [30, 21, 25];
      rt.reset(model.mark, 0);
      const fast = capacities.map((capacity) => createFloat32Cache(rt, config, capacity));
      const base = rt.mark;
      const slow = capacities.map((capacity) => createKeyValueCache(config, capacity));
      // Prompts in two chunks of uneven sizes, all sequences in each call.
      for (const part of [0, 1]) {
        const chunks = prompts.map((prompt) => {
          const cut = Math.ceil(prompt.length / 3);
          return part === 0 ? prompt.slice(0, cut) : prompt.slice(cut);
        });
        const expected = forwardCached(layout, params, slow, chunks);
        const actual = forwardCachedFast(rt, model, base, fast, chunks);
        expect(relativeError(actual, expected)).toBeLessThan(1e-5);
      }
      for (let step = 0; step < 15; step++) {
        const next = prompts.map((_, k) => [(step * 7 + k * 5) % config.vocabSize]);
        const expected = forwardCached(layout, params, slow, next);
        const actual = forwardCachedFast(rt, model, base, fast, next);
        expect(relativeError(actual, expected)).toBeLessThan(1e-5);
      }
      expect(fast.map((cache) => cache.length)).toEqual(slow.map((cache) => cache.length));
    });
  }
});
