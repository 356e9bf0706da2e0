/**
 * The optional PPO-style clipped importance ratio of multi-turn GRPO (PAPER.md, pipeline step 4:
 * `importanceRatio` with `clipEpsilon`), turned into per-token loss weights for the engine.
 *
 * The engine minimises sum_t w_t * (-log p_t) / normaliser, whose gradient is
 * -sum_t w_t * grad log p_t / normaliser. The clipped surrogate (to minimise) is
 * -min(rho_t A_t, clip(rho_t, 1 - eps, 1 + eps) A_t) with rho_t = p_t / p_old_t, and its gradient is
 * -rho_t A_t grad log p_t where the unclipped branch is the minimum, and 0 where the clipped branch
 * (a constant) is. So w_t = rho_t A_t where the ratio is not clipped and 0 where it is: training on
 * these weights follows the surrogate's gradient at the current parameters. The weights must be
 * recomputed from fresh log-probabilities for every update (they are the gradient at one point,
 * not a loss). Without the importance ratio the weights are the advantages themselves (rho = 1).
 */

export interface ClippedWeights {
  /** Per token: rho A where the unclipped branch is active, 0 where the clip is (or A = 0). */
  weights: Float64Array;
  /** Tokens whose ratio the clip stopped, over all tokens given (0 for none). */
  clippedFraction: number;
  /** mean over tokens of -min(ρA, clip(ρ)A) */
  surrogate: number;
  /** Mean of rho over the tokens (1 for none): how far the policy has moved from the rollout's. */
  meanRatio: number;
}

export function clippedPolicyWeights(
  advantages: ArrayLike<number>,
  newLogProbs: ArrayLike<number>,
  oldLogProbs: ArrayLike<number>,
  clipEpsilon: number,
): ClippedWeights {
  const count = advantages.length;
  if (newLogProbs.length !== count || oldLogProbs.length !== count) {
    throw new Error(
      `clippedPolicyWeights needs one advantage and two log-probabilities per token: got ${count} advantages, ` +
        `${newLogProbs.length} new and ${oldLogProbs.length} old log-probabilities.`,
    );
  }
  if (!(clipEpsilon > 0)) throw new Error(`clipEpsilon must be positive (got ${clipEpsilon}).`);

  const weights = new Float64Array(count);
  let clipped = 0;
  let surrogateSum = 0;
  let ratioSum = 0;
  for (let t = 0; t < count; t++) {
    const advantage = advantages[t] as number;
    const ratio = Math.exp((newLogProbs[t] as number) - (oldLogProbs[t] as number));
    const clippedRatio = Math.min(Math.max(ratio, 1 - clipEpsilon), 1 + clipEpsilon);
    ratioSum += ratio;
    surrogateSum -= Math.min(ratio * advantage, clippedRatio * advantage);
    const isClipped =
      (advantage > 0 && ratio > 1 + clipEpsilon) || (advantage < 0 && ratio < 1 - clipEpsilon);
    if (isClipped) clipped++;
    else if (advantage !== 0) weights[t] = ratio * advantage;
  }
  return {
    weights,
    clippedFraction: count > 0 ? clipped / count : 0,
    surrogate: count > 0 ? surrogateSum / count : 0,
    meanRatio: count > 0 ? ratioSum / count : 1,
  };
}
