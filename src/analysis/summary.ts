import { bootstrapHyperparameter, type ScoredRun } from './bootstrap.ts';
import { coverageFlags } from './coverage.ts';
import { EXPECTED_BEST_METHOD } from './expected-best.ts';
import { mainEffectImportance } from './importance.ts';
import { computeToMatchSft, paretoByStrategy } from './pareto.ts';
import { isSweepBaseline } from './runs.ts';
import {
  HELD_OUT_SETS,
  type AmountAnalysis,
  type AnalysedRun,
  type AnalysisSummary,
  type HeldOutSet,
  type HyperparameterStats,
} from './types.ts';

/** PAPER.md's B. */
export const DEFAULT_RESAMPLES = 1000;
/** Fixed, so that every machine analysing the same runs writes the same summary. */
export const DEFAULT_SEED = 2025;

/**
 * The whole diagnosis of a set of finished runs (analysedRunsOf), as summary.json writes it.
 *
 * Which runs enter the bootstrap: the RL runs (RL from the base student, amount 0, and SFT+RL at its
 * branch amount), since the swept hyperparameters are RL's. SFT-only runs have none; they enter the
 * Pareto frontiers and the compute SFT+RL needs to match them. Each amount is analysed on its own
 * runs; the pooled analysis takes every RL run, those without an amount (SFT+RL started by hand)
 * included, and its highest win rate per hyperparameter is the recommended value. A hyperparameter is
 * bootstrapped over the runs that set it (n = those runs).
 *
 * Each (amount, held-out set, hyperparameter) draws its resamples from a seed of its own, derived
 * from the seed and its labels, so adding a run at one amount leaves the other amounts' figures as
 * they were.
 */
export function analyzeRuns(
  runs: readonly AnalysedRun[],
  options: { resamples?: number; seed?: number } = {},
): AnalysisSummary {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new Error(`The bootstrap needs a whole number of resamples of at least 1, not ${resamples}.`);
  // The resamples are drawn by position, so the runs are put in one order first: a results file, a
  // store and a merge of shards list the same runs in different orders, and must agree.
  const ordered = [...runs].sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  // The RL runs of the search (a sweep's baselines are not samples of it: runs.ts), each at its SFT
  // amount; an SFT+RL run of unknown amount is pooled but has no amount of its own.
  const rlRuns = ordered.filter((run) => run.strategy !== 'sft' && !isSweepBaseline(run));
  const amounts = [...new Set(rlRuns.flatMap((run) => (run.sftAmount === null ? [] : [run.sftAmount])))].sort(
    (a, b) => a - b,
  );

  const by_sft_amount: AmountAnalysis[] = amounts.flatMap((amount) =>
    HELD_OUT_SETS.map((set) => {
      const atAmount = rlRuns.filter((run) => run.sftAmount === amount);
      return {
        sft_amount: amount,
        held_out: set,
        runs: atAmount.length,
        hyperparameters: bootstrapAll(atAmount, set, resamples, `${seed}/amount ${amount}`),
        importance: mainEffectImportance(
          atAmount.map((run) => ({ hyperparameters: run.hyperparameters, score: run.success[set] })),
        ),
        coverage: coverageFlags(atAmount.map((run) => run.hyperparameters)),
      };
    }),
  );

  const hyperparameters = perHeldOutSet((set) => bootstrapAll(rlRuns, set, resamples, `${seed}/pooled`));
  return {
    runs: runs.length,
    sft_amounts: amounts,
    bootstrap: { resamples, seed },
    expected_best: { ...EXPECTED_BEST_METHOD },
    hyperparameters,
    recommended: perHeldOutSet((set) => recommendedValues(hyperparameters[set])),
    by_sft_amount,
    pareto: perHeldOutSet((set) => paretoByStrategy(ordered, set)),
    compute_to_match_sft: perHeldOutSet((set) => computeToMatchSft(ordered, set)),
  };
}

function perHeldOutSet<T>(make: (set: HeldOutSet) => T): Record<HeldOutSet, T> {
  return { goals: make('goals'), tasks: make('tasks') };
}

function bootstrapAll(
  runs: readonly AnalysedRun[],
  set: HeldOutSet,
  resamples: number,
  seed: string,
): Record<string, HyperparameterStats> {
  const names = [...new Set(runs.flatMap((run) => Object.keys(run.hyperparameters)))].sort();
  const stats: Record<string, HyperparameterStats> = {};
  for (const name of names) {
    const scored: ScoredRun[] = runs.flatMap((run) => {
      const value = run.hyperparameters[name];
      return value === undefined ? [] : [{ runId: run.runId, value, score: run.success[set] }];
    });
    stats[name] = bootstrapHyperparameter(scored, { resamples, seed: `${seed}/${set}/${name}` });
  }
  return stats;
}

/**
 * Per hyperparameter the sweep varied, the value with the highest win rate; a tie goes to the higher
 * T_h mean. A knob held at one value wins every resample by construction: it recommends nothing.
 */
function recommendedValues(stats: Record<string, HyperparameterStats>): Record<string, string> {
  const recommended: Record<string, string> = {};
  for (const [name, { values }] of Object.entries(stats)) {
    if (Object.keys(values).length < 2) continue;
    const ranked = Object.entries(values).sort(
      ([, a], [, b]) => b.win_rate - a.win_rate || (b.t_mean ?? -Infinity) - (a.t_mean ?? -Infinity),
    );
    if (ranked[0] !== undefined) recommended[name] = ranked[0][0];
  }
  return recommended;
}
