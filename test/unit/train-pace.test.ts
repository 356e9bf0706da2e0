import { describe, expect, it } from 'vitest';
import { phaseMessage } from '../../src/app/run-session.svelte.ts';
import type { MetricRecord } from '../../src/store/records.ts';
import { RunPace } from '../../src/train/run-pace.ts';

const row = (
  kind: MetricRecord['kind'],
  phase: 'sft' | 'rl',
  step: number,
  iteration?: number,
): MetricRecord => ({
  runId: 'r',
  kind,
  step,
  phase,
  flops: step,
  wallMs: 0,
  values: iteration === undefined ? { loss: 1 } : { reward: 0, iteration },
});

describe('RunPace', () => {
  it('measures each phase from its first row and counts what is left of that phase', () => {
    let clock = 0;
    const pace = new RunPace({ sft: { steps: 10 }, rl: { iterations: 4 } } as never, () => clock);
    expect(pace.onRow(row('train', 'sft', 3))).toMatchObject({
      unit: 'SFT step',
      done: 3,
      total: 10,
      msPerStep: null,
      etaMs: null,
    });
    clock = 2000;
    expect(pace.onRow(row('eval', 'sft', 4))).toBeNull();
    expect(pace.onRow(row('train', 'sft', 5))).toMatchObject({ done: 5, msPerStep: 1000, etaMs: 5000 });
    // RL starts a pace of its own: SFT's steps say nothing of an iteration's time.
    clock = 10_000;
    expect(pace.onRow(row('train', 'rl', 11, 1))).toMatchObject({
      unit: 'RL iteration',
      done: 1,
      total: 4,
      msPerStep: null,
    });
    clock = 40_000;
    expect(pace.onRow(row('train', 'rl', 12, 2))).toMatchObject({
      done: 2,
      msPerStep: 30_000,
      etaMs: 60_000,
    });
  });

  it('says the phase, its pace and what is left in one line', () => {
    const phase = {
      phase: 'sft' as const,
      unit: 'SFT step',
      done: 12,
      total: 200,
      msPerStep: 1400,
      etaMs: 263_200,
    };
    expect(phaseMessage(phase)).toBe('SFT step 12 of 200 · 1.4 s per step · ETA 4 min 23 s');
    expect(phaseMessage({ ...phase, msPerStep: null, etaMs: null })).toBe('SFT step 12 of 200');
  });
});
