/**
 * Where a run stands: saved with every checkpoint, so a run resumes from its last checkpoint after
 * a pause, a reload or a crash and recomputes exactly what came after it (every random draw of a
 * step is seeded by the run seed and the step number, never by what ran before).
 */

/** FLOPs spent so far, by where they went (PAPER.md, compute accounting). */
export interface ComputeLedger {
  /** Teacher generation for the traces the run trained on (failed episodes included). */
  teacher: number;
  /** Student training tokens of SFT (m = 3). */
  sftTraining: number;
  /** Student training tokens of RL (m = 3), log-probability passes of the importance ratio included. */
  rlTraining: number;
  /** Student tokens generated in rollouts (m = 0). */
  rollouts: number;
  /** Student tokens generated in evaluations (m = 0). */
  evaluation: number;
}

export type RunPhase = 'sft' | 'rl' | 'done';

export interface RunState {
  phase: RunPhase;
  /** Optimizer steps taken so far, over both phases: the step number of metrics and checkpoints. */
  step: number;
  /** SFT optimizer steps, and RL iterations, taken so far. */
  sftSteps: number;
  rlIterations: number;
  compute: ComputeLedger;
  /** Wall time spent running (pauses excluded), in ms. */
  wallMs: number;
  /** Held-out-goal success of each evaluation so far, in order (checkpoint selection reads it). */
  heldOutGoalHistory: { step: number; success: number }[];
  /** Curriculum: each training task's running estimate of success, for the Boltzmann weights. */
  taskSuccess: Record<string, number>;
  /**
   * The SFT compute the RL phase starts from (PAPER.md: teacher + SFT training FLOPs, evaluation
   * excluded): the branch point's for a branched run, its own at the end of SFT otherwise (0 for
   * RL alone); null before RL.
   */
  sftFlopsAtBranch: number | null;
}

export function emptyLedger(): ComputeLedger {
  return { teacher: 0, sftTraining: 0, rlTraining: 0, rollouts: 0, evaluation: 0 };
}

/** The x-axis of every curve: all FLOPs spent so far. */
export function totalFlops(ledger: ComputeLedger): number {
  return ledger.teacher + ledger.sftTraining + ledger.rlTraining + ledger.rollouts + ledger.evaluation;
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
    taskSuccess: {},
    sftFlopsAtBranch: null,
  };
}
