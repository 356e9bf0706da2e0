import type { HyperparameterValue } from '../store/records.ts';
import { valueKey } from './bootstrap.ts';

export interface ScoredConfiguration {
  hyperparameters: Record<string, HyperparameterValue>;
  score: number;
}

/**
 * A second, independent importance estimate beside the bootstrap: functional ANOVA's main effects
 * over the sampled configurations (Hutter et al. 2014 fit a random forest and integrate it; with
 * random search the runs already sample the space, so the observed runs stand in for it).
 *
 * For a hyperparameter H with K values, the main effect of h is the mean score of the runs with H = h
 * (m_h) minus the mean of those means; H's main-effect variance is the mean of the squared effects,
 * each value weighted alike as random search samples them alike. Each m_h carries noise of variance
 * s^2 / n_h (s^2: the pooled variance of scores around their value's mean, other knobs included),
 * which inflates that variance by (K - 1) / K times the mean of s^2 / n_h in expectation; that bias is
 * subtracted (clipped at 0). The importance is the result's share of the total variance of the scores,
 * in [0, 1]. Shares need not sum to 1: the rest is interactions and noise.
 */
export function mainEffectImportance(runs: readonly ScoredConfiguration[]): Record<string, number> {
  const scores = runs.map((run) => run.score);
  // Scores all alike explain nothing; their variance is float rounding, not a total to share out.
  const alike = scores.every((score) => score === scores[0]);
  const total = alike ? 0 : variance(scores);
  const names = [...new Set(runs.flatMap((run) => Object.keys(run.hyperparameters)))].sort();
  const importance: Record<string, number> = {};
  for (const name of names) {
    const groups = new Map<string, number[]>();
    for (const run of runs) {
      const value = run.hyperparameters[name];
      if (value === undefined) continue;
      const group = groups.get(valueKey(value)) ?? [];
      group.push(run.score);
      groups.set(valueKey(value), group);
    }
    importance[name] = total > 0 ? Math.min(1, mainEffectVariance([...groups.values()]) / total) : 0;
  }
  return importance;
}

function mainEffectVariance(groups: readonly number[][]): number {
  const k = groups.length;
  if (k < 2) return 0;
  const means = groups.map(mean);
  const raw = variance(means);
  const n = groups.reduce((sum, group) => sum + group.length, 0);
  if (n <= k) return raw; // one run per value: no spread within a value to correct with
  const within =
    groups.reduce((sum, group, i) => sum + group.reduce((s, x) => s + (x - means[i]!) ** 2, 0), 0) / (n - k);
  const noise = ((k - 1) / k) * mean(groups.map((group) => within / group.length));
  return Math.max(0, raw - noise);
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, x) => sum + x, 0) / values.length;
}

/** The population variance (divided by n). */
function variance(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const m = mean(values);
  return mean(values.map((x) => (x - m) ** 2));
}
