import type { ComputeLedger, RunState } from '../store/records.ts';

/**
 * Where a run stands (the RunState record of store/records.ts): saved with every checkpoint, so a
 * run resumes from its last checkpoint after a pause, a reload or a crash and recomputes exactly
 * what came after it (every random draw of a step is seeded by the run seed and the step number,
 * never by what ran before).
 */

export function emptyLedger(): ComputeLedger {
  return { teacher: 0, sftTraining: 0, rlTraining: 0, rollouts: 0, evaluation: 0 };
}

/**
 * The x-axis of every curve and every analysis: training compute, as the paper counts it (teacher
 * generation, SFT training, RL rollouts and RL training); evaluation is left out, so a curve does
 * not move when evaluations are more frequent.
 */
export function trainingFlops(ledger: ComputeLedger): number {
  return ledger.teacher + ledger.sftTraining + ledger.rollouts + ledger.rlTraining;
}

export function initialRunState(): RunState {
  return {
    phase: 'sft',
    step: 0,
    sftSteps: 0,
    rlIterations: 0,
    compute: emptyLedger(),
    wallMs: 0,
    heldOutGoalHistory: [],
    teacherCost: null,
    rowsRecorded: 0,
    taskSuccess: {},
    sftFlopsAtBranch: null,
  };
}
