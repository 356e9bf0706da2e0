import type { AnalysisSummary, HeldOutSet } from '../analysis/types.ts';
import { formatFlops, formatPercent } from '../report/format.ts';

/**
 * The analysis in words, beside the figures: the recommended values, the compute SFT+RL needs to
 * match pure SFT (the paper's 55%), and where random search sampled too thinly to trust.
 */

export interface Diagnosis {
  /** Per hyperparameter, the value with the highest pooled win rate. */
  recommended: { hyperparameter: string; value: string; winRate: number | null }[];
  computeToMatch: string;
  /** Coverage warnings, each naming its SFT amount. */
  thin: string[];
}

export function diagnosisOf(summary: AnalysisSummary, heldOut: HeldOutSet): Diagnosis {
  const pooled = summary.hyperparameters[heldOut];
  const recommended = Object.entries(summary.recommended[heldOut]).map(([hyperparameter, value]) => ({
    hyperparameter,
    value,
    winRate: pooled[hyperparameter]?.values[value]?.win_rate ?? null,
  }));
  const thin = summary.by_sft_amount
    .filter((analysis) => analysis.held_out === heldOut)
    .flatMap((analysis) =>
      analysis.coverage.map((flag) => `SFT amount ${analysis.sft_amount}: ${flag.message}`),
    );
  return { recommended, computeToMatch: computeToMatchSentence(summary, heldOut), thin };
}

function computeToMatchSentence(summary: AnalysisSummary, heldOut: HeldOutSet): string {
  const match = summary.compute_to_match_sft[heldOut];
  if (!match) return 'No finished SFT-only run and SFT+RL run to compare at matched compute.';
  const peak = `pure SFT's peak of ${formatPercent(match.sft_peak)} (reached with ${formatFlops(match.sft_peak_flops)} FLOPs)`;
  if (match.sft_rl_flops === null) return `No SFT+RL run reaches ${peak}.`;
  const share = match.fraction === null ? '' : `, ${formatPercent(match.fraction)} of SFT's compute`;
  return `SFT+RL reaches ${peak} with ${formatFlops(match.sft_rl_flops)} FLOPs${share}.`;
}
