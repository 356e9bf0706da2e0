import { describe, expect, it } from 'vitest';
import { PAPER_SPACE, parseSweepSpec, sweepIdOf } from '../../src/sweep/spec.ts';

describe('parseSweepSpec', () => {
  it('fills every default: {} is the paper space, its scaled values, and baselines', () => {
    const spec = parseSweepSpec({});
    expect(spec.space).toEqual(PAPER_SPACE);
    expect(spec.space.discount).toEqual([0.5, 0.8, 0.9, 0.95, 0.98, 1.0]);
    expect(spec.space.temperature).toEqual([0.1, 0.25, 0.5, 0.75, 1.0]);
    expect([spec.baselines, spec.sftAmountUnit, spec.split, spec.preset]).toEqual([
      true,
      'steps',
      'micro',
      'nano',
    ]);
  });

  it('keeps the paper default for knobs a space leaves out', () => {
    const spec = parseSweepSpec({ space: { temperature: [0.5] } });
    expect(spec.space.temperature).toEqual([0.5]);
    expect(spec.space.curriculum).toEqual([true, false]);
  });

  it.each([
    ['a discount above 1', { space: { discount: [0.9, 1.5] } }, /space\.discount\.1: .*<=1/],
    ['an empty list', { space: { temperature: [] } }, /space\.temperature: give at least one value/],
    ['a repeated value', { space: { curriculum: [true, true] } }, /space\.curriculum: list each value once/],
    ['a knob not in the space', { space: { klPenalty: [0.1] } }, /space: .*klPenalty/],
    ['a string for a flag', { space: { importanceRatio: ['on'] } }, /space\.importanceRatio\.0: .*boolean/],
    [
      'a fractional batch',
      { space: { effectiveBatchSize: [16.5] } },
      /space\.effectiveBatchSize\.0: .*expected int/,
    ],
    [
      'a fractional step amount',
      { sftAmounts: [0, 12.5] },
      /sftAmounts\.1: SFT amounts in steps are whole numbers/,
    ],
    ['no SFT amount', { sftAmounts: [] }, /sftAmounts: give at least one SFT amount/],
    ['a negative amount', { sftAmounts: [-5] }, /sftAmounts\.0: .*>=0/],
    ['a name that is no file name', { name: '../up' }, /name: use 1-60 letters/],
    ['an unknown split', { split: 'huge' }, /split: .*"micro"/],
    [
      'two RL budgets',
      { budgets: { rlIterations: 5, rlFlops: 1e12 } },
      /budgets: give rlIterations or rlFlops, not both/,
    ],
    [
      'two SFT budgets',
      { budgets: { sftSteps: 5, sftFlops: 1e12 } },
      /budgets: give sftSteps or sftFlops, not both/,
    ],
    ['zero runs per amount', { rlRunsPerAmount: 0 }, /rlRunsPerAmount: /],
    ['a bad base field', { base: { rl: { groupSize: 0 } } }, /base\.rl\.groupSize: /],
    ['an unknown base field', { base: { sft: { stepz: 3 } } }, /base\.sft: .*stepz/],
    [
      'a knob set in base',
      { base: { rl: { temperature: 0.5 } } },
      /base\.rl\.temperature: the sweep sets rl\.temperature: give it as space\.temperature/,
    ],
    [
      'a budget set in base',
      { base: { rl: { iterations: 9 } } },
      /base\.rl\.iterations: the sweep sets rl\.iterations: give it as budgets\.rlIterations/,
    ],
    [
      'a split set in base',
      { base: { env: { split: 'quick' } } },
      /base\.env\.split: the sweep sets env\.split: give it as "split"/,
    ],
    [
      'a branch set in base',
      { base: { branch: { runId: 'x', step: 1 } } },
      /base\.branch: the sweep sets branch/,
    ],
    ['an unknown top-level field', { runs: 3 }, /\(top level\): .*runs/],
  ])('refuses %s, naming the field', (_, json, message) => {
    expect(() => parseSweepSpec(json, 'configs/bad.json')).toThrow(message);
    expect(() => parseSweepSpec(json, 'configs/bad.json')).toThrow(/^configs\/bad\.json is not valid: /);
  });

  it('lists every problem at once', () => {
    expect(() => parseSweepSpec({ seed: -1, space: { discount: [2] } })).toThrow(
      /seed: .*; space\.discount\.0: /,
    );
  });
});

describe('sweepIdOf', () => {
  it('is the name and a hash of the parsed spec: key order and written defaults do not change it', () => {
    const short = parseSweepSpec({ name: 'a', seed: 3 });
    const long = parseSweepSpec({ seed: 3, space: { ...PAPER_SPACE }, baselines: true, name: 'a' });
    expect(sweepIdOf(short)).toMatch(/^a-[0-9a-f]{8}$/);
    expect(sweepIdOf(long)).toBe(sweepIdOf(short));
    // The base configuration is kept as written: its key order must not matter either.
    const base = parseSweepSpec({
      name: 'a',
      base: { sft: { batchSize: 8, steps: undefined }, env: { maxSteps: 3 } },
    });
    const reordered = parseSweepSpec({ name: 'a', base: { env: { maxSteps: 3 }, sft: { batchSize: 8 } } });
    expect(sweepIdOf(reordered)).toBe(sweepIdOf(base));
  });

  it('differs when anything that changes the plan differs', () => {
    const id = sweepIdOf(parseSweepSpec({ name: 'a', seed: 3 }));
    expect(sweepIdOf(parseSweepSpec({ name: 'a', seed: 4 }))).not.toBe(id);
    expect(sweepIdOf(parseSweepSpec({ name: 'a', seed: 3, rlRunsPerAmount: 5 }))).not.toBe(id);
    expect(sweepIdOf(parseSweepSpec({ name: 'a', seed: 3, space: { discount: [0.9] } }))).not.toBe(id);
  });
});
