import { describe, expect, it } from 'vitest';
import { smoothed, type CurvePoint } from '../../src/app/chart-data.ts';

const point = (step: number, phase: CurvePoint['phase'], value: number): CurvePoint => ({
  flops: step,
  step,
  wall: step,
  phase,
  value,
});

describe('smoothed', () => {
  it('averages each phase exponentially by its weight, restarting where the phase changes', () => {
    const raw = [
      point(1, 'sft', 4),
      point(2, 'sft', 2),
      point(3, 'sft', 0),
      point(4, 'rl', 10),
      point(5, 'rl', 0),
    ];
    expect(smoothed(raw, 0).map((p) => p.value)).toEqual([4, 2, 0, 10, 0]);
    // 4; 0.5*4 + 0.5*2 = 3; 0.5*3 + 0 = 1.5; RL restarts at 10; 0.5*10 + 0 = 5.
    expect(smoothed(raw, 0.5).map((p) => p.value)).toEqual([4, 3, 1.5, 10, 5]);
    expect(raw.map((p) => p.value)).toEqual([4, 2, 0, 10, 0]);
  });
});
