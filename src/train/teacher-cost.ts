import type { ModelConfig } from '../model/config.ts';
import type { Example } from '../model/packing.ts';
import type { DatasetStats, TeacherCost } from '../store/records.ts';
import { teacherStepFlops } from './compute.ts';
import type { TeacherSettings } from './config.ts';

/**
 * What the teacher's traces cost, as the run counts it (PAPER.md: SFT compute = teacher generation +
 * student training). The rule, stated once:
 *
 * - Every kept step is counted in the current student's tokens: the prompt the student reads and
 *   the target it learns (compute.ts teacherStepFlops: the declared teacher size, or the paper's
 *   70B:8B ratio to the student). A dataset reused by another student is counted again in its tokens.
 * - Steps of episodes that were played but not kept (failed ones, by default) have no stored text:
 *   each is charged the mean of the kept steps, so the paper's "failed trajectories still count" holds.
 * - The total is spread evenly over the SFT examples and charged as SFT first reads each one
 *   (`teacherCharged`): after s steps of batch b, min(1, s b / examples) of it. A run that branches
 *   at SFT step 0, or RL alone, has spent none of it.
 */
export function teacherCost(
  examples: readonly Example[],
  stats: Pick<DatasetStats, 'steps' | 'keptSteps'>,
  student: ModelConfig,
  teacher: Pick<TeacherSettings, 'parameters'>,
  studentLabel: string,
): TeacherCost {
  let kept = 0;
  for (const example of examples) {
    kept += teacherStepFlops(
      student,
      teacher.parameters,
      example.prompt.length,
      example.target.length,
      studentLabel,
    ).flops;
  }
  const unkept = Math.max(0, stats.steps - stats.keptSteps);
  const flops = examples.length > 0 ? kept * (1 + unkept / examples.length) : 0;
  return {
    flops,
    basis:
      `${teacherStepFlops(student, teacher.parameters, 1, 0, studentLabel).basis}, in the student's tokens` +
      (unkept > 0 ? `; ${unkept} steps of unkept episodes at the kept steps' mean` : ''),
    examples: examples.length,
  };
}

/** The part of the teacher's cost charged after `sftSteps` steps of `batchSize` examples. */
export function teacherCharged(cost: TeacherCost, sftSteps: number, batchSize: number): number {
  if (cost.examples === 0) return 0;
  return cost.flops * Math.min(1, (sftSteps * batchSize) / cost.examples);
}
