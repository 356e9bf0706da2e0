/**
 * Compute accounting with the paper's formula (PAPER.md), so every learning curve's x-axis is
 * comparable with the paper's:
 *
 *   FLOPs per token = (F_attn + F_mlp + F_embed) x (1 + m)
 *   F_attn = 12 L h^2 (1 + g/n + s/h),  F_mlp = 18 L h f,  F_embed = 6 V h
 *
 * with m = 3 for training tokens and m = 0 for generated tokens. The formula is applied as written,
 * for the student and for a teacher alike. Two facts to know when reading the numbers: F_mlp
 * counts three h x f matrices (Llama's gated MLP) where the student's GELU MLP has two, and each
 * F term is already 6 FLOPs per weight, so (1 + m) multiplies on top of that. Both are the paper's
 * convention, kept so that the lab's FLOPs and the paper's are the same quantity.
 */

/** What the formula needs of a model: ModelConfig has it; a teacher can be described by it. */
export interface FlopsShape {
  /** L */
  readonly layers: number;
  /** h */
  readonly width: number;
  /** n */
  readonly heads: number;
  /** f */
  readonly ffWidth: number;
  /** V */
  readonly vocabSize: number;
  /** g, key/value heads (grouped-query attention); the student has as many as heads, the default. */
  readonly queryGroups?: number;
}

/** m: the multiplier of training tokens (forward and backward) and of generated tokens (forward). */
export const TRAINING_MULTIPLIER = 3;
export const GENERATED_MULTIPLIER = 0;

/** The three terms of the formula for sequence length s, before the (1 + m) factor. */
export function flopsTerms(
  shape: FlopsShape,
  sequenceLength: number,
): { attention: number; mlp: number; embedding: number } {
  const { layers: L, width: h, heads: n, ffWidth: f, vocabSize: V } = shape;
  const g = shape.queryGroups ?? n;
  const s = sequenceLength;
  return {
    attention: 12 * L * h * h * (1 + g / n + s / h),
    mlp: 18 * L * h * f,
    embedding: 6 * V * h,
  };
}

/** FLOPs of one token in a sequence of length s, trained (m = 3) or generated (m = 0). */
export function flopsPerToken(
  shape: FlopsShape,
  sequenceLength: number,
  kind: 'training' | 'generated',
): number {
  const { attention, mlp, embedding } = flopsTerms(shape, sequenceLength);
  const m = kind === 'training' ? TRAINING_MULTIPLIER : GENERATED_MULTIPLIER;
  return (attention + mlp + embedding) * (1 + m);
}

/** FLOPs of one training step on a batch of B sequences of T tokens (s = T). */
export function trainingStepFlops(shape: FlopsShape, batchSize: number, sequenceLength: number): number {
  return batchSize * sequenceLength * flopsPerToken(shape, sequenceLength, 'training');
}

/**
 * FLOPs of generating `tokens` tokens in sequences of length s (prompt plus generated text: the
 * length the attention term sees). Rollouts, evaluation and teacher traces are counted this way.
 */
export function generatedTokensFlops(shape: FlopsShape, tokens: number, sequenceLength: number): number {
  return tokens * flopsPerToken(shape, sequenceLength, 'generated');
}
