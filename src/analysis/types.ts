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
   */
  t_mean: number | null;
  t_lo: number | null;
  t_hi: number | null;
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
  coverage: CoverageFlag[];
}

export interface AnalysisSummary {
  /** The finished runs analysed, every strategy. */
  runs: number;
  /** The SFT amounts of the RL runs (0: RL from the base student), rising: by_sft_amount's. */
  sft_amounts: number[];
  bootstrap: { resamples: number; seed: number };
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
