/**
 * The CPU engine's sampler: the rule of the GPU's sampleTokens (gpu/kernels/decode.wgsl) in
 * float64. Greedy takes the argmax; otherwise the Gumbel-max trick draws from
 * softmax(logits / temperature): argmax_v logits_v / temperature - log(-log u_v), with u_v from
 * the same counter-based hash of (seed, step, row, v). Ties go to the smallest id. The
 * log-probability is under the sampling policy, softmax(logits / temperature) (temperature 1 when
 * greedy): RL's importance ratio compares it with the training step's log p at the same temperature.
 */

/** PCG's output permutation on 32-bit words, as the WGSL `pcg`. */
function pcg(value: number): number {
  const state = (Math.imul(value >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** Uniform in (0, 1) from the top 24 bits of the hash of (seed, step, row, v), centred in their bucket. */
export function gumbelUniform(seed: number, step: number, row: number, v: number): number {
  return uniformOf(rowHash(seed, step, row), v);
}

/** The part of the hash that (seed, step, row) fix: computed once per row, not once per token id. */
function rowHash(seed: number, step: number, row: number): number {
  return pcg((row + pcg((step + pcg(seed >>> 0)) >>> 0)) >>> 0);
}

function uniformOf(rowPart: number, v: number): number {
  return ((pcg((v + rowPart) >>> 0) >>> 8) + 0.5) / 16777216;
}

/** The next token from one row of logits [V], and its log-probability at the sampling temperature. */
export function sampleToken(
  logits: Float64Array,
  temperature: number,
  seed: number,
  step: number,
  row: number,
): { token: number; logProb: number } {
  const scale = temperature === 0 ? 1 : temperature;
  let max = -Infinity;
  let best = 0;
  let bestScore = -Infinity;
  const rowPart = rowHash(seed, step, row);
  for (let v = 0; v < logits.length; v++) {
    const logit = logits[v]!;
    max = Math.max(max, logit / scale);
    const score =
      temperature === 0 ? logit : logit / temperature - Math.log(-Math.log(uniformOf(rowPart, v)));
    if (score > bestScore) {
      bestScore = score;
      best = v;
    }
  }
  let sum = 0;
  for (let v = 0; v < logits.length; v++) sum += Math.exp(logits[v]! / scale - max);
  return { token: best, logProb: logits[best]! / scale - max - Math.log(sum) };
}
