import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../../src/core/random.ts';
import { curriculumWeights, sampleIndex, updateTaskSuccess } from '../../src/train/curriculum.ts';

/** A stream whose next() returns u (the other draws are the seeded stream's). */
function fixed(u: number): Random {
  return { ...createRandom(0), next: () => u };
}

describe('Boltzmann curriculum weights', () => {
  it('centres on mu_target with temperature rho_curr, by hand', () => {
    // energies |0.5-0.5|/0.2 = 0, |0.9-0.5|/0.2 = 2, |0.1-0.5|/0.2 = 2 -> p ∝ [1, e^-2, e^-2]
    // 1 / (1 + 2 e^-2) = 0.7869860421615985;  e^-2 / (1 + 2 e^-2) = 0.10650697891920076
    const weights = curriculumWeights(['a', 'b', 'c'], { a: 0.5, b: 0.9, c: 0.1 }, 0.5, 0.2);
    expect(weights[0]).toBeCloseTo(0.7869860421615985, 14);
    expect(weights[1]).toBeCloseTo(0.10650697891920076, 14);
    expect(weights[2]).toBeCloseTo(0.10650697891920076, 14);
    expect(weights.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 14);
  });

  it('gives a task with no estimate energy 0, so it is tried first', () => {
    // energies 2 (b) and 0 (new): [e^-2, 1] / (1 + e^-2)
    const weights = curriculumWeights(['b', 'new'], { b: 0.9 }, 0.5, 0.2);
    expect(weights[0]).toBeCloseTo(0.11920292202211755, 14);
    expect(weights[1]).toBeCloseTo(0.8807970779778824, 14);
    // Names of Object.prototype are tasks like any other.
    expect(curriculumWeights(['toString', 'b'], { b: 0.5 }, 0.5, 0.3)).toEqual([0.5, 0.5]);
  });

  it('stays a distribution at tiny temperatures (no underflow to 0 / 0)', () => {
    // energies 1000 and 1000: exp(-1000) is 0 in float64, the shifted weights are not.
    expect(curriculumWeights(['a', 'b'], { a: 1, b: 1 }, 0, 0.001)).toEqual([0.5, 0.5]);
    const sharp = curriculumWeights(['a', 'b'], { a: 0.9, b: 0.6 }, 0.5, 0.001);
    // energies 400 and 100: p(a) = e^-300 / (1 + e^-300)
    expect(sharp[1]).toBe(1);
    expect(sharp[0]! / Math.exp(-300)).toBeCloseTo(1, 12);
  });

  it('rejects no tasks and a temperature that is not positive', () => {
    expect(() => curriculumWeights([], {}, 0.5, 0.3)).toThrow(/no tasks/);
    expect(() => curriculumWeights(['a'], {}, 0.5, 0)).toThrow(/curriculumTemperature/);
  });
});

describe('task success estimates', () => {
  it('starts at the first observation, then moves by the rate', () => {
    expect(updateTaskSuccess(undefined, 1)).toBe(1);
    // 0.5 + 0.3 * (1 - 0.5)
    expect(updateTaskSuccess(0.5, 1)).toBeCloseTo(0.65, 15);
    expect(updateTaskSuccess(0.5, 0, 0.5)).toBe(0.25);
    expect(() => updateTaskSuccess(0.5, 1, 0)).toThrow(/rate/);
  });
});

describe('drawing an index', () => {
  it('maps u in [0, 1) onto cumulative probabilities, never onto a zero', () => {
    const probabilities = [0.2, 0, 0.5, 0.3];
    expect(sampleIndex(probabilities, fixed(0))).toBe(0);
    expect(sampleIndex(probabilities, fixed(0.199))).toBe(0);
    expect(sampleIndex(probabilities, fixed(0.2))).toBe(2);
    expect(sampleIndex(probabilities, fixed(0.699))).toBe(2);
    expect(sampleIndex(probabilities, fixed(0.7))).toBe(3);
    expect(sampleIndex(probabilities, fixed(0.9999999999))).toBe(3);
    expect(sampleIndex([0.5, 0.5, 0], fixed(0.9999999999))).toBe(1);
    // Unnormalised weights are scaled by their total: u = 0.25 -> 1 of 4.
    expect(sampleIndex([1, 3], fixed(0.24))).toBe(0);
    expect(sampleIndex([1, 3], fixed(0.25))).toBe(1);
  });

  it('draws each task about as often as its curriculum weight', () => {
    const weights = curriculumWeights(['a', 'b', 'c'], { a: 0.5, b: 0.9, c: 0.1 }, 0.5, 0.2);
    const random = createRandom('curriculum');
    const counts = [0, 0, 0];
    const draws = 20000;
    for (let i = 0; i < draws; i++) counts[sampleIndex(weights, random)]! += 1;
    // The standard error of a frequency near 0.79 over 20000 draws is about 0.003.
    counts.forEach((count, i) => expect(Math.abs(count / draws - weights[i]!)).toBeLessThan(0.012));
  });

  it('rejects empty, all-zero and negative probabilities', () => {
    expect(() => sampleIndex([], fixed(0.5))).toThrow(/empty or all 0/);
    expect(() => sampleIndex([0, 0], fixed(0.5))).toThrow(/empty or all 0/);
    expect(() => sampleIndex([0.5, -0.1], fixed(0.5))).toThrow(/Probability 1/);
  });
});
