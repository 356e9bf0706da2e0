import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/model/config.ts';
import { parameterLayout, tensorView } from '../../src/model/layout.ts';
import {
  adamwState,
  adamwStep,
  adamwUpdate,
  clipGradients,
  gradientNorm,
} from '../../src/model/reference/optim.ts';

const options = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1 };

describe('gradient norm and clipping', () => {
  it('computes the global norm and scales down only above the limit', () => {
    expect(gradientNorm(Float64Array.from([3, 0, -4]))).toBe(5);
    const grads = Float64Array.from([3, 0, -4]);
    expect(clipGradients(grads, 1)).toEqual({ norm: 5, scale: 0.2 });
    expect(Array.from(grads)).toEqual([0.6000000000000001, 0, -0.8]);
    const small = Float64Array.from([0.3, 0.4]);
    expect(clipGradients(small, 1)).toEqual({ norm: 0.5, scale: 1 });
    expect(Array.from(small)).toEqual([0.3, 0.4]);
  });

  it('reports a NaN gradient instead of hiding it', () => {
    const grads = Float64Array.from([1, NaN]);
    expect(clipGradients(grads, 1).norm).toBeNaN();
    expect(grads[1]).toBeNaN();
  });
});

describe('AdamW', () => {
  it('matches two steps computed by hand', () => {
    const params = Float64Array.from([1, -2]);
    const m = new Float64Array(2);
    const v = new Float64Array(2);
    // step 1, g = [0.5, 0]:
    //   m = [0.05, 0], v = [0.00025, 0], mhat = [0.5, 0], vhat = [0.25, 0]
    //   p0 = 1 - 0.1 * (0.5 / (0.5 + 1e-8) + 0.1 * 1) = 1 - 0.1 * (0.99999998 + 0.1) = 0.890000002
    //   p1 = -2 - 0.1 * (0 + 0.1 * -2) = -1.98
    adamwUpdate(params, Float64Array.from([0.5, 0]), m, v, 1, options, true);
    expect(m[0]).toBeCloseTo(0.05, 15);
    expect(v[0]).toBeCloseTo(0.00025, 15);
    expect(params[0]).toBeCloseTo(0.890000002, 12);
    expect(params[1]).toBeCloseTo(-1.98, 14);
    // step 2, g = [-1, 0]:
    //   m = 0.9 * 0.05 - 0.1 = -0.055, v = 0.999 * 0.00025 + 0.001 = 0.00124975
    //   mhat = -0.055 / 0.19 = -0.2894736842, vhat = 0.00124975 / 0.001999 = 0.6251875938
    //   sqrt(vhat) = 0.7906880509; update = mhat / sqrt(vhat) = -0.3661035270
    //   p0 = 0.890000002 - 0.1 * (-0.3661035270 + 0.0890000002) = 0.9177103542
    const mhat = -0.055 / 0.19;
    const vhat = 0.00124975 / (1 - 0.999 ** 2);
    const expected = 0.890000002 - 0.1 * (mhat / (Math.sqrt(vhat) + 1e-8) + 0.1 * 0.890000002);
    expect(expected).toBeCloseTo(0.9177103542, 9); // the same number, worked on paper
    adamwUpdate(params, Float64Array.from([-1, 0]), m, v, 2, options, true);
    expect(m[0]).toBeCloseTo(-0.055, 15);
    expect(v[0]).toBeCloseTo(0.00124975, 15);
    expect(params[0]).toBeCloseTo(expected, 12);
    expect(params[1]).toBeCloseTo(-1.98 * 0.99, 14);
  });

  it('decays only the tensors the layout marks, and counts its steps', () => {
    const config: ModelConfig = {
      layers: 1,
      width: 4,
      heads: 2,
      ffWidth: 8,
      context: 4,
      vocabSize: 5,
      positions: 'rotary',
    };
    const layout = parameterLayout(config);
    const params = new Float64Array(layout.totalFloats);
    for (const t of layout.tensors) tensorView(params, t).fill(2);
    const state = adamwState(layout);
    // zero gradients: the adaptive part is 0 / (0 + eps) = 0, so only the decay moves parameters
    adamwStep(layout, params, new Float64Array(layout.totalFloats), state, options);
    expect(state.step).toBe(1);
    for (const t of layout.tensors) {
      const expected = t.decay ? 2 * (1 - 0.1 * 0.1) : 2;
      expect(
        tensorView(params, t).every((x) => Math.abs(x - expected) < 1e-15),
        t.name,
      ).toBe(true);
    }
  });
});
