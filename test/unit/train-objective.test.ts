import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { clippedPolicyWeights } from '../../src/train/objective.ts';

/** The surrogate as a function of the new log-probabilities (the quantity the weights are the gradient of). */
function surrogateAt(
  advantages: number[],
  newLogProbs: Float64Array,
  oldLogProbs: number[],
  eps: number,
): number {
  return clippedPolicyWeights(advantages, newLogProbs, oldLogProbs, eps).surrogate;
}

/** Checks w_t = -count * d surrogate / d log p_t by central differences (the engine's loss is -sum w log p). */
function expectWeightsAreTheGradient(
  advantages: number[],
  newLogProbs: number[],
  oldLogProbs: number[],
  eps: number,
): void {
  const { weights } = clippedPolicyWeights(advantages, newLogProbs, oldLogProbs, eps);
  const x = Float64Array.from(newLogProbs);
  const h = 1e-6;
  for (let t = 0; t < x.length; t++) {
    const saved = x[t]!;
    x[t] = saved + h;
    const up = surrogateAt(advantages, x, oldLogProbs, eps);
    x[t] = saved - h;
    const down = surrogateAt(advantages, x, oldLogProbs, eps);
    x[t] = saved;
    const gradient = (up - down) / (2 * h);
    expect(weights[t]).toBeCloseTo(-x.length * gradient, 6);
  }
}

describe('clipped importance ratio as loss weights', () => {
  // rho = 1.5, 0.5, 1.5, 0.5, 1, 1, 1.5 with eps = 0.2
  const advantages = [1, 2, -1, -1, 1, -1, 0];
  const old = [-1, -2, -0.5, -3, -0.7, -1.1, -2];
  const delta = [Math.log(1.5), Math.log(0.5), Math.log(1.5), Math.log(0.5), 0, 0, Math.log(1.5)];
  const fresh = old.map((o, t) => o + delta[t]!);

  it('gives rho A where unclipped, 0 where clipped or A = 0, by hand', () => {
    const result = clippedPolicyWeights(advantages, fresh, old, 0.2);
    // t0: A > 0, rho 1.5 > 1.2: clipped.      t1: A > 0, rho 0.5: rho A = 1 is the min, unclipped.
    // t2: A < 0, rho 1.5: rho A = -1.5 is the min.   t3: A < 0, rho 0.5 < 0.8: clipped.
    // t4, t5: rho = 1: w = A.                  t6: A = 0: weight 0.
    const expected = [0, 1, -1.5, 0, 1, -1, 0];
    result.weights.forEach((w, t) => expect(w).toBeCloseTo(expected[t]!, 12));
    expect(result.clippedFraction).toBeCloseTo(2 / 7, 12);
    // -min terms: -1.2, -1.0, +1.5, +0.8, -1, +1, 0 -> 0.1 / 7
    expect(result.surrogate).toBeCloseTo(0.1 / 7, 12);
    // (1.5 + 0.5 + 1.5 + 0.5 + 1 + 1 + 1.5) / 7
    expect(result.meanRatio).toBeCloseTo(7.5 / 7, 12);
  });

  it('equals the surrogate gradient by finite differences (hand-picked and random points)', () => {
    expectWeightsAreTheGradient(advantages, fresh, old, 0.2);
    const random = createRandom('objective');
    const count = 40;
    const randomAdvantages = Array.from({ length: count }, () => random.next() * 4 - 2);
    const randomOld = Array.from({ length: count }, () => -random.next() * 5);
    const randomNew = randomOld.map((o) => o + (random.next() - 0.5));
    const { clippedFraction } = clippedPolicyWeights(randomAdvantages, randomNew, randomOld, 0.1);
    // Both branches are exercised.
    expect(clippedFraction).toBeGreaterThan(0.1);
    expect(clippedFraction).toBeLessThan(0.9);
    expectWeightsAreTheGradient(randomAdvantages, randomNew, randomOld, 0.1);
  });

  it('is the plain policy gradient on the first update (new = old)', () => {
    const result = clippedPolicyWeights([0.5, -2, 0], [-1, -2, -3], [-1, -2, -3], 0.2);
    expect(Array.from(result.weights)).toEqual([0.5, -2, 0]);
    expect(result.clippedFraction).toBe(0);
    expect(result.meanRatio).toBe(1);
    expect(result.surrogate).toBeCloseTo(-(0.5 - 2) / 3, 12);
  });

  it('handles no tokens and rejects mismatched lengths', () => {
    expect(clippedPolicyWeights([], [], [], 0.2)).toEqual({
      weights: new Float64Array(0),
      clippedFraction: 0,
      surrogate: 0,
      meanRatio: 1,
    });
    expect(() => clippedPolicyWeights([1, 2], [0], [0, 0], 0.2)).toThrow(/2 advantages, 1 new/);
    expect(() => clippedPolicyWeights([1], [0], [0], 0)).toThrow(/clipEpsilon/);
  });
});
