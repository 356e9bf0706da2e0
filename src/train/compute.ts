import { segmentsOf, type TokenBatch } from '../model/batch.ts';
import { flopsPerToken, generatedTokensFlops, type FlopsShape } from '../model/flops.ts';

/**
 * What each part of a run costs in FLOPs, with the paper's formula (PAPER.md, compute accounting;
 * model/flops.ts), for the ComputeLedger of train/state.ts: SFT compute = teacher generation +
 * student training tokens; RL compute = student training tokens + rollout and evaluation tokens.
 * The sequence length s of the attention term is the length of the sequence a token belongs to:
 * a packed segment, or prompt plus generated text. Padding costs nothing, as in the paper, which
 * counts tokens.
 */

/** FLOPs of training on a packed batch: per segment, its length n times flopsPerToken(shape, n, 'training'). */
export function trainingBatchFlops(shape: FlopsShape, batch: TokenBatch): number {
  const { batchSize, seqLen } = batch;
  const segments = segmentsOf(batch);
  let flops = 0;
  // A segment is a run of equal ids in a row, as positionsOf (model/batch.ts) reads it.
  for (let b = 0; b < batchSize; b++) {
    let runStart = 0;
    for (let t = 1; t <= seqLen; t++) {
      const segment = segments[b * seqLen + runStart] as number;
      if (t < seqLen && segments[b * seqLen + t] === segment) continue;
      const length = t - runStart;
      if (segment !== -1) flops += length * flopsPerToken(shape, length, 'training');
      runStart = t;
    }
  }
  return flops;
}

/** Inference FLOPs of one generation: (promptTokens + generatedTokens) tokens, each flopsPerToken(shape, promptTokens + generatedTokens, 'generated') (the prompt is read by forward passes too; the paper's m = 0). */
export function inferenceFlops(shape: FlopsShape, promptTokens: number, generatedTokens: number): number {
  const tokens = promptTokens + generatedTokens;
  return generatedTokensFlops(shape, tokens, tokens);
}

/** The paper's teacher (Llama 3.3 70B) over its student (8B). */
export const PAPER_TEACHER_RATIO = 70 / 8;

/**
 * FLOPs of a teacher producing one step: with declared parameters N, 2N per token forward is the
 * usual count, but the paper's formula counts 6 FLOPs per weight in every term (model/flops.ts), so
 * a declared teacher is counted as (promptTokens + generatedTokens) x 6N (m = 0) to stay the same
 * quantity as the student's numbers. A teacher of unknown shape (an expert, or an LLM endpoint with
 * no declared size: teacher.parameters = null) is counted as the paper's teacher was relative to
 * its student: PAPER_TEACHER_RATIO x the student's inference FLOPs for the same tokens. `basis`
 * says which, for the results to show.
 */
export function teacherStepFlops(
  student: FlopsShape,
  teacherParameters: number | null,
  promptTokens: number,
  generatedTokens: number,
  studentLabel: string,
): { flops: number; basis: string } {
  if (teacherParameters === null) {
    return {
      flops: PAPER_TEACHER_RATIO * inferenceFlops(student, promptTokens, generatedTokens),
      basis: `paper ratio 70B:8B x student (${studentLabel})`,
    };
  }
  if (!(teacherParameters > 0)) {
    throw new Error(`teacher.parameters must be a positive number or null (got ${teacherParameters}).`);
  }
  return {
    flops: (promptTokens + generatedTokens) * 6 * teacherParameters,
    basis: `declared ${teacherParameters} parameters`,
  };
}
