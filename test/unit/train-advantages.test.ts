import { describe, expect, it } from 'vitest';
import { discountedReturns, groupAdvantages, isZeroAdvantage } from '../../src/train/advantages.ts';

const all = { discount: 0.9, groupedAdvantage: true, stdNormalizedAdvantage: true };

/** Compares nested arrays number by number to 12 digits. */
function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.map((row) => row.length)).toEqual(expected.map((row) => row.length));
  actual.forEach((row, i) => row.forEach((value, t) => expect(value).toBeCloseTo(expected[i]![t]!, 12)));
}

describe('discounted returns', () => {
  it('accumulates G_t = r_t + discount * G_{t+1} from the end', () => {
    expect(discountedReturns([0, 0, 1], 0.9)).toEqual([0.81, 0.9, 1]);
    // G_2 = 2; G_1 = -1 + 0.5 * 2 = 0; G_0 = 1 + 0.5 * 0 = 1
    expect(discountedReturns([1, -1, 2], 0.5)).toEqual([1, 0, 2]);
    expect(discountedReturns([], 0.9)).toEqual([]);
  });
});

describe('multi-turn GRPO advantages of one group', () => {
  // One success in four: r = [+1, -1, -1, -1], mean = -0.5,
  // population std = sqrt((1.5^2 + 3 * 0.5^2) / 4) = sqrt(3) / 2.
  const group = [
    { reward: 1, steps: 2 },
    { reward: -1, steps: 3 },
    { reward: -1, steps: 1 },
    { reward: -1, steps: 2 },
  ];

  it('normalises by the group and discounts towards earlier steps', () => {
    // a_0 = 1.5 / (sqrt(3)/2) = sqrt(3) = 1.7320508; a_other = -0.5 / (sqrt(3)/2) = -1/sqrt(3) = -0.5773503
    expectClose(groupAdvantages(group, all), [
      [0.9 * 1.7320508075688772, 1.7320508075688772],
      [-0.81 * 0.5773502691896258, -0.9 * 0.5773502691896258, -0.5773502691896258],
      [-0.5773502691896258],
      [-0.9 * 0.5773502691896258, -0.5773502691896258],
    ]);
  });

  it('switches each part off on its own', () => {
    // grouped only: a = r - mean = [1.5, -0.5, -0.5, -0.5]
    expectClose(groupAdvantages(group, { ...all, stdNormalizedAdvantage: false }), [
      [1.35, 1.5],
      [-0.405, -0.45, -0.5],
      [-0.5],
      [-0.45, -0.5],
    ]);
    // std only: a = r / (sqrt(3)/2) = +-2/sqrt(3) = +-1.1547005
    const s = 2 / Math.sqrt(3);
    expectClose(groupAdvantages(group, { ...all, groupedAdvantage: false }), [
      [0.9 * s, s],
      [-0.81 * s, -0.9 * s, -s],
      [-s],
      [-0.9 * s, -s],
    ]);
    // neither: the raw reward's discounted return
    expectClose(
      groupAdvantages(group, { discount: 0.5, groupedAdvantage: false, stdNormalizedAdvantage: false }),
      [[0.5, 1], [-0.25, -0.5, -1], [-1], [-0.5, -1]],
    );
  });

  it('gives all-success and all-failure groups advantage 0 when grouped (what filtering drops)', () => {
    for (const reward of [1, -1]) {
      const uniform = [
        { reward, steps: 3 },
        { reward, steps: 1 },
        { reward, steps: 4 },
      ];
      for (const stdNormalizedAdvantage of [true, false]) {
        const advantages = groupAdvantages(uniform, { ...all, stdNormalizedAdvantage });
        expect(advantages.map((row) => row.length)).toEqual([3, 1, 4]);
        expect(advantages.flat().every(isZeroAdvantage)).toBe(true);
        expect(advantages.flat().every(Number.isFinite)).toBe(true);
      }
      // Ungrouped, the std of 0 leaves the reward as it is: nothing to filter.
      const raw = groupAdvantages(uniform, { ...all, groupedAdvantage: false });
      expect(raw[1]).toEqual([reward]);
      expect(raw.flat().some(isZeroAdvantage)).toBe(false);
    }
  });

  it('makes the last-step advantages of a grouped group sum to 0', () => {
    const mixed = [1, 1, -1, 1, -1].map((reward, i) => ({ reward, steps: i + 1 }));
    const last = groupAdvantages(mixed, all).map((row) => row[row.length - 1]!);
    expect(last.reduce((sum, a) => sum + a, 0)).toBeCloseTo(0, 12);
  });

  it('handles empty groups and episodes, and rejects bad step counts', () => {
    expect(groupAdvantages([], all)).toEqual([]);
    expect(
      groupAdvantages(
        [
          { reward: 1, steps: 0 },
          { reward: -1, steps: 1 },
        ],
        all,
      ),
    ).toEqual([[], [-1]]);
    expect(() => groupAdvantages([{ reward: 1, steps: 1.5 }], all)).toThrow(/Episode 0.*1\.5 steps/);
    expect(() => groupAdvantages([{ reward: 1, steps: 1 }], { ...all, discount: 1.5 })).toThrow(/discount/);
  });
});

describe('zero advantage', () => {
  it('is |a| below 1e-9', () => {
    expect(isZeroAdvantage(0)).toBe(true);
    expect(isZeroAdvantage(1e-10)).toBe(true);
    expect(isZeroAdvantage(-1e-10)).toBe(true);
    expect(isZeroAdvantage(1e-8)).toBe(false);
    expect(isZeroAdvantage(-0.5)).toBe(false);
  });
});
