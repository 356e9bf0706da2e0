import type { HyperparameterValue } from '../store/records.ts';
import { compareValues, valueKey } from './bootstrap.ts';
import type { CoverageFlag } from './types.ts';

/**
 * Where random search left too few runs to trust a comparison (PAPER.md names this gap of the
 * bootstrap and does not correct it). Two rules:
 * - a value with fewer than MIN_RUNS_PER_VALUE runs: its win rate and T_h rest on one or two runs;
 * - a pair of values of two hyperparameters that no run combines, among the runs that set both
 *   (a knob only sampled when another is on, like curriculumMean, is compared only where it is set):
 *   how the two interact was never seen, so a win of either may hang on the other.
 * Only values some run has can be checked: a value of the space that no run sampled is not seen here.
 */
export const MIN_RUNS_PER_VALUE = 3;

export function coverageFlags(
  configurations: readonly Record<string, HyperparameterValue>[],
): CoverageFlag[] {
  const names = [...new Set(configurations.flatMap((config) => Object.keys(config)))].sort();
  const flags: CoverageFlag[] = [];
  for (const name of names) {
    for (const [key, runs] of countValues(configurations, [name])) {
      if (runs < MIN_RUNS_PER_VALUE)
        flags.push({
          hyperparameter: name,
          value: key,
          runs,
          message: `${name}=${key} has ${runs} run${runs === 1 ? '' : 's'} (fewer than ${MIN_RUNS_PER_VALUE}): sample more configurations with it before trusting its win rate.`,
        });
    }
  }
  names.forEach((first, i) => {
    for (const second of names.slice(i + 1)) {
      const both = configurations.filter((config) => first in config && second in config);
      const firstValues = distinctValues(both, first);
      const secondValues = distinctValues(both, second);
      const pairs = countValues(both, [first, second]);
      for (const a of firstValues) {
        for (const b of secondValues) {
          const value = `${first}=${valueKey(a)}, ${second}=${valueKey(b)}`;
          if (pairs.has(value)) continue;
          flags.push({
            hyperparameter: `${first} x ${second}`,
            value,
            runs: 0,
            message: `No run combines ${value}: how these two interact is unseen; sample that combination.`,
          });
        }
      }
    }
  });
  return flags;
}

/** Runs per combination of the named hyperparameters' values, keyed "a=x, b=y" (one name: the value alone). */
function countValues(
  configurations: readonly Record<string, HyperparameterValue>[],
  names: readonly string[],
): Map<string, number> {
  const counts = new Map<string, number>();
  const sorted = [...configurations]
    .filter((config) => names.every((name) => name in config))
    .sort((a, b) => {
      for (const name of names) {
        const order = compareValues(a[name]!, b[name]!);
        if (order !== 0) return order;
      }
      return 0;
    });
  for (const config of sorted) {
    const key =
      names.length === 1
        ? valueKey(config[names[0]!]!)
        : names.map((name) => `${name}=${valueKey(config[name]!)}`).join(', ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function distinctValues(
  configurations: readonly Record<string, HyperparameterValue>[],
  name: string,
): HyperparameterValue[] {
  const byKey = new Map<string, HyperparameterValue>();
  for (const config of configurations) byKey.set(valueKey(config[name]!), config[name]!);
  return [...byKey.values()].sort(compareValues);
}
