/**
 * The CPU reference of the loss (float64, llm.c style). One weighted softmax cross-entropy serves
 * SFT (weights = the loss mask) and RL (weights = advantages, or advantages times a detached
 * importance ratio): loss = sum_n w_n * (-log p_n(y_n)) / normaliser. Tokens of weight 0 add
 * nothing to the loss or the gradient.
 */

type Vec = Float64Array;

// ----------------------------------------------------------------------------------------------
// Softmax cross-entropy with per-token weights
// logits, probs [N, V]; targets, weights, losses [N]; returns the scalar loss

export function crossEntropyForward(
  probs: Vec,
  losses: Vec,
  logits: Vec,
  targets: Int32Array,
  weights: Vec,
  normaliser: number,
  N: number,
  V: number,
): number {
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const logNormaliser = softmaxRow(probs, logits, n, V);
    const w = weights[n]!;
    losses[n] = w === 0 ? 0 : logNormaliser - logits[n * V + targets[n]!]!;
    loss += w * losses[n]!;
  }
  return loss / normaliser;
}

/** dlogits [N, V] += dloss * w_n / normaliser * (probs_n - onehot(y_n)) */
export function crossEntropyBackward(
  dlogits: Vec,
  probs: Vec,
  targets: Int32Array,
  weights: Vec,
  normaliser: number,
  N: number,
  V: number,
  dloss = 1,
): void {
  for (let n = 0; n < N; n++) {
    const w = weights[n]!;
    if (w === 0) continue;
    const scale = (dloss * w) / normaliser;
    const target = targets[n]!;
    for (let v = 0; v < V; v++) {
      dlogits[n * V + v]! += scale * (probs[n * V + v]! - (v === target ? 1 : 0));
    }
  }
}

// ----------------------------------------------------------------------------------------------
// Per-token log-probabilities: out[n] = log softmax(logits_n)[y_n], for RL's sampled tokens and
// importance ratios. Its gradient is crossEntropyBackward with w_n = -dL/dout[n] and normaliser 1.
// logits [N, V]; targets, out [N]

export function logProbsForward(out: Vec, logits: Vec, targets: Int32Array, N: number, V: number): void {
  const probs = new Float64Array(V);
  for (let n = 0; n < N; n++) {
    out[n] = logits[n * V + targets[n]!]! - softmaxRow(probs, logits.subarray(n * V, (n + 1) * V), 0, V);
  }
}

/**
 * probs[n] = softmax(logits[n]), stable (the row maximum is subtracted first); returns
 * log sum exp(logits[n]), so that -log p(y) = logsumexp - logits[n, y] stays finite where p(y) underflows.
 */
function softmaxRow(probs: Vec, logits: Vec, n: number, V: number): number {
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[n * V + v]!);
  let sum = 0;
  for (let v = 0; v < V; v++) {
    const e = Math.exp(logits[n * V + v]! - max);
    probs[n * V + v] = e;
    sum += e;
  }
  for (let v = 0; v < V; v++) probs[n * V + v]! /= sum;
  return max + Math.log(sum);
}
