/**
 * The CPU reference of the loss (float64, llm.c style). One per-token loss serves SFT and RL:
 *
 *   log p_n = log softmax(logits_n / temperature)[y_n]
 *   without old log-probabilities:  loss_n = -w_n log p_n             (SFT: w = the loss mask,
 *                                                                       RL: w = the advantage)
 *   with old log-probabilities:     loss_n = -min(rho_n w_n, clip(rho_n, 1 - eps, 1 + eps) w_n),
 *                                   rho_n = exp(log p_n - oldLogProb_n)  (PPO's clipped ratio)
 *   loss = sum_n loss_n / normaliser
 *
 * The gradient of every loss_n with respect to log p_n is -g_n, with g_n = w_n without a ratio, and
 * with one g_n = rho_n w_n where the unclipped branch is the minimum and 0 where the clipped one (a
 * constant) is. The forward pass writes g (the gradient weights) for the backward pass, so the
 * ratio costs nothing beyond the training step's own forward pass. RL reads the policy at its
 * sampling temperature (generation returns log-probabilities at that temperature); SFT uses 1.
 * Tokens of weight 0 add nothing to the loss or the gradient.
 */

type Vec = Float64Array;

/** How log p is read, and whether the clipped importance ratio applies. */
export interface TokenLossOptions {
  /** Divides the logits (1: the model's own distribution). */
  readonly temperature: number;
  /** [N] log-probabilities of the targets under the policy that sampled them, or null: no ratio. */
  readonly oldLogProbs: ArrayLike<number> | null;
  /** The clip of the ratio (used with oldLogProbs). */
  readonly clipEpsilon: number;
}

export const PLAIN_TOKEN_LOSS: TokenLossOptions = { temperature: 1, oldLogProbs: null, clipEpsilon: 0 };

// ----------------------------------------------------------------------------------------------
// The per-token loss
// logits, probs [N, V]; targets, weights, losses, gradWeights [N]; returns the scalar loss.
// probs = softmax(logits / temperature); losses[n] = loss_n; gradWeights[n] = g_n.

export function tokenLossForward(
  probs: Vec,
  losses: Vec,
  gradWeights: Vec,
  logits: Vec,
  targets: Int32Array,
  weights: Vec,
  options: TokenLossOptions,
  normaliser: number,
  N: number,
  V: number,
): number {
  const { temperature, oldLogProbs, clipEpsilon } = options;
  const scaled = new Float64Array(V);
  let loss = 0;
  for (let n = 0; n < N; n++) {
    for (let v = 0; v < V; v++) scaled[v] = logits[n * V + v]! / temperature;
    const logNormaliser = softmaxRow(probs.subarray(n * V, (n + 1) * V), scaled, V);
    const w = weights[n]!;
    if (w === 0) {
      losses[n] = 0;
      gradWeights[n] = 0;
      continue;
    }
    const term = tokenTerm(scaled[targets[n]!]! - logNormaliser, w, oldLogProbs?.[n] ?? null, clipEpsilon);
    losses[n] = term.loss;
    gradWeights[n] = term.gradWeight;
    loss += term.loss;
  }
  return loss / normaliser;
}

/**
 * One token of weight w != 0: its loss_n and gradient weight g_n from its log p, plain
 * (oldLogProb null) or with PPO's clipped ratio. The fast CPU engine's loss head shares it.
 */
export function tokenTerm(
  logProb: number,
  w: number,
  oldLogProb: number | null,
  clipEpsilon: number,
): { loss: number; gradWeight: number } {
  if (oldLogProb === null) return { loss: -w * logProb, gradWeight: w };
  const ratio = Math.exp(logProb - oldLogProb);
  const clippedRatio = Math.min(Math.max(ratio, 1 - clipEpsilon), 1 + clipEpsilon);
  // The clipped branch is the minimum where the ratio moved past the clip in the advantage's direction.
  const clipped = (w > 0 && ratio > 1 + clipEpsilon) || (w < 0 && ratio < 1 - clipEpsilon);
  return { loss: -Math.min(ratio * w, clippedRatio * w), gradWeight: clipped ? 0 : ratio * w };
}

/** dlogits [N, V] += dloss * g_n / (normaliser * temperature) * (probs_n - onehot(y_n)) */
export function tokenLossBackward(
  dlogits: Vec,
  probs: Vec,
  targets: Int32Array,
  gradWeights: Vec,
  temperature: number,
  normaliser: number,
  N: number,
  V: number,
  dloss = 1,
): void {
  for (let n = 0; n < N; n++) {
    const g = gradWeights[n]!;
    if (g === 0) continue;
    const scale = (dloss * g) / (normaliser * temperature);
    const target = targets[n]!;
    for (let v = 0; v < V; v++) {
      dlogits[n * V + v]! += scale * (probs[n * V + v]! - (v === target ? 1 : 0));
    }
  }
}

// ----------------------------------------------------------------------------------------------
// Per-token log-probabilities: out[n] = log softmax(logits_n / temperature)[y_n], for scoring
// sampled tokens. Its gradient is tokenLossBackward with g_n = -dL/dout[n] and normaliser 1.
// logits [N, V]; targets, out [N]

export function logProbsForward(
  out: Vec,
  logits: Vec,
  targets: Int32Array,
  N: number,
  V: number,
  temperature = 1,
): void {
  const probs = new Float64Array(V);
  const scaled = new Float64Array(V);
  for (let n = 0; n < N; n++) {
    for (let v = 0; v < V; v++) scaled[v] = logits[n * V + v]! / temperature;
    out[n] = scaled[targets[n]!]! - softmaxRow(probs, scaled, V);
  }
}

/**
 * probs = softmax(row), stable (the maximum is subtracted first); returns log sum exp(row), so that
 * -log p(y) = logsumexp - row[y] stays finite where p(y) underflows.
 */
function softmaxRow(probs: Vec, row: Vec, V: number): number {
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, row[v]!);
  let sum = 0;
  for (let v = 0; v < V; v++) {
    const e = Math.exp(row[v]! - max);
    probs[v] = e;
    sum += e;
  }
  for (let v = 0; v < V; v++) probs[v]! /= sum;
  return max + Math.log(sum);
}
