import { describe, expect, it } from 'vitest';
import { orderedJson } from '../../src/analysis/json.ts';
import { analyzeRuns } from '../../src/analysis/summary.ts';
import type { AnalysisSummary } from '../../src/analysis/types.ts';
import { syntheticSweep } from './analysis-fixtures.ts';

describe('summary.json as text', () => {
  it('writes numeric value keys in rising order, where JSON.stringify puts "1" first', () => {
    const runs = syntheticSweep({
      runs: 30,
      seed: 'order',
      space: {
        discount: [0.5, 1, 0.9],
        effectiveBatchSize: [1024, 64, 256],
        groupedAdvantage: [true, false],
      },
      noise: 0.05,
      score: () => 0.5,
    });
    const summary = analyzeRuns(runs, { resamples: 20 });
    const keysOf = (text: string, name: string): string[] => {
      const values = JSON.stringify(summary.hyperparameters.goals[name]!.values);
      const written = text.slice(text.indexOf(`"${name}"`));
      return Object.keys(JSON.parse(values) as object)
        .map((key) => [key, written.indexOf(`"${key}"`)] as const)
        .sort((a, b) => a[1] - b[1])
        .map(([key]) => key);
    };
    expect(Object.keys(summary.hyperparameters.goals.discount!.values)).toEqual(['1', '0.5', '0.9']);
    for (const text of [orderedJson(summary, 2), orderedJson(summary)]) {
      expect(keysOf(text, 'discount')).toEqual(['0.5', '0.9', '1']);
      expect(keysOf(text, 'effectiveBatchSize')).toEqual(['64', '256', '1024']);
      expect(keysOf(text, 'groupedAdvantage')).toEqual(['false', 'true']);
      expect(JSON.parse(text)).toEqual(summary);
    }
  });

  it("writes a value's paper figures first, then the normal-theory expected best, and states its assumption", () => {
    const runs = syntheticSweep({
      runs: 12,
      seed: 'fields',
      space: { discount: [0.5, 1] },
      noise: 0.05,
      score: () => 0.5,
    });
    const text = orderedJson(analyzeRuns(runs, { resamples: 20 }), 2);
    const written = JSON.parse(text) as AnalysisSummary;
    expect(Object.keys(written.hyperparameters.goals.discount!.values['0.5']!)).toEqual([
      'win_rate',
      't_mean',
      't_lo',
      't_hi',
      'expected_best',
      'expected_best_lo',
      'expected_best_hi',
      'runs',
    ]);
    expect(Object.keys(written).slice(2, 4)).toEqual(['bootstrap', 'expected_best']);
    expect(written.expected_best.assumption).toMatch(/independent and normal/);
    expect(written.expected_best.null_when).toBe('fewer than 3 runs have the value');
  });

  it('writes what JSON.stringify writes, but for the order of numeric keys', () => {
    const value = { b: [1, 'x', null, { c: true }], a: {}, e: [], n: -0.5, s: 'q"uote' };
    expect(orderedJson(value, 2)).toBe(JSON.stringify(value, null, 2));
    expect(orderedJson(value)).toBe(JSON.stringify(value));
    expect(orderedJson({ '10': 1, '2': 2, '-1': 3 })).toBe('{"-1":3,"2":2,"10":1}');
  });
});
