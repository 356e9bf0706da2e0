import type { TokenizerSpec } from '../agent/tokenizer.ts';
import type { EpisodeStep } from '../env/episode.ts';

/**
 * CONTRACT: what the lab keeps in IndexedDB (store/db.ts holds the Dexie schema). Every record is
 * plain data (structured-clone safe); ids are strings made by the lab (crypto.randomUUID()).
 */

/**
 * A configuration as train/ wrote it (train/config.ts: RunConfig, TeacherSettings): the store keeps
 * it as plain data and never reads it; train/ validates it when it reads it back (runConfigOf).
 */
export type StoredSettings = { readonly [key: string]: unknown };

/** FLOPs spent so far, by where they went (PAPER.md, compute accounting). */
export interface ComputeLedger {
  /**
   * Teacher generation for the traces the run trained on, in the student's tokens, charged as SFT
   * first reads them (state.teacherCost; failed episodes included pro rata).
   */
  teacher: number;
  /** Student training tokens of SFT (m = 3). */
  sftTraining: number;
  /** Student training tokens of RL (m = 3); the importance ratio is read in the same passes. */
  rlTraining: number;
  /** Student tokens generated in rollouts (m = 0). */
  rollouts: number;
  /** Student tokens generated in evaluations (m = 0). */
  evaluation: number;
}

export type RunPhase = 'sft' | 'rl' | 'done';

/** One evaluation of held-out goals, for checkpoint selection; RL's start once an RL update has been made. */
export interface HeldOutGoalEntry {
  step: number;
  success: number;
  /** 'rl' once the RL phase has taken an iteration; the evaluation at the switch is SFT's. */
  phase: 'sft' | 'rl';
}

/** The teacher's whole cost for the run's dataset, in the current student's tokens (train/teacher-cost.ts). */
export interface TeacherCost {
  flops: number;
  /** How it was counted, for results, e.g. "paper ratio 70B:8B x student (nano), student tokens". */
  basis: string;
  /** SFT examples it is spread over: each one charges flops / examples when SFT first reads it. */
  examples: number;
}

/** Where a run stands, saved with every checkpoint (train/state.ts makes and advances it). */
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
  heldOutGoalHistory: HeldOutGoalEntry[];
  /** The teacher's cost of the SFT dataset; null without SFT. */
  teacherCost: TeacherCost | null;
  /** Metric rows this run has stored so far: a resume checks the store still holds them. */
  rowsRecorded: number;
  /** Curriculum: each training task's running estimate of success, for the Boltzmann weights. */
  taskSuccess: Record<string, number>;
  /**
   * The SFT compute the RL phase starts from (PAPER.md: teacher + SFT training FLOPs charged so far,
   * evaluation excluded): the branch point's for a branched run, its own at the end of SFT otherwise (0 for
   * RL alone); null before RL.
   */
  sftFlopsAtBranch: number | null;
}

/** A collection of teacher traces. */
export interface DatasetRecord {
  id: string;
  name: string;
  createdAt: number;
  /**
   * 'stopped': ended by the user, or cut off by a reload (marked when the Data page next sees it);
   * its stats count exactly the traces stored, which can train a run.
   */
  status: 'collecting' | 'complete' | 'stopped' | 'failed';
  /** Why it failed or stopped. */
  error: string | null;
  /** The teacher's settings (train/config.ts TeacherSettings), its LLM key blanked. */
  teacher: StoredSettings;
  split: string;
  tasks: string[];
  observationFormat: 'html' | 'axtree';
  maxSteps: number;
  stats: DatasetStats;
}

export interface DatasetStats {
  /** Episodes the teacher played, kept or not. */
  episodes: number;
  successes: number;
  /** Episodes stored (only the successful ones when keepOnlySuccessful). */
  kept: number;
  /** Steps of the stored episodes: the SFT examples. */
  keptSteps: number;
  /** Steps of all episodes played. */
  steps: number;
  /** UTF-8 bytes of prompt + target over the stored steps (tokens under the byte tokenizer). */
  tokens: number;
  /** FLOPs of the teacher generating every step it played (failed episodes included). */
  teacherFlops: number;
  /** How teacherFlops was counted, e.g. "paper ratio 70B:8B x student (nano)" or "declared 7e9 parameters". */
  teacherFlopsBasis: string;
  perTask: Record<string, { episodes: number; successes: number }>;
}

/** One teacher episode; steps hold text only (a model's token samples are not stored). */
export interface TraceRecord {
  /** Auto-incremented. */
  id?: number;
  datasetId: string;
  task: string;
  seed: number;
  success: boolean;
  reward: number;
  steps: Omit<EpisodeStep, 'sample'>[];
}

export type RunStatus = 'created' | 'running' | 'paused' | 'finished' | 'failed';

/** The paper's three training strategies: SFT alone, RL from the base student, RL branched from SFT. */
export type Strategy = 'sft' | 'rl' | 'sft+rl';

/** A sampled hyperparameter's value, under the paper's name (sweep/). */
export type HyperparameterValue = string | number | boolean;

/** Where a run sits in a study: what the analysis groups and compares it by. */
export interface RunLineage {
  /** The sweep that planned it; null for a run started by hand. */
  sweepId: string | null;
  strategy: Strategy;
  /** The run and SFT step it branched from (config.branch); null when it starts from the base student. */
  parent: { runId: string; step: number } | null;
  /**
   * The SFT amount it belongs to, in its sweep's unit (SFT steps or training FLOPs): the branch point
   * of an SFT+RL run, the matched amount of an SFT-only continuation; null outside a sweep.
   */
  sftAmount: number | null;
  /** The sampled values under the paper's names ({} outside a sweep). */
  hyperparameters: Record<string, HyperparameterValue>;
}

export interface RunRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  /** Its configuration (train/config.ts RunConfig, read back with runConfigOf), its LLM key blanked. */
  config: StoredSettings;
  status: RunStatus;
  /** Why it failed, in words the user can act on. */
  error: string | null;
  /** The dataset its SFT phase trains on (collected at its start, or config.sft.datasetId). */
  datasetId: string | null;
  /** The latest state (the last checkpoint's state is the one a resume starts from). */
  state: RunState;
  /** Filled when the run finishes. */
  summary: RunSummary | null;
  /** Its sweep, strategy and parent (records stored before it existed read back with it derived). */
  lineage: RunLineage;
}

export type SweepStatus = 'created' | 'running' | 'paused' | 'finished' | 'cancelled' | 'failed';

/** A sweep: its spec (sweep/ validates and plans it) and where its queue stands. Its runs carry its id. */
export interface SweepRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  /** The spec as given (sweep/ reads it back with its schema). */
  spec: StoredSettings;
  status: SweepStatus;
  /** Why it failed or paused, in words the user can act on. */
  error: string | null;
}

/** A phase's selected checkpoint: the rolling mean (window 3) of held-out-goal success picks it, its unsmoothed scores. */
export interface PhaseSelection {
  selected_step: number;
  heldout_goals_success: number;
  heldout_goals_stderr: number;
  heldout_tasks_success: number;
  heldout_tasks_stderr: number;
  /** Training FLOPs at that checkpoint. */
  flops: number;
  per_task: Record<string, number>;
}

/**
 * The result of a finished run; the CLI prints it as the last line. The top-level scores are the
 * run's reported ones: its RL phase's selection when it made RL updates, its SFT phase's otherwise;
 * `sft` and `rl` keep each phase's selection apart (RL's among evaluations after an RL update only).
 */
export interface RunSummary extends PhaseSelection {
  run_id: string;
  /** Training FLOPs of the whole run (teacher, SFT, rollouts, RL training; evaluation excluded). */
  flops: number;
  /** The breakdown, evaluation included. */
  compute: ComputeLedger;
  /** How the teacher's FLOPs were counted; null without SFT. */
  teacher_flops_basis: string | null;
  wall_s: number;
  steps: number;
  /** RL runs: teacher + SFT training FLOPs spent before RL began (0 for RL alone); null for SFT-only runs. */
  sft_flops_at_branch: number | null;
  sft: PhaseSelection | null;
  rl: PhaseSelection | null;
}

/** One row of a curve: training metrics of one optimizer step or RL iteration, or one evaluation. */
export interface MetricRecord {
  runId: string;
  kind: 'train' | 'eval';
  /** Optimizer step (over both phases) the row belongs to; [runId, kind, step] is unique. */
  step: number;
  phase: RunPhase;
  /** Cumulative training FLOPs when the row was recorded: the x-axis (evaluation excluded). */
  flops: number;
  /** The cumulative compute breakdown behind it (absent in rows stored before it was recorded). */
  compute?: ComputeLedger;
  wallMs: number;
  /** e.g. loss, gradNorm, learningRate, reward, success, filteredFraction; eval: heldOutGoalSuccess, heldOutTaskSuccess and stderrs. */
  values: Record<string, number>;
  /** Evaluations: success per task. */
  perTask?: Record<string, number>;
}

export interface CheckpointRecord {
  runId: string;
  /** [runId, step] is unique. */
  step: number;
  phase: RunPhase;
  flops: number;
  createdAt: number;
  /** engine/checkpoint.ts: safetensors of the parameters, and of AdamW's moments. */
  weights: ArrayBuffer;
  optimizer: ArrayBuffer | null;
  tokenizer: TokenizerSpec;
  /** The run's state right after this step: a resume starts here. */
  state: RunState;
}

/** A checkpoint without its buffers, for listings. */
export type CheckpointInfo = Omit<CheckpointRecord, 'weights' | 'optimizer'> & { bytes: number };
