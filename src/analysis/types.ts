import type { HyperparameterValue, Strategy } from '../store/records.ts';

/**
 * CONTRACT: what the analysis reads and what it writes. The analysis (bootstrap, Pareto frontier,
 * coverage, importance) reads AnalysedRun, built from stored runs and their metric rows; it writes
 * AnalysisSummary, which is `summary.json` of `npm run lab -- analyze` and what the Results page plots.
 */

/** The two held-out sets of PAPER.md: unseen goals of the training tasks, and unseen tasks. */
export type HeldOutSet = 'goals' | 'tasks';
export const HELD_OUT_SETS: readonly HeldOutSet[] = ['goals', 'tasks'];

/** One evaluation of a run: training compute (evaluation excluded) and success on each held-out set. */
export interface CurvePoint {
  step: number;
  /**
   * 'rl' once the run has made an RL update (RunState.heldOutGoalHistory's phase): an RL run's
   * evaluations before that score the model it started from, the SFT checkpoint or the base student.
   */
  phase: 'sft' | 'rl';
  flops: number;
  goals: number;
  tasks: number;
}

/** One finished run as the analysis sees it. */
export interface AnalysedRun {
  runId: string;
  name: string;
  sweepId: string | null;
  strategy: Strategy;
  /** The SFT amount it belongs to (RunLineage.sftAmount): 0 for RL from the base student. */
  sftAmount: number | null;
  hyperparameters: Record<string, HyperparameterValue>;
  /** Training compute at its selected checkpoint. */
  flops: number;
  /** Success at its selected checkpoint (its summary's reported figures). */
  success: Record<HeldOutSet, number>;
  /** Its evaluations in step order. */
  curve: CurvePoint[];
  /** Success per task at its selected checkpoint. */
  perTask: Record<string, number>;
}

/** A hyperparameter value's bootstrap figures (PAPER.md): keys as summary.json writes them. */
export interface ValueStats {
  /** Share of resamples whose best run has this value; a hyperparameter's win rates sum to 1. */
  win_rate: number;
  /**
   * T_h: mean over resamples of the best score among resampled runs with this value, and its 95%
   * percentile interval, over the resamples that drew the value; null when none did (bootstrap.ts).
   *
   * The interval is the paper's and says how much the best run with h moves from resample to
   * resample; it is not a 95% confidence interval for the best score reachable with h (the expected
   * best among the runs with h of a fresh sweep): over synthetic sweeps it covers that only about half
   * the time. A resample's best run with h is one of the sweep's runs, so t_hi never exceeds the best
   * run the sweep got with h, and the expected best lies above that run in about half the sweeps.
   * Reverse-percentile, bias-corrected, subsampling and pooled-residual intervals were measured too
   * and none held near 95% across score distributions at ten or so runs per value: reaching the
   * expected best of ~10 runs means reading the score distribution's tail beyond the runs seen, which
   * only an assumed shape of that tail can do. expected_best below is that, with the shape named.
   */
  t_mean: number | null;
  t_lo: number | null;
  t_hi: number | null;
  /**
   * Not the paper's: the expected best score with this value, E[max of n_h scores] = mu + c(n_h)
   * sigma, and its 95% interval, ASSUMING the scores of the n_h runs with the value are independent
   * and normal (expected-best.ts). The truth it is calibrated for is conditional on n_h: the expected
   * best among n_h fresh runs of the value. Exact under the assumption (over synthetic sweeps with
   * normal scores it covers at 95%); with skewed scores it is not (analysis-expected-best.test.ts
   * pins how far). Not clipped to the score's range. Null when fewer than 3 runs have the value: one
   * run has no spread, two give an interval too wide to say anything.
   */
  expected_best: number | null;
  expected_best_lo: number | null;
  expected_best_hi: number | null;
  /** Runs with this value. */
  runs: number;
}

/** One hyperparameter's bootstrap at one SFT amount on one held-out set. */
export interface HyperparameterStats {
  values: Record<string, ValueStats>;
}

/** Where random search sampled too thinly to trust a comparison. */
export interface CoverageFlag {
  /** The name, or for a pair "a x b". */
  hyperparameter: string;
  /** The value, or for a pair "a=x, b=y". */
  value: string;
  runs: number;
  message: string;
}

/** The bootstrap, coverage and importance at one SFT amount, on one held-out set. */
export interface AmountAnalysis {
  sft_amount: number;
  held_out: HeldOutSet;
  runs: number;
  hyperparameters: Record<string, HyperparameterStats>;
  /** Functional ANOVA: the share of score variance each hyperparameter's main effect explains. */
  importance: Record<string, number>;
  /**
   * The same in the goals and the tasks entry of an amount: it reads the configurations sampled, not
   * their scores, and every run has both scores. It is kept in each entry so that one entry read alone
   * says how far its win rates can be trusted.
   */
  coverage: CoverageFlag[];
}

export interface AnalysisSummary {
  /** The finished runs analysed, every strategy. */
  runs: number;
  /** The SFT amounts of the RL runs (0: RL from the base student), rising: by_sft_amount's. */
  sft_amounts: number[];
  bootstrap: { resamples: number; seed: number };
  /** How expected_best and its interval are read (EXPECTED_BEST_METHOD): the assumption, stated. */
  expected_best: {
    assumption: string;
    truth: string;
    interval: string;
    estimate: string;
    min_runs: number;
    null_when: string;
  };
  /** The pooled analysis (every SFT amount together), per held-out set: the recommended values. */
  hyperparameters: Record<HeldOutSet, Record<string, HyperparameterStats>>;
  recommended: Record<HeldOutSet, Record<string, string>>;
  by_sft_amount: AmountAnalysis[];
  /** Per held-out set and strategy: the compute-performance Pareto frontier, [flops, success] by rising flops. */
  pareto: Record<HeldOutSet, Partial<Record<Strategy, [number, number][]>>>;
  /** Per held-out set: the least training compute at which SFT+RL reaches pure SFT's peak, and the share of SFT's. */
  compute_to_match_sft: Record<
    HeldOutSet,
    { sft_peak: number; sft_peak_flops: number; sft_rl_flops: number | null; fraction: number | null } | null
  >;
}
