import { describe, expect, it } from 'vitest';
import { learningRateAt, type ScheduleOptions } from '../../src/train/schedule.ts';

// Peak 2, two warmup steps, eleven steps: decay spans steps 2..10 (8 steps).
const base: ScheduleOptions = { learningRate: 2, schedule: 'cosine', warmupSteps: 2, totalSteps: 11 };
const at = (step: number, options: Partial<ScheduleOptions> = {}): number =>
  learningRateAt(step, { ...base, ...options });

describe('learning-rate schedules', () => {
  it('warms up linearly to the peak: lr * (step + 1) / warmupSteps', () => {
    for (const schedule of ['constant', 'cosine', 'linear'] as const) {
      expect(at(0, { schedule })).toBe(1);
      expect(at(1, { schedule })).toBe(2);
      expect(at(2, { schedule })).toBe(2);
    }
  });

  it('keeps the peak when constant', () => {
    expect(at(5, { schedule: 'constant' })).toBe(2);
    expect(at(1000, { schedule: 'constant' })).toBe(2);
  });

  it('decays by a cosine to 0.1 lr at the last step', () => {
    // progress 2/8: 2 * (0.1 + 0.9 * 0.5 * (1 + cos(pi/4))) = 2 * 0.8681980515339464
    expect(at(4)).toBeCloseTo(2 * 0.8681980515339464, 14);
    // progress 1/2: 2 * (0.1 + 0.45)
    expect(at(6)).toBeCloseTo(1.1, 14);
    expect(at(10)).toBeCloseTo(0.2, 14);
    expect(at(50)).toBeCloseTo(0.2, 14);
  });

  it('decays linearly to 0.1 lr at the last step', () => {
    // progress 1/4: 2 * (1 - 0.9 / 4) = 1.55
    expect(at(4, { schedule: 'linear' })).toBeCloseTo(1.55, 14);
    expect(at(6, { schedule: 'linear' })).toBeCloseTo(1.1, 14);
    expect(at(10, { schedule: 'linear' })).toBeCloseTo(0.2, 14);
  });

  it('starts at the peak without warmup, and keeps it when nothing is left to decay over', () => {
    expect(at(0, { warmupSteps: 0 })).toBe(2);
    expect(at(0, { warmupSteps: 0, totalSteps: 1 })).toBe(2);
    expect(at(2, { totalSteps: 3 })).toBe(2);
  });

  it('rejects steps and settings that are not counts', () => {
    expect(() => at(-1)).toThrow(/step must be/);
    expect(() => at(0.5)).toThrow(/step must be/);
    expect(() => at(0, { totalSteps: 0 })).toThrow(/totalSteps/);
    expect(() => at(0, { learningRate: 0 })).toThrow(/learningRate/);
  });
});
